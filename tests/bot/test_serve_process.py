"""`mentorbot serve` as an operator runs it: a real process that migrates its database at start, serves
Slack over HTTP and answers health checks, against the Slack stand-in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect

from bot.slack_double import SlackDriver, SlackStandIn
from bot.slack_double.browser import Browser
from bot.slack_double.web_api import CLIENT_SECRET
from storage.db import create_database_engine

SECRET = "serve-test-secret"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, what: str, timeout: float = STARTUP_SECONDS):  # type: ignore[no-untyped-def]
    """Poll a real process's progress, bounded: we wait for it to start, we do not make time pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def health(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status
    except (urllib.error.URLError, ConnectionError):
        return None


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def served(tmp_path: Path, slack: SlackStandIn) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-serve-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "PORT": str(port),
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: health(url) == 200 or process.poll() is not None, "the server to start")
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_serve_migrates_its_database_and_answers_health_checks(served: str, tmp_path: Path) -> None:
    assert health(served) == 200
    tables = inspect(create_database_engine(f"sqlite:///{tmp_path / 'served.db'}")).get_table_names()
    assert {"members", "mentorships", "followups", "alembic_version"} <= set(tables)


def test_serve_answers_a_signed_slash_command(served: str, slack: SlackStandIn) -> None:
    slack.add_user("UANNA", locale="en-GB")
    driver = SlackDriver(served + "/slack/events", SECRET, slack)

    response = driver.slash_command("UANNA", text="help")

    assert response.status == 200
    help_message = wait_until(lambda: slack.messages_to("UANNA"), "the help to reach the member", timeout=30)
    assert "connects students with alumni" in str(help_message[-1].blocks)


def test_serve_refuses_an_unsigned_request(served: str, slack: SlackStandIn) -> None:
    driver = SlackDriver(served + "/slack/events", "not-the-secret", slack)

    assert driver.slash_command("UANNA", text="help").status == 401


# ------------------------------------------------------------------------------------------------------
# Add to Slack: one process for many schools, and the operator's commands against its database


def test_serve_with_add_to_slack_installs_a_school_then_import_and_dispatch_use_its_token(
    tmp_path: Path, slack: SlackStandIn
) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.environ.get("PYTHONPATH", str(Path(__file__).resolve().parents[2])),
        "HOME": str(tmp_path),  # where Bolt's file stores would appear, were they ever used
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "MENTORBOT_TOKEN_KEY": Fernet.generate_key().decode(),
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'schools.db'}",
        "PORT": str(port),
    }
    url = f"http://127.0.0.1:{port}"
    slack.set_redirect_url(url + "/slack/oauth_redirect")
    slack.add_workspace("T0AAA", name="Lycée Arago")
    slack.add_user("UANNA", locale="en-GB", team_id="T0AAA", email="anna@arago.example.org")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        wait_until(lambda: health(url) == 200 or process.poll() is not None, "the server to start")
        assert process.poll() is None
        browser = Browser()
        page = browser.get(url + "/slack/install")
        slack.approve_next_install("T0AAA", installer="UANNA")
        assert browser.get(page.link("add-to-slack")).status == 200
        driver = SlackDriver(url + "/slack/events", SECRET, slack, team_id="T0AAA")
        assert driver.slash_command("UANNA", text="help").status == 200
        wait_until(lambda: slack.messages_to("UANNA"), "the help to reach the member", timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    def mentorbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    (tmp_path / "roster.csv").write_text(
        "email,role,graduation_year,topics\nanna@arago.example.org,alumni,2010,\n"
    )
    without_team = mentorbot("import", "roster.csv")
    imported = mentorbot("import", "roster.csv", "--team", "T0AAA")
    dispatched = mentorbot("dispatch")

    assert without_team.returncode == 2 and "import needs --team T..." in without_team.stderr
    assert imported.returncode == 0, imported.stderr
    assert "roster.csv: 1 rows, 1 matched to Slack accounts, 1 changed" in imported.stdout
    assert dispatched.returncode == 0, dispatched.stderr
    token = slack.token_of("T0AAA")
    assert {call.token for call in slack.calls_to("users.lookupByEmail")} == {token}
    assert not (tmp_path / ".bolt-app-installation").exists()
    assert not (tmp_path / ".bolt-app-oauth-state").exists()
