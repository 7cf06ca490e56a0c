"""The deployment files agree with the code and with CI, checked without Docker or systemd.

compose.yaml, the Dockerfile and deploy/mentorbot.service run only `mentorbot` commands that the CLI
accepts; the image installs the versions and runtime extras CI tests; the README's first command installs
as CI does; the image's health check asks the path the server answers.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.server import HEALTH_PATH

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
UNIT = (ROOT / "deploy" / "mentorbot.service").read_text()


def cli_accepts(argv: list[str]) -> bool:
    """Whether `mentorbot ARGV` gets past the CLI's parser: run with --help, so that nothing starts."""
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()), pytest.raises(SystemExit) as exit:
        main([*argv, "--help"])
    return exit.value.code == 0


def mentorbot_arguments(command: list[str]) -> list[str]:
    program, *arguments = command
    assert Path(program).name == "mentorbot", f"{shlex.join(command)} does not run mentorbot"
    return arguments


def dockerfile_instruction(name: str) -> str:
    """One instruction's arguments, its continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    [arguments] = re.findall(rf"^{name} (.+)$", joined, flags=re.MULTILINE)
    return arguments


@dataclass(frozen=True)
class PipInstall:
    constraints: str
    editable: bool
    project: str
    extras: frozenset[str]


def pip_install(text: str) -> PipInstall:
    """The one `pip install` of the project in a script, its --quiet aside."""
    [command] = [
        part
        for line in text.replace("\\\n", " ").splitlines()
        for part in line.split("&&")
        if re.search(r"\bpip install\b", part) and "--upgrade" not in part and not line.startswith("#")
    ]
    words = [word for word in shlex.split(command) if word not in ("--quiet", "-q")]
    words = words[words.index("install") + 1 :]
    constraints = words.pop(words.index("-c") + 1)
    words.remove("-c")
    editable = "-e" in words
    if editable:
        words.remove("-e")
    [target] = words  # nothing else: no option that CI does not use
    project, _, extras = target.partition("[")
    return PipInstall(constraints, editable, project, frozenset(extras.rstrip("]").split(",")) - {""})


CI = pip_install((ROOT / ".ci" / "run").read_text())


def test_the_cli_check_refuses_what_the_cli_does_not_know() -> None:
    assert cli_accepts(["serve"]) and cli_accepts(["serve", "--mode", "http"])
    assert not cli_accepts(["no-such-command"]) and not cli_accepts(["serve", "--mode", "carrier-pigeon"])


@pytest.mark.parametrize("service", [name for name, spec in COMPOSE["services"].items() if "build" in spec])
def test_every_compose_service_built_here_runs_a_command_the_cli_knows(service: str) -> None:
    spec = COMPOSE["services"][service]
    command = spec.get("command") or json.loads(dockerfile_instruction("CMD"))
    command = shlex.split(command) if isinstance(command, str) else command

    assert cli_accepts(mentorbot_arguments(command))


def test_compose_runs_the_bot_on_its_postgresql() -> None:
    web, db = COMPOSE["services"]["web"], COMPOSE["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert web["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "@db:5432/" in web["environment"]["DATABASE_URL"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_image_serves_as_an_unprivileged_user() -> None:
    assert dockerfile_instruction("FROM") == "python:3.11-slim"
    assert dockerfile_instruction("USER") not in ("root", "0")
    assert json.loads(dockerfile_instruction("CMD")) == ["mentorbot", "serve"]
    assert cli_accepts(mentorbot_arguments(json.loads(dockerfile_instruction("CMD"))))


def test_the_images_health_check_asks_the_servers_health_path_with_python() -> None:
    healthcheck = dockerfile_instruction("HEALTHCHECK")
    command = json.loads(healthcheck[healthcheck.index("CMD ") + 4 :])

    assert command[:2] == ["python", "-c"] and "urllib.request" in command[2]
    assert f"'{HEALTH_PATH}'" in command[2]


def test_the_image_installs_the_versions_and_runtime_extras_ci_tests() -> None:
    image = pip_install(DOCKERFILE)

    assert image.constraints == CI.constraints == "constraints.txt"
    assert image.extras == CI.extras - {"test"} == {"charts"}
    # Not editable: the image keeps no source tree to link to.
    assert image.project == CI.project == "." and not image.editable


def test_the_readmes_first_command_installs_as_ci_does() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme[readme.index("## Quick start") :]
    first_command = re.search(r"```sh\n(.+)\n```", quick_start)
    assert first_command is not None

    assert pip_install(first_command.group(1)) == CI


def test_the_systemd_unit_starts_a_command_the_cli_knows() -> None:
    [exec_start] = re.findall(r"^ExecStart=(.+)$", UNIT, flags=re.MULTILINE)

    assert cli_accepts(mentorbot_arguments(shlex.split(exec_start)))
