"""Hostile and broken text over signed HTTP: what a student types reaches mentors as inert text, and odd input
gets a field error (or goes through intact), never a 500, and nothing is lost."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot import ids
from bot.sandbox import Sandbox
from storage.models import MentoringRequest, MentorProfile
from tests.factories import ask_for_mentor, mentor_in_sandbox, student_in_sandbox

HOSTILE = "<!channel> <!here> <@U123> <https://evil.example|click> & &amp; please help me"
INERT = (
    "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; "
    "&lt;https://evil.example|click&gt; &amp; &amp;amp; please help me"
)


@pytest.fixture
def listener_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    caplog.set_level(logging.ERROR, logger="mentorbot.listeners")
    return caplog.records


def all_text(blocks: list[dict]) -> str:
    return str(blocks)


def test_pings_mentions_and_links_typed_by_a_student_reach_the_mentor_as_text(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="fr")
    mentor_in_sandbox(sandbox, "UMEN", locale="en")

    ask_for_mentor(sandbox, "USTU", message=HOSTILE)

    offer = sandbox.slack.last_message_to("UMEN")
    assert f"> {INERT}" in all_text(offer.blocks)
    for live in ("<!channel>", "<!here>", "<@U123>", "<https://evil.example"):
        assert live not in all_text(offer.blocks)


def test_the_match_dm_shows_the_students_words_inert_too(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="fr")
    mentor_in_sandbox(sandbox, "UMEN", locale="en")
    ask_for_mentor(sandbox, "USTU", message=HOSTILE)

    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.ACCEPT_OFFER)

    match = sandbox.slack.last_message_to("UMEN")
    assert INERT in all_text(match.blocks) and "<!channel>" not in all_text(match.blocks)


def test_a_command_echoing_hostile_text_back_escapes_it(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UANY", locale="en-GB")

    sandbox.command("UANY", HOSTILE)

    assert "<!channel>" not in all_text(sandbox.slack.last_message_to("UANY").blocks)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "at least 10 characters"),
        ("   \n\t   ", "at least 10 characters"),
        ("x" * 1001, "1000 characters or fewer"),
        ("😀😀", "at least 10 characters"),
        ("\x00\x01\x02\x03\x1f", "at least 10 characters"),
    ],
    ids=["empty", "whitespace", "1001 characters", "two emoji", "control characters"],
)
def test_a_bad_request_message_gets_a_field_error_and_creates_nothing(
    sandbox: Sandbox, listener_errors: list, message: str, error: str
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    sandbox.command("USTU", "request")
    view = sandbox.slack.last_view_opened()

    response = sandbox.driver.submit_view(
        "USTU",
        view,
        {"topics": ["careers"], "message": message, "charter": ["accepted"]},
        check_required=False,
    )
    sandbox.settle()

    assert response.status == 200
    assert error in response.json()["errors"]["request_message"]
    assert sandbox.slack.open_views_of("USTU")  # the modal stays open with what was typed
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(MentoringRequest)) is None
    assert listener_errors == []


@pytest.mark.parametrize(
    "message",
    [
        "😀🎓📚🙏✨😀🎓📚🙏✨",
        "أحتاج إلى نصيحة بشأن دراستي في الخارج",
        "Bonjour\x00, j'aimerais\x07 des conseils",
    ],
    ids=["emoji only", "right to left", "with control characters"],
)
def test_unusual_but_real_messages_go_through_intact(
    sandbox: Sandbox, listener_errors: list, message: str
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="fr")
    mentor_in_sandbox(sandbox, "UMEN", locale="fr")

    ask_for_mentor(sandbox, "USTU", message=message)

    with sandbox.bot.sessions.begin() as session:
        stored = session.scalar(select(MentoringRequest.message))
    assert stored == message.replace("\x00", "")  # PostgreSQL stores no NUL; the rest is kept as typed
    assert ids.ACCEPT_OFFER in str(sandbox.slack.last_message_to("UMEN").blocks)  # offered, nothing lost
    assert listener_errors == []


def test_unknown_select_values_get_field_errors(sandbox: Sandbox, listener_errors: list) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    sandbox.command("USTU", "request")
    view = sandbox.slack.last_view_opened()
    unknown = {"text": {"type": "plain_text", "text": "Klingon"}, "value": "tlh"}

    response = sandbox.driver.submit_view(
        "USTU",
        view,
        {"topics": ["careers"], "message": "A perfectly fine message", "language": unknown, "charter": []},
        check_required=False,
    )
    sandbox.settle()

    errors = response.json()["errors"]
    assert set(errors) >= {"request_language", "request_charter"}
    assert listener_errors == []


def test_an_over_long_job_title_and_an_unknown_capacity_get_field_errors(
    sandbox: Sandbox, listener_errors: list
) -> None:
    sandbox.slack.add_user("UALU", locale="en-GB")
    sandbox.command("UALU")
    sandbox.click("UALU", sandbox.slack.last_message_to("UALU"), ids.CHOOSE_ROLE_ALUMNUS)
    sandbox.command("UALU", "volunteer")
    view = sandbox.slack.last_view_opened()
    nine = {"text": {"type": "plain_text", "text": "9"}, "value": "9"}

    response = sandbox.driver.submit_view(
        "UALU",
        view,
        {
            ids.VOLUNTEER_TOPICS: ["careers"],
            ids.VOLUNTEER_LANGUAGES: ["fr"],
            ids.VOLUNTEER_CAPACITY: nine,
            ids.VOLUNTEER_GRADUATION_YEAR: "2010",
            ids.VOLUNTEER_JOB_TITLE: "x" * 151,
            ids.VOLUNTEER_CHARTER: ["accepted"],
        },
        check_required=False,
    )
    sandbox.settle()

    assert set(response.json()["errors"]) == {ids.VOLUNTEER_CAPACITY, ids.VOLUNTEER_JOB_TITLE}
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(MentorProfile)) is None
    assert listener_errors == []


@pytest.mark.parametrize("metadata", ["", "garbage", "[1, 2]", '{"locale": 5}'])
@pytest.mark.parametrize("callback_id", [ids.VOLUNTEER_VIEW, ids.REQUEST_VIEW])
def test_a_submission_of_a_form_the_bot_never_opened_gets_field_errors_not_a_500(
    sandbox: Sandbox, listener_errors: list, callback_id: str, metadata: str
) -> None:
    sandbox.slack.add_user("UANY", locale="en-GB")
    view = {
        "id": "VNEVER",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "blocks": [],
    }

    response = sandbox.driver.submit_view("UANY", view, {}, check_required=False)
    sandbox.settle()

    assert response.status == 200 and response.json()["response_action"] == "errors"
    assert listener_errors == []
