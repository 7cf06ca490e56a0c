"""People who write in the bot's DM (`message.im`) get their menu or the help, once a minute at most,
and never see their own words again; bots, edits and the bot's own posts get nothing."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.i18n import t
from bot.sandbox import Sandbox
from bot.slack_double import payloads
from storage.models import Member
from tests.factories import action_ids, mentor_in_sandbox, shown_text, student_in_sandbox

# Something no message of the bot contains, to prove it is never repeated.
TYPED = "hello zorglub-7341 <!channel>"


def write(sandbox: Sandbox, user_id: str, text: str) -> None:
    response = sandbox.driver.direct_message(user_id, text)
    sandbox.settle()
    assert response.status == 200


def everything_shown_to(sandbox: Sandbox, user_id: str) -> str:
    return "\n".join(
        message.text + "\n" + repr(message.blocks) for message in sandbox.slack.messages_to(user_id)
    )


def test_a_member_who_says_hello_gets_their_menu_in_their_language(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "UCAMILLE", locale="fr")
    mentor_in_sandbox(sandbox, "UOLIVER", locale="en")

    write(sandbox, "UCAMILLE", "hello")
    write(sandbox, "UOLIVER", "hello")

    camille = sandbox.slack.last_message_to("UCAMILLE")
    assert t("fr", "menu.greeting", name="<@UCAMILLE>") in shown_text(camille)
    assert ids.OPEN_REQUEST_MODAL in action_ids(camille)
    oliver = sandbox.slack.last_message_to("UOLIVER")
    assert t("en", "menu.greeting", name="<@UOLIVER>") in shown_text(oliver)
    assert ids.OPEN_VOLUNTEER_MODAL in action_ids(oliver)
    assert [m.channel for m in (camille, oliver)] == ["DCAMILLE", "DOLIVER"]  # in their DM


def test_someone_the_bot_never_met_is_asked_who_they_are(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UNEW", locale="en-US")

    write(sandbox, "UNEW", "hi there")

    answer = sandbox.slack.last_message_to("UNEW")
    assert action_ids(answer) == [ids.CHOOSE_ROLE_STUDENT, ids.CHOOSE_ROLE_ALUMNUS]
    assert t("en", "role.question") in shown_text(answer)


@pytest.mark.parametrize(("word", "locale"), [("help", "en"), ("aide", "fr"), ("  Help! ", "en")])
def test_help_or_aide_gets_the_help(sandbox: Sandbox, word: str, locale: str) -> None:
    student_in_sandbox(sandbox, "USTU", locale=locale)

    write(sandbox, "USTU", word)

    assert t(locale, "help.commands") in shown_text(sandbox.slack.last_message_to("USTU"))


def test_a_second_message_within_a_minute_is_not_answered_and_one_after_is(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    write(sandbox, "USTU", "hello")
    assert len(sandbox.slack.messages_to("USTU")) == 1

    clock.advance(timedelta(seconds=30))
    write(sandbox, "USTU", "hello?")
    write(sandbox, "USTU", "help")
    assert len(sandbox.slack.messages_to("USTU")) == 1

    clock.advance(timedelta(seconds=31))  # 61 s after the answer
    write(sandbox, "USTU", "hello again")
    assert len(sandbox.slack.messages_to("USTU")) == 2


def test_the_quiet_minute_is_each_persons_own(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "UONE", locale="en")
    student_in_sandbox(sandbox, "UTWO", locale="fr")

    write(sandbox, "UONE", "hello")
    write(sandbox, "UTWO", "bonjour")

    assert len(sandbox.slack.messages_to("UONE")) == len(sandbox.slack.messages_to("UTWO")) == 1


def test_messages_arriving_together_get_one_answer(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    start = threading.Barrier(6)

    def send() -> None:
        start.wait()
        sandbox.driver.direct_message("USTU", "hello")

    senders = [threading.Thread(target=send) for _ in range(6)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    sandbox.settle()

    assert len(sandbox.slack.messages_to("USTU")) == 1


def test_a_thread_reply_is_answered(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")

    sandbox.driver.direct_message("USTU", "hello", thread_ts="1700000000.000100")
    sandbox.settle()

    assert len(sandbox.slack.messages_to("USTU")) == 1


def test_bots_edits_deletions_and_the_bots_own_posts_get_nothing(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    written = payloads.direct_message_event(
        "USTU", "hello", channel_id="DSTU", ts="1700000000.000200", team_id=sandbox.team_id
    )
    own_post = payloads.direct_message_event(
        sandbox.slack.bot_user_id, "an offer", channel_id="DSTU", ts="1700000000.000300", team_id="T0001"
    ) | {"bot_id": sandbox.slack.bot_id, "app_id": sandbox.slack.api_app_id}
    events = [
        payloads.bot_direct_message_event("B0OTHER", "beep", channel_id="DSTU", ts="1700000000.000400"),
        payloads.direct_message_changed_event(written, new_text="hello!", edited_ts="1700000000.000500"),
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": "DSTU",
            "ts": "1700000000.000600",
            "deleted_ts": written["ts"],
            "channel_type": "im",
            "previous_message": written,
        },
        own_post,
        {key: value for key, value in own_post.items() if key != "bot_id"},  # its user alone tells
    ]

    responses = [sandbox.event(event) for event in events]

    assert [response.status for response in responses] == [200] * len(events)
    assert sandbox.slack.messages_to("USTU") == []
    with sandbox.bot.sessions.begin() as session:  # nobody new was taken for a member
        assert session.scalars(select(Member.slack_user_id)).all() == ["USTU"]


def test_what_they_wrote_is_never_repeated_nor_logged(
    sandbox: Sandbox, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mentorbot")
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="handlers")
    caplog.set_level(logging.INFO)
    student_in_sandbox(sandbox, "USTU", locale="en")
    sandbox.slack.add_user("UNEW", locale="fr-FR")

    for user_id in ("USTU", "UNEW"):
        write(sandbox, user_id, TYPED)
        write(sandbox, user_id, TYPED)  # within the minute: not answered
        clock.advance(timedelta(seconds=61))
        write(sandbox, user_id, TYPED)  # a minute on: answered again

    assert len(sandbox.slack.messages_to("USTU")) == len(sandbox.slack.messages_to("UNEW")) == 2
    for user_id in ("USTU", "UNEW"):
        assert "zorglub" not in everything_shown_to(sandbox, user_id)
    assert "zorglub" not in caplog.text
