"""One error path: whatever fails after the ack is logged once with its traceback, the person gets a short
apology in their language, Slack sees a success, and no half-written state remains."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.context import BotContext
from bot.i18n import t
from bot.members import Person
from bot.outcome import Outcome
from bot.sandbox import Sandbox
from handlers.background import in_background
from storage.models import Member
from storage.queries.members import get_or_create_member

FAILING_BUTTON = "test_failing_button"
HALF_WRITING_BUTTON = "test_half_writing_button"


class ListenerBroke(Exception):
    pass


# The member a failing unit of work writes before it raises (the person who clicked is known already).
HALF_WRITTEN_USER = "UHALF"


def fails(bot: BotContext, person: Person, body: dict) -> Outcome:
    raise ListenerBroke("the listener broke")


def writes_a_member_then_fails(bot: BotContext, person: Person, body: dict) -> Outcome:
    with bot.sessions.begin() as session:
        get_or_create_member(session, person.team_id, HALF_WRITTEN_USER)
        session.flush()
        raise ListenerBroke("failed halfway through its unit of work")


def with_failing_buttons(sandbox: Sandbox) -> Sandbox:
    sandbox.app.action(FAILING_BUTTON)(in_background(sandbox.bot, fails))
    sandbox.app.action(HALF_WRITING_BUTTON)(in_background(sandbox.bot, writes_a_member_then_fails))
    return sandbox


def press(sandbox: Sandbox, user_id: str, action_id: str) -> int:
    action = {"type": "button", "action_id": action_id, "block_id": "b1", "value": "x", "action_ts": "1.0"}
    response = sandbox.driver.block_action(user_id, [action])
    sandbox.settle()
    return response.status


def failures_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_listener_that_raises_is_logged_once_and_the_person_gets_an_apology_in_their_language(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with_failing_buttons(sandbox)
    sandbox.slack.add_user("UIDA", locale="en-GB")
    sandbox.command("UIDA", "help")  # mentorbot now knows Ida speaks English
    caplog.set_level(logging.INFO)

    status = press(sandbox, "UIDA", FAILING_BUTTON)

    assert status == 200
    assert sandbox.slack.last_message_to("UIDA").text == t("en", "common.apology")
    [logged] = failures_logged(caplog)
    assert logged.exc_info is not None and isinstance(logged.exc_info[1], ListenerBroke)
    assert "Traceback" in caplog.text and "the listener broke" in caplog.text


def test_a_listener_that_fails_halfway_leaves_nothing_written(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with_failing_buttons(sandbox)

    status = press(sandbox, "UNOA", HALF_WRITING_BUTTON)

    assert status == 200
    with sandbox.engine.connect() as connection:
        written = select(func.count()).select_from(Member).where(Member.slack_user_id == HALF_WRITTEN_USER)
        assert connection.scalar(written) == 0
    assert sandbox.slack.last_message_to("UNOA").text == t("fr", "common.apology")
    assert len(failures_logged(caplog)) == 1


def test_a_slash_command_whose_work_fails_is_still_acknowledged(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.app.command("/mentor-broken")(in_background(sandbox.bot, fails))

    response = sandbox.command("ULOU", command="/mentor-broken")

    assert response.status == 200
    assert sandbox.slack.last_message_to("ULOU").text == t("fr", "common.apology")
    assert len(failures_logged(caplog)) == 1
