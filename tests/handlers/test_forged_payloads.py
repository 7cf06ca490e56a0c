"""Forged payloads over signed HTTP: a button value or a modal's private_metadata pointing at someone else's
offer, mentorship, follow-up or at an admin tool is refused politely, logged, and changes nothing; and two
clicks on one offer at once have one effect.

Every action re-checks in the database who may act; the ids a payload carries are only ever a question.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.messages import mentorships as mentorship_messages
from bot.messages import offers as offer_messages
from bot.messages import privacy as privacy_messages
from bot.messages.followups import comment_modal
from bot.sandbox import Sandbox
from bot.slack_double.web_api import Message
from storage.models import Base, Member, MentorProfile, Mentorship, Offer, OfferStatus
from tests.factories import action_ids, ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.factories_followups import Pair, followup_of, matched_pair


def everything_stored(sandbox: Sandbox) -> dict[str, list[tuple]]:
    """Every row of every table (but the record of delivered events), to prove a forgery changed nothing."""
    with sandbox.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
            for table in Base.metadata.sorted_tables
            if table.name != "processed_events"
        }


def forged_click(sandbox: Sandbox, user_id: str, action_id: str, value: str) -> int:
    """A button the bot never sent this person, carrying `value`, clicked from their DM."""
    dm = "D" + user_id[1:]
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": "forged",
        "value": value,
        "text": {"type": "plain_text", "text": "Go"},
        "action_ts": "1700000000.000200",
    }
    response = sandbox.driver.block_action(
        user_id,
        [action],
        channel={"id": dm, "name": "directmessage"},
        response_url=sandbox.slack.response_url(user_id, dm),
    )
    sandbox.settle()
    return response.status


def forged_submission(sandbox: Sandbox, user_id: str, view: dict, values: dict | None = None) -> int:
    """A modal the bot built for someone else (same callback id and metadata), submitted by `user_id`."""
    response = sandbox.driver.submit_view(user_id, {**view, "id": "VFORGED1"}, values or {})
    sandbox.settle()
    return response.status


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture) -> Callable[[], str]:
    caplog.set_level(logging.WARNING)
    return lambda: "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def offered_to_um1(sandbox: Sandbox) -> int:
    """USTU's request offered to UM1 alone; UINTRUDER is another mentor, known to the bot. The offer id."""
    student_in_sandbox(sandbox, "USTU", locale="fr")
    mentor_in_sandbox(sandbox, "UM1", locale="en")
    ask_for_mentor(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UINTRUDER", locale="en")
    sandbox.command("UINTRUDER", "help")  # known and fresh: the forgery itself creates nothing
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(Offer.id))  # type: ignore[return-value]


def a_pair(sandbox: Sandbox, clock: ManualClock) -> Pair:
    pair = matched_pair(sandbox, clock, student_locale="fr", mentor_locale="en")
    sandbox.slack.add_user("UINTRUDER", locale="en-GB")
    for user_id in ("UINTRUDER", pair.student_user, pair.mentor_user):
        sandbox.command(user_id, "help")  # known and fresh: the forgery itself creates nothing
    return pair


# ------------------------------------------------------------------------------------------------------
# Offers


def test_an_accept_forged_for_someone_elses_offer_is_refused_and_logged(
    sandbox: Sandbox, warnings: Callable[[], str]
) -> None:
    offer_id = offered_to_um1(sandbox)
    before = everything_stored(sandbox)

    assert forged_click(sandbox, "UINTRUDER", ids.ACCEPT_OFFER, str(offer_id)) == 200

    assert everything_stored(sandbox) == before
    refusal = sandbox.slack.last_message_to("UINTRUDER")
    assert refusal.ephemeral and "wasn't meant for you" in shown_text(refusal)
    assert f"refused an accept of offer {offer_id}" in warnings()


