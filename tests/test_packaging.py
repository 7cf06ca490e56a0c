"""What a fresh install gets: every dependency bounded below its next major version, and constraints.txt
pinning versions those bounds allow, one for each of them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
REQUIREMENTS = [Requirement(line) for line in PROJECT["dependencies"]] + [
    Requirement(line) for extra in PROJECT["optional-dependencies"].values() for line in extra
]


def pinned_versions() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=str)
def test_every_dependency_stops_before_its_next_major_version(requirement: Requirement) -> None:
    assert any(spec.operator == "<" for spec in requirement.specifier), f"{requirement} has no upper bound"


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=str)
def test_constraints_pin_every_dependency_within_its_range(requirement: Requirement) -> None:
    pinned = pinned_versions().get(canonicalize_name(requirement.name))
    assert pinned is not None, f"constraints.txt does not pin {requirement.name}"
    assert requirement.specifier.contains(pinned), f"constraints.txt pins {pinned}, outside {requirement}"


def test_matplotlib_is_only_in_the_charts_extra() -> None:
    runtime = [canonicalize_name(Requirement(line).name) for line in PROJECT["dependencies"]]
    assert "matplotlib" not in runtime
    assert [Requirement(line).name for line in PROJECT["optional-dependencies"]["charts"]] == ["matplotlib"]
