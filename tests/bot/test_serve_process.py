"""`mentorbot serve` as an operator runs it: a real process that migrates its database at start, serves
Slack over HTTP and answers health checks, against the Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.slack_double import SlackDriver, SlackStandIn
from storage.db import create_database_engine
from tests.processes import BotProcess, bot_env, free_port, health, wait_until

SECRET = "serve-test-secret"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def served(tmp_path: Path, slack: SlackStandIn) -> Iterator[str]:
    env = bot_env(f"sqlite:///{tmp_path / 'served.db'}", slack.url, SECRET)
    process = BotProcess(["serve"], env, tmp_path, free_port())
    try:
        process.wait_healthy()
        assert process.url is not None
        yield process.url
    finally:
        assert process.terminate() == 0, process.log


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
