"""Erasing a student's data rewrites the messages that showed their words: the mentor's match DM no longer
holds them, and nothing records where messages about the student were posted."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import ids
from bot.sandbox import Sandbox
from bot.slack_double.web_api import Message
from storage.models import PostedMessage
from tests.factories import ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.factories_followups import last_with, latest
from tests.handlers.test_privacy_flow import delete_my_data

STUDENT_WORDS = "I am scared of failing my nursing exams"
ERASED = {
    "en": "This message was removed: a member's data was deleted at their request.",
    "fr": "Ce message a été retiré : les données d'une personne ont été supprimées à sa demande.",
}


def posted_about(sandbox: Sandbox, member_id: int) -> int:
    with sandbox.bot.sessions.begin() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(PostedMessage)
                .where(PostedMessage.about_member_id == member_id)
            )
            or 0
        )


def matched_through_the_flow(sandbox: Sandbox, *, mentor_locale: str) -> tuple[int, Message]:
    """A student asks in their own words and a mentor accepts; the student's id and the mentor's match DM."""
    student_id = student_in_sandbox(sandbox, "USTU", locale="fr")
    mentor_in_sandbox(sandbox, "UMEN", locale=mentor_locale)
    ask_for_mentor(sandbox, "USTU", message=STUDENT_WORDS)
    sandbox.click("UMEN", last_with(sandbox, "UMEN", ids.ACCEPT_OFFER), ids.ACCEPT_OFFER)
    match_dm = sandbox.slack.last_message_to("UMEN")
    assert "<@USTU>" in shown_text(match_dm) and STUDENT_WORDS in shown_text(match_dm)
    return student_id, match_dm


def test_erasing_the_student_rewrites_the_mentors_match_dm(sandbox: Sandbox) -> None:
    student_id, match_dm = matched_through_the_flow(sandbox, mentor_locale="fr")
    assert posted_about(sandbox, student_id) > 0

    delete_my_data(sandbox, "USTU")

    rewritten = latest(sandbox, "UMEN", match_dm)
    assert (rewritten.channel, rewritten.ts) == (match_dm.channel, match_dm.ts)
    assert STUDENT_WORDS not in rewritten.text and STUDENT_WORDS not in str(rewritten.blocks)
    assert ERASED["fr"] in shown_text(rewritten)


def test_after_erasure_nothing_records_where_messages_about_the_student_were_posted(
    sandbox: Sandbox,
) -> None:
    student_id, _ = matched_through_the_flow(sandbox, mentor_locale="fr")
    assert posted_about(sandbox, student_id) > 0

    delete_my_data(sandbox, "USTU")

    assert posted_about(sandbox, student_id) == 0


def test_no_message_the_mentor_can_still_see_holds_the_students_words(sandbox: Sandbox) -> None:
    matched_through_the_flow(sandbox, mentor_locale="fr")

    delete_my_data(sandbox, "USTU")

    for message in sandbox.slack.messages_to("UMEN"):
        assert STUDENT_WORDS not in message.text and STUDENT_WORDS not in str(message.blocks), message.source


def test_the_rewritten_match_dm_is_in_the_mentors_language(sandbox: Sandbox) -> None:
    _, match_dm = matched_through_the_flow(sandbox, mentor_locale="en")

    delete_my_data(sandbox, "USTU")

    assert ERASED["en"] in shown_text(latest(sandbox, "UMEN", match_dm))
