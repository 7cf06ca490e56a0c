"""Ending a mentorship from the End button: confirmation modal, both sides told, the place freed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox
from storage.models import MentorProfile, Mentorship, MentorshipStatus
from tests.factories import make_mentor, make_mentorship, make_request, make_student


def texts_of(blocks: list[dict]) -> str:
    return "\n".join(
        block.get("text", {}).get("text", "")
        if block["type"] == "section"
        else str(block.get("elements", ""))
        for block in blocks
    )


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def a_pair(sandbox: Sandbox, clock: ManualClock, *, capacity: int = 1, mentees: int = 1) -> int:
    """UMENTOR (English) mentoring USTUDENT (French) for a month; the mentorship's id."""
    sandbox.slack.add_user("UMENTOR", locale="en-GB")
    sandbox.slack.add_user("USTUDENT", locale="fr-FR")
    with sandbox.bot.sessions.begin() as session:
        mentor = make_mentor(
            session, sandbox.team_id, "UMENTOR", capacity=capacity, active_mentees=mentees, locale="en"
        )
        student = make_student(session, sandbox.team_id, "USTUDENT")
        return make_mentorship(session, student, mentor, started_at=clock.now() - timedelta(days=30)).id


def open_end_modal(sandbox: Sandbox, user_id: str, mentorship_id: int) -> dict:
    sandbox.command(user_id, "status")
    sandbox.click(
        user_id, sandbox.slack.last_message_to(user_id), ids.END_MENTORSHIP, value=str(mentorship_id)
    )
    return sandbox.slack.last_view_opened()


def mentorship_row(sandbox: Sandbox, mentorship_id: int) -> Mentorship:
    with sandbox.bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        assert mentorship is not None
        return mentorship


def mentor_load(sandbox: Sandbox) -> int:
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(MentorProfile.active_mentee_count))  # type: ignore[return-value]


