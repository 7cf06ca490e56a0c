"""`mentorbot serve` as an operator runs it: a real process that migrates its database at start, serves
Slack over HTTP and answers health checks, against the Slack stand-in."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.slack_double import SlackDriver, SlackStandIn
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