def test_a_decline_forged_for_someone_elses_offer_opens_nothing_and_is_logged(
    sandbox: Sandbox, warnings: Callable[[], str]
) -> None:
    offer_id = offered_to_um1(sandbox)
    before = everything_stored(sandbox)

    forged_click(sandbox, "UINTRUDER", ids.DECLINE_OFFER, str(offer_id))
    forged_submission(
        sandbox,
        "UINTRUDER",
        offer_messages.decline_modal("en", offer_id),
        {offer_messages.DECLINE_REASON_INPUT: "spite"},
    )

    assert everything_stored(sandbox) == before
    assert (
        sandbox.slack.calls_to("views.open") == [c for c in sandbox.slack.calls_to("views.open") if c.ok][:1]
    )
    assert "wasn't meant for you" in shown_text(sandbox.slack.messages_to("UINTRUDER")[-2])
    assert f"refused a decline of offer {offer_id}" in warnings()
    assert f"refused a decline submission for offer {offer_id}" in warnings()


def test_a_first_contact_forged_for_someone_elses_mentorship_is_refused_and_logged(
    sandbox: Sandbox, clock: ManualClock, warnings: Callable[[], str]
) -> None:
    pair = a_pair(sandbox, clock)
    before = everything_stored(sandbox)

    forged_click(sandbox, "UINTRUDER", ids.FIRST_CONTACT_DONE, str(pair.mentorship_id))

    assert everything_stored(sandbox) == before
    assert "wasn't meant for you" in shown_text(sandbox.slack.last_message_to("UINTRUDER"))
    assert f"refused a first contact on mentorship {pair.mentorship_id}" in warnings()


# ------------------------------------------------------------------------------------------------------
# Mentorships and follow-ups


def test_ending_someone_elses_mentorship_through_a_forged_modal_is_refused_and_logged(
    sandbox: Sandbox, clock: ManualClock, warnings: Callable[[], str]
) -> None:
    pair = a_pair(sandbox, clock)
    before = everything_stored(sandbox)
    view = mentorship_messages.end_modal("en", pair.mentorship_id, pair.student_user)

    forged_click(sandbox, "UINTRUDER", ids.END_MENTORSHIP, str(pair.mentorship_id))
    forged_submission(sandbox, "UINTRUDER", view, {ids.END_REASON_INPUT: "bye"})

    assert everything_stored(sandbox) == before
    assert sandbox.slack.last_view_opened().get("submit") is None  # "nothing to end", no confirmation
    assert "nothing changed" in sandbox.slack.last_message_to("UINTRUDER").text
    assert f"refused to end mentorship {pair.mentorship_id}" in warnings()


def test_answering_someone_elses_survey_is_refused_and_logged(
    sandbox: Sandbox, clock: ManualClock, warnings: Callable[[], str]
) -> None:
    """The mentor of the pair forges the student's first-meeting rating, then its comment."""
    pair = a_pair(sandbox, clock)
    survey = followup_of(sandbox, pair.student_id, "first_meeting_survey")
    before = everything_stored(sandbox)

    forged_click(sandbox, pair.mentor_user, ids.FOLLOWUP_RATE_1, str(survey.id))
    forged_submission(
        sandbox, pair.mentor_user, comment_modal("en", survey.id), {ids.FOLLOWUP_COMMENT_INPUT: "awful"}
    )

    assert everything_stored(sandbox) == before
    assert "wasn't meant for you" in shown_text(sandbox.slack.last_message_to(pair.mentor_user))
    assert f"refused an answer to follow-up {survey.id}" in warnings()
    assert f"refused a survey comment for follow-up {survey.id}" in warnings()


def test_a_survey_button_replayed_on_another_kind_of_follow_up_is_refused(
    sandbox: Sandbox, clock: ManualClock, warnings: Callable[[], str]
) -> None:
    pair = a_pair(sandbox, clock)
    check = followup_of(sandbox, pair.mentor_id, "first_contact_check")
    before = everything_stored(sandbox)

    forged_click(sandbox, pair.mentor_user, ids.FOLLOWUP_RATE_5, str(check.id))

    assert everything_stored(sandbox) == before
    assert "not one of its buttons" in warnings()


# ------------------------------------------------------------------------------------------------------
# Admin tools


