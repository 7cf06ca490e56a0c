"""The manifest and the configuration template reach an installed mentorbot, and are the repository's own.

`bot/resources/` holds links to the top-level files, so there is one copy to edit; these tests fail if the
package's files drift from the repository's, or if one is left out of the wheel's package data.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from importlib.resources import files
from pathlib import Path

import pytest

import bot.resources
from bot.resources import env_example_text, manifest_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("read", "name"), [(manifest_text, "manifest.yml"), (env_example_text, ".env.example")]
)
def test_the_packaged_file_is_the_repositorys_file(read, name: str) -> None:  # type: ignore[no-untyped-def]
    assert files(bot.resources).joinpath(name).is_file()
    assert read() == (ROOT / name).read_text(encoding="utf-8")


def test_the_manifest_is_the_slack_app_manifest() -> None:
    assert "display_information:" in manifest_text() and "/mentor" in manifest_text()


def test_every_resource_is_in_the_wheels_package_data() -> None:
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = package_data["bot"]
    resources = [
        path.relative_to(ROOT / "bot").as_posix()
        for path in (ROOT / "bot" / "resources").iterdir()
        if path.name != "__init__.py" and path.name != "__pycache__"
    ]
    assert sorted(resources) == ["resources/.env.example", "resources/manifest.yml"]
    for resource in resources:
        assert any(fnmatch(resource, pattern) for pattern in patterns), resource
