"""`mentorbot serve` as an operator runs it: a real process that migrates its database at start, serves
Slack over HTTP and answers health checks, against the Slack stand-in."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, select

from bot.slack_double import SlackDriver, SlackStandIn
from bot.slack_double.browser import Browser
from bot.slack_double.web_api import CLIENT_SECRET
from storage.db import create_database_engine, create_session_factory
from storage.migrate import upgrade_to_latest
from storage.models import WorkspaceDeparture
from storage.queries.delivery import stop_deliveries_of_departed
from storage.queries.workspaces import record_departure
from tests.processes import BotProcess, bot_env, free_port, health, wait_until

SECRET = "serve-test-secret"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@contextmanager
def serving(tmp_path: Path, slack: SlackStandIn) -> Iterator[str]:
    """`mentorbot serve` on the SQLite file `served.db` of `tmp_path`, until the block ends."""
    env = bot_env(f"sqlite:///{tmp_path / 'served.db'}", slack.url, SECRET)
    process = BotProcess(["serve"], env, tmp_path, free_port())
    try:
        process.wait_healthy()
        assert process.url is not None
        yield process.url
    finally:
        assert process.terminate() == 0, process.log


@pytest.fixture
def served(tmp_path: Path, slack: SlackStandIn) -> Iterator[str]:
    with serving(tmp_path, slack) as url:
        yield url


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


def test_serve_with_a_working_token_resumes_a_workspace_that_had_uninstalled_the_app(
    tmp_path: Path, slack: SlackStandIn
) -> None:
    """One workspace: the school reinstalled the app, the operator put the new SLACK_BOT_TOKEN in and
    restarted; Slack accepts it at start, so the deliveries stopped at the uninstall resume."""
    engine = create_database_engine(f"sqlite:///{tmp_path / 'served.db'}")
    upgrade_to_latest(engine)
    left_at = datetime.now(UTC)
    with create_session_factory(engine).begin() as session:
        record_departure(session, slack.team_id, left_at)
        stop_deliveries_of_departed(session, slack.team_id, left_at)
    engine.dispose()

    with serving(tmp_path, slack) as url, urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
        assert answer.read() == b"ok\n"

    engine = create_database_engine(f"sqlite:///{tmp_path / 'served.db'}")
    with create_session_factory(engine).begin() as session:
        [departure] = session.scalars(select(WorkspaceDeparture))
        assert departure.returned_at is not None and departure.erased_at is None
    engine.dispose()


# ------------------------------------------------------------------------------------------------------
# Add to Slack: one process for many schools, and the operator's commands against its database


def test_serve_with_add_to_slack_installs_a_school_then_import_and_dispatch_use_its_token(
    tmp_path: Path, slack: SlackStandIn
) -> None:
    env = {
        **bot_env(f"sqlite:///{tmp_path / 'schools.db'}", slack.url, SECRET),
        "HOME": str(tmp_path),  # where Bolt's file stores would appear, were they ever used
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "MENTORBOT_TOKEN_KEY": Fernet.generate_key().decode(),
    }
    del env["SLACK_BOT_TOKEN"]
    slack.add_workspace("T0AAA", name="Lycée Arago")
    slack.add_user("UANNA", locale="en-GB", team_id="T0AAA", email="anna@arago.example.org")
    process = BotProcess(["serve"], env, tmp_path, free_port())
    try:
        process.wait_healthy()
        assert process.url is not None
        slack.set_redirect_url(process.url + "/slack/oauth_redirect")
        browser = Browser()
        page = browser.get(process.url + "/slack/install")
        slack.approve_next_install("T0AAA", installer="UANNA")
        assert browser.get(page.link("add-to-slack")).status == 200
        driver = SlackDriver(process.url + "/slack/events", SECRET, slack, team_id="T0AAA")
        assert driver.slash_command("UANNA", text="help").status == 200
        wait_until(lambda: slack.messages_to("UANNA"), "the help to reach the member", timeout=30)
    finally:
        assert process.terminate() == 0, process.log

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