def test_a_forged_export_click_by_a_non_admin_is_refused_and_logged(
    sandbox: Sandbox, clock: ManualClock, warnings: Callable[[], str]
) -> None:
    a_pair(sandbox, clock)

    forged_click(sandbox, "UINTRUDER", ids.EXPORT_STATS_CSV, "")

    assert sandbox.slack.uploaded_files == []
    assert "admins" in shown_text(sandbox.slack.last_message_to("UINTRUDER"))
    assert "refused the CSV export to a non-admin member UINTRUDER" in warnings()


def test_a_forged_erasure_of_someone_elses_data_is_refused_and_logged(
    sandbox: Sandbox, clock: ManualClock, warnings: Callable[[], str]
) -> None:
    """The admin's confirmation modal names its subject in private_metadata; a member forging it is
    checked against Slack as an admin, and is not one."""
    pair = a_pair(sandbox, clock)
    before = everything_stored(sandbox)

    forged_submission(sandbox, "UINTRUDER", privacy_messages.delete_confirmation("en", pair.student_user))

    assert everything_stored(sandbox) == before
    assert "only the mentoring programme's admins" in sandbox.slack.last_message_to("UINTRUDER").text
    assert f"refused to erase the data of {pair.student_user}" in warnings()


def test_the_delete_button_only_ever_erases_the_clicker(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = a_pair(sandbox, clock)

    forged_click(sandbox, "UINTRUDER", ids.PRIVACY_DELETE, pair.student_user)

    assert sandbox.slack.last_view_opened()["private_metadata"] == ""
    assert "about you" in str(sandbox.slack.last_view_opened()["blocks"])


# ------------------------------------------------------------------------------------------------------
# Two clicks at once


def at_once(*actions: Callable[[], object]) -> None:
    barrier = threading.Barrier(len(actions))

    def run(action: Callable[[], object]) -> object:
        barrier.wait()
        return action()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        list(pool.map(run, actions))


def offer_dm(sandbox: Sandbox, user_id: str) -> Message:
    return next(m for m in reversed(sandbox.slack.messages_to(user_id)) if ids.ACCEPT_OFFER in action_ids(m))


def test_accept_and_decline_of_one_offer_at_once_have_one_effect(sandbox: Sandbox) -> None:
    offered_to_um1(sandbox)
    dm = offer_dm(sandbox, "UM1")
    sandbox.click("UM1", dm, ids.DECLINE_OFFER)
    decline_modal = sandbox.slack.last_view_opened()

    at_once(
        lambda: sandbox.driver.click("UM1", dm, ids.ACCEPT_OFFER),
        lambda: sandbox.driver.submit_view("UM1", decline_modal, {}),
    )
    sandbox.settle()

    with sandbox.bot.sessions.begin() as session:
        um1 = session.scalar(select(Member.id).where(Member.slack_user_id == "UM1"))
        status = session.scalar(select(Offer.status).where(Offer.mentor_id == um1))
        mentorships = len(session.scalars(select(Mentorship).where(Mentorship.mentor_id == um1)).all())
        load = session.scalar(select(MentorProfile.active_mentee_count).where(MentorProfile.member_id == um1))
    assert (status, mentorships) in ((OfferStatus.ACCEPTED, 1), (OfferStatus.DECLINED, 0))
    assert load == mentorships
    assert "already been taken care of" in str([m.blocks for m in sandbox.slack.messages_to("UM1")])


def test_the_same_accept_clicked_twice_at_once_makes_one_match(sandbox: Sandbox) -> None:
    offered_to_um1(sandbox)
    dm = offer_dm(sandbox, "UM1")

    at_once(*[lambda: sandbox.driver.click("UM1", dm, ids.ACCEPT_OFFER)] * 2)
    sandbox.settle()

    with sandbox.bot.sessions.begin() as session:
        assert len(session.scalars(select(Mentorship)).all()) == 1
    assert sum("Vous avez un mentor" in m.text for m in sandbox.slack.messages_to("USTU")) == 1
    assert "already been taken care of" in str([m.blocks for m in sandbox.slack.messages_to("UM1")])
