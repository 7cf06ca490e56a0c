"""Mentors answer offers, over signed HTTP: accept (first one wins), decline, refusals, first contact."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from storage.models import MentoringRequest, MentorProfile, Mentorship, Offer, OfferStatus, RequestStatus
from tests.factories import action_ids, ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox


def offer_dm_to(sandbox: Sandbox, user_id: str):  # type: ignore[no-untyped-def]
    return next(m for m in reversed(sandbox.slack.messages_to(user_id)) if ids.ACCEPT_OFFER in action_ids(m))


def offer_statuses(sandbox: Sandbox) -> dict[str, OfferStatus]:
    with sandbox.bot.sessions.begin() as session:
        return {o.mentor.slack_user_id: OfferStatus(o.status) for o in session.scalars(select(Offer))}


def mentorships(sandbox: Sandbox) -> list[Mentorship]:
    with sandbox.bot.sessions.begin() as session:
        return list(session.scalars(select(Mentorship)))


def mentee_count(sandbox: Sandbox, member_id: int) -> int:
    with sandbox.bot.sessions.begin() as session:
        profile = session.get(MentorProfile, member_id)
        assert profile is not None
        return profile.active_mentee_count


def offer_dm_to_ts(sandbox: Sandbox, user_id: str) -> str | None:
    """Where the bot posted its offer to `user_id` (the message it later updates)."""
    with sandbox.bot.sessions.begin() as session:
        return next(o.message_ts for o in session.scalars(select(Offer)) if o.mentor.slack_user_id == user_id)


def three_mentors_offered(sandbox: Sandbox, *, student_locale: str = "en") -> dict[str, int]:
    ids_by_user = {"USTU": student_in_sandbox(sandbox, "USTU", locale=student_locale)}
    for user_id, locale in (("UM1", "en"), ("UM2", "fr"), ("UM3", "en")):
        ids_by_user[user_id] = mentor_in_sandbox(sandbox, user_id, locale=locale, topics=["careers"])
    ask_for_mentor(sandbox, "USTU", topics=["careers"], message="Should I do a PhD? <!here>", language="fr")
    return ids_by_user


# ------------------------------------------------------------------------------------------------------
# Accept


def test_first_accept_makes_the_match_and_tells_everyone(sandbox: Sandbox, clock) -> None:  # type: ignore[no-untyped-def]
    people = three_mentors_offered(sandbox)

    sandbox.click("UM2", offer_dm_to(sandbox, "UM2"), ids.ACCEPT_OFFER)

    [mentorship] = mentorships(sandbox)
    assert (mentorship.student_id, mentorship.mentor_id) == (people["USTU"], people["UM2"])
    assert mentorship.term_ends_at == clock.now() + timedelta(days=182)
    assert mentee_count(sandbox, people["UM2"]) == 1
    assert offer_statuses(sandbox) == {
        "UM1": OfferStatus.WITHDRAWN,
        "UM2": OfferStatus.ACCEPTED,
        "UM3": OfferStatus.WITHDRAWN,
    }
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(MentoringRequest.status)) == RequestStatus.MATCHED

    to_student = sandbox.slack.last_message_to("USTU")
    assert "You have a mentor: <@UM2>" in shown_text(to_student)
    assert "The first contact is on you" in shown_text(to_student)
    assert "*You share:* Careers and orientation" in shown_text(to_student)
    assert action_ids(to_student) == [ids.BOOKING_OPEN_DM, ids.BOOKING_PROPOSE, ids.FIRST_CONTACT_DONE]

    to_mentor = sandbox.slack.last_message_to("UM2")
    assert "Vous êtes désormais le mentor de <@USTU>" in shown_text(to_mentor)
    assert "&lt;!here&gt;" in shown_text(to_mentor) and "<!here>" not in str(to_mentor.blocks)
    accepted_dm = next(m for m in sandbox.slack.messages_to("UM2") if m.ts == offer_dm_to_ts(sandbox, "UM2"))
    assert "Vous avez accepté" in shown_text(accepted_dm) and action_ids(accepted_dm) == []

    for other in ("UM1", "UM3"):
        dm = sandbox.slack.last_message_to(other)
        assert "Another mentor accepted this request first" in shown_text(dm)
        assert action_ids(dm) == []


def test_second_accept_on_the_same_request_is_refused(sandbox: Sandbox) -> None:
    three_mentors_offered(sandbox)
    late_offer = offer_dm_to(sandbox, "UM3")
    sandbox.click("UM1", offer_dm_to(sandbox, "UM1"), ids.ACCEPT_OFFER)

    sandbox.click("UM3", late_offer, ids.ACCEPT_OFFER)

    refusal = sandbox.slack.last_message_to("UM3")
    assert refusal.ephemeral
    assert "Another mentor has already accepted this request" in shown_text(refusal)
    assert len(mentorships(sandbox)) == 1
    assert offer_statuses(sandbox)["UM3"] == OfferStatus.WITHDRAWN


def test_a_second_click_on_accept_by_the_winner_changes_nothing(sandbox: Sandbox) -> None:
    people = three_mentors_offered(sandbox)
    offer = offer_dm_to(sandbox, "UM1")
    sandbox.click("UM1", offer, ids.ACCEPT_OFFER)
    dms_before = len(sandbox.slack.messages_to("USTU"))

    sandbox.click("UM1", offer, ids.ACCEPT_OFFER)

    assert "already been taken care of" in shown_text(sandbox.slack.last_message_to("UM1"))
    assert len(mentorships(sandbox)) == 1
    assert mentee_count(sandbox, people["UM1"]) == 1
    assert len(sandbox.slack.messages_to("USTU")) == dms_before


def test_accept_forged_by_someone_the_offer_was_not_sent_to_is_refused(sandbox: Sandbox) -> None:
    three_mentors_offered(sandbox)
    mentor_in_sandbox(sandbox, "UINTRUDER", locale="en")

    # The intruder replays UM1's button (same offer id) from their own DM.
    sandbox.click("UINTRUDER", offer_dm_to(sandbox, "UM1"), ids.ACCEPT_OFFER)

    assert "wasn't meant for you" in shown_text(sandbox.slack.last_message_to("UINTRUDER"))
    assert mentorships(sandbox) == []
    assert set(offer_statuses(sandbox).values()) == {OfferStatus.PENDING}


def test_stale_accept_after_the_student_cancelled_is_refused(sandbox: Sandbox) -> None:
    three_mentors_offered(sandbox)
    offer = offer_dm_to(sandbox, "UM1")
    sandbox.command("USTU", "request")
    sandbox.click("USTU", sandbox.slack.last_message_to("USTU"), ids.CANCEL_REQUEST)

    sandbox.click("UM1", offer, ids.ACCEPT_OFFER)

    assert "The student withdrew this request" in shown_text(sandbox.slack.last_message_to("UM1"))
    assert mentorships(sandbox) == []


def test_a_mentor_with_no_place_left_cannot_accept(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    full = mentor_in_sandbox(sandbox, "UFULL", locale="en", capacity=1)
    ask_for_mentor(sandbox, "USTU")
    offer = offer_dm_to(sandbox, "UFULL")
    with sandbox.bot.sessions.begin() as session:
        session.get(MentorProfile, full).active_mentee_count = 1  # type: ignore[union-attr]

    sandbox.click("UFULL", offer, ids.ACCEPT_OFFER)

    assert "as many students as your profile allows" in shown_text(sandbox.slack.last_message_to("UFULL"))
    assert mentorships(sandbox) == []
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(MentoringRequest.status)) == RequestStatus.OPEN  # rolled back


# ------------------------------------------------------------------------------------------------------
# Decline


def test_decline_thanks_the_mentor_and_offers_the_request_to_the_next_candidate(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UFIRST", locale="en", topics=["careers", "studies"])
    mentor_in_sandbox(sandbox, "UNEXT", topics=["careers"])
    with sandbox.bot.sessions.begin() as session:
        programme_settings(session, sandbox.team_id).offers_per_request = 1
    ask_for_mentor(sandbox, "USTU", topics=["careers", "studies"])
    assert offer_statuses(sandbox) == {"UFIRST": OfferStatus.PENDING}

    sandbox.click("UFIRST", offer_dm_to(sandbox, "UFIRST"), ids.DECLINE_OFFER)
    modal = sandbox.slack.last_view_opened()
    assert modal["callback_id"] == ids.DECLINE_VIEW
    sandbox.submit("UFIRST", modal, {"reason": "Not my field this year"})

    assert offer_statuses(sandbox) == {"UFIRST": OfferStatus.DECLINED, "UNEXT": OfferStatus.PENDING}
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(Offer.decline_reason).where(Offer.status == "declined")) == (
            "Not my field this year"
        )
    declined_dm = sandbox.slack.last_message_to("UFIRST")
    assert "You declined this request. Thank you" in shown_text(declined_dm)
    assert action_ids(declined_dm) == []
    assert ids.ACCEPT_OFFER in action_ids(sandbox.slack.last_message_to("UNEXT"))


def test_decline_on_an_offer_already_taken_opens_no_modal(sandbox: Sandbox) -> None:
    three_mentors_offered(sandbox)
    late_offer = offer_dm_to(sandbox, "UM3")
    sandbox.click("UM1", offer_dm_to(sandbox, "UM1"), ids.ACCEPT_OFFER)
    views_opened = len(sandbox.slack.calls_to("views.open"))

    sandbox.click("UM3", late_offer, ids.DECLINE_OFFER)

    assert len(sandbox.slack.calls_to("views.open")) == views_opened
    assert "already been taken care of" in shown_text(sandbox.slack.last_message_to("UM3"))


def test_closing_the_decline_modal_leaves_the_offer_pending(sandbox: Sandbox) -> None:
    three_mentors_offered(sandbox)
    sandbox.click("UM1", offer_dm_to(sandbox, "UM1"), ids.DECLINE_OFFER)

    assert (
        sandbox.driver.close_view("UM1", sandbox.slack.last_view_opened()) is None
    )  # Slack tells us nothing

    assert offer_statuses(sandbox)["UM1"] == OfferStatus.PENDING


# ------------------------------------------------------------------------------------------------------
# First contact


def test_first_contact_is_recorded_once_and_only_by_the_student(sandbox: Sandbox, clock) -> None:  # type: ignore[no-untyped-def]
    three_mentors_offered(sandbox)
    sandbox.click("UM1", offer_dm_to(sandbox, "UM1"), ids.ACCEPT_OFFER)
    match_dm = sandbox.slack.last_message_to("USTU")

    sandbox.click("UM1", match_dm, ids.FIRST_CONTACT_DONE)  # the mentor replays the student's button
    assert "wasn't meant for you" in shown_text(sandbox.slack.last_message_to("UM1"))
    assert mentorships(sandbox)[0].first_contact_at is None

    contacted_at = clock.now()
    sandbox.click("USTU", match_dm, ids.FIRST_CONTACT_DONE)

    assert mentorships(sandbox)[0].first_contact_at == contacted_at
    updated = next(m for m in sandbox.slack.messages_to("USTU") if m.ts == match_dm.ts)
    assert "We've noted that you contacted your mentor" in shown_text(updated)
    assert action_ids(updated) == [ids.BOOKING_OPEN_DM, ids.BOOKING_PROPOSE]  # booking stays open

    clock.advance(timedelta(days=1))
    sandbox.click("USTU", match_dm, ids.FIRST_CONTACT_DONE)

    assert mentorships(sandbox)[0].first_contact_at == contacted_at
    assert "already been taken care of" in shown_text(sandbox.slack.last_message_to("USTU"))