def test_a_mentor_ends_it_the_student_is_told_kindly_and_may_ask_again(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    mentorship_id = a_pair(sandbox, clock)

    modal = open_end_modal(sandbox, "UMENTOR", mentorship_id)
    assert modal["callback_id"] == ids.END_MENTORSHIP_VIEW
    assert "end your mentorship with <@USTUDENT>" in texts_of(modal["blocks"])
    sandbox.submit("UMENTOR", modal, {ids.END_REASON_INPUT: "Too busy at work this term"})

    ended = mentorship_row(sandbox, mentorship_id)
    assert ended.status == MentorshipStatus.ENDED
    assert ended.ended_at == clock.now()
    assert ended.end_reason == "Too busy at work this term"
    assert mentor_load(sandbox) == 0
    to_student = sandbox.slack.last_message_to("USTUDENT")
    assert "<@UMENTOR> a mis fin à votre mentorat." in texts_of(to_student.blocks)
    assert "Too busy" not in to_student.text + texts_of(to_student.blocks)
    assert action_ids(to_student.blocks) == [ids.OPEN_REQUEST_MODAL]
    to_mentor = sandbox.slack.last_message_to("UMENTOR")
    assert "Your mentorship with <@USTUDENT> has ended." in texts_of(to_mentor.blocks)
    assert action_ids(to_mentor.blocks) == []


def test_a_students_reason_is_kept_from_the_mentor(sandbox: Sandbox, clock: ManualClock) -> None:
    mentorship_id = a_pair(sandbox, clock)

    modal = open_end_modal(sandbox, "USTUDENT", mentorship_id)
    sandbox.submit("USTUDENT", modal, {ids.END_REASON_INPUT: "<!channel> il ne répond jamais"})

    ended = mentorship_row(sandbox, mentorship_id)
    assert ended.status == MentorshipStatus.ENDED
    to_mentor = sandbox.slack.last_message_to("UMENTOR")
    assert "<@USTUDENT> has ended your mentorship." in texts_of(to_mentor.blocks)
    assert "répond" not in texts_of(to_mentor.blocks) + to_mentor.text
    to_student = sandbox.slack.last_message_to("USTUDENT")
    assert "Votre mentorat avec <@UMENTOR> est terminé." in texts_of(to_student.blocks)
    assert action_ids(to_student.blocks) == [ids.OPEN_REQUEST_MODAL]


def test_ending_twice_is_refused_politely_and_frees_one_place_only(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    mentorship_id = a_pair(sandbox, clock, capacity=3, mentees=2)
    modal = open_end_modal(sandbox, "UMENTOR", mentorship_id)
    sandbox.submit("UMENTOR", modal, {})
    ended_at = mentorship_row(sandbox, mentorship_id).ended_at

    clock.advance(timedelta(minutes=5))
    sandbox.submit("UMENTOR", modal, {})

    assert mentorship_row(sandbox, mentorship_id).ended_at == ended_at
    assert mentor_load(sandbox) == 1
    assert "This mentorship has already ended" in sandbox.slack.last_message_to("UMENTOR").text
    assert len(sandbox.slack.messages_to("USTUDENT")) == 1


def test_the_end_button_of_an_ended_mentorship_opens_no_confirmation(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    mentorship_id = a_pair(sandbox, clock)
    sandbox.submit("UMENTOR", open_end_modal(sandbox, "UMENTOR", mentorship_id), {})

    sandbox.click(
        "UMENTOR", sandbox.slack.messages_to("UMENTOR")[0], ids.END_MENTORSHIP, value=str(mentorship_id)
    )

    again = sandbox.slack.last_view_opened()
    assert again.get("submit") is None
    assert "already ended, or isn't yours" in texts_of(again["blocks"])


def test_a_third_person_cannot_end_someone_elses_mentorship(sandbox: Sandbox, clock: ManualClock) -> None:
    mentorship_id = a_pair(sandbox, clock)
    sandbox.slack.add_user("UINTRUDER", locale="en-GB")
    with sandbox.bot.sessions.begin() as session:
        make_student(session, sandbox.team_id, "UINTRUDER", locale="en")
    modal = open_end_modal(sandbox, "USTUDENT", mentorship_id)

    sandbox.submit("UINTRUDER", modal, {ids.END_REASON_INPUT: "forged"})
    forged_click = sandbox.driver.block_action(
        "UINTRUDER", [{"type": "button", "action_id": ids.END_MENTORSHIP, "value": str(mentorship_id)}]
    )
    sandbox.settle()

    assert forged_click.status == 200
    assert mentorship_row(sandbox, mentorship_id).status == MentorshipStatus.ACTIVE
    assert mentor_load(sandbox) == 1
    assert "wasn't meant for you" in sandbox.slack.last_message_to("UINTRUDER").text
    assert "isn't yours" in texts_of(sandbox.slack.last_view_opened()["blocks"])
    assert sandbox.slack.messages_to("UMENTOR") == []


def test_an_over_long_reason_is_refused_in_the_modal(sandbox: Sandbox, clock: ManualClock) -> None:
    mentorship_id = a_pair(sandbox, clock)
    modal = open_end_modal(sandbox, "UMENTOR", mentorship_id)

    response = sandbox.submit("UMENTOR", modal, {ids.END_REASON_INPUT: "x" * 501})

    assert response.json()["response_action"] == "errors"
    assert ids.END_REASON_INPUT in response.json()["errors"]
    assert mentorship_row(sandbox, mentorship_id).status == MentorshipStatus.ACTIVE


def test_the_freed_place_goes_to_a_waiting_request(sandbox: Sandbox, clock: ManualClock) -> None:
    mentorship_id = a_pair(sandbox, clock, capacity=1, mentees=1)
    sandbox.slack.add_user("UWAITING", locale="fr-FR")
    with sandbox.bot.sessions.begin() as session:
        waiting = make_student(session, sandbox.team_id, "UWAITING")
        make_request(
            session, sandbox.team_id, waiting, created_at=clock.now() - timedelta(days=2), topics=("careers",)
        )

    sandbox.submit("UMENTOR", open_end_modal(sandbox, "UMENTOR", mentorship_id), {})

    offer = sandbox.slack.last_message_to("UMENTOR")
    assert ids.ACCEPT_OFFER in action_ids(offer.blocks)
    assert "<@UWAITING>" in texts_of(offer.blocks)
