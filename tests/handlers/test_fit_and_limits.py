"""Fit, and one mentorship at a time, over signed HTTP: "is this a good fit?" after the one-month survey,
a second request while matched, and silent pairs that close themselves. Time moves by the clock fixture
and dispatcher passes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from storage.models import (
    ExcludedMatch,
    FitAnswer,
    Followup,
    Member,
    MentorProfile,
    MentorshipStatus,
    Offer,
)
from storage.queries.matching import search_available_mentors
from storage.queries.stats import mentorship_counts
from tests.conftest import START
from tests.factories import (
    action_ids,
    ask_for_mentor,
    make_mentorship,
    mentor_in_sandbox,
    shown_text,
    student_in_sandbox,
)
from tests.factories_followups import (
    dispatch,
    dispatch_through_quiet_hours,
    last_with,
    matched_pair,
    mentorship,
)
from tests.handlers.test_followup_flow import on_day, rows


def mentees_of(sandbox: Sandbox, mentor_id: int) -> int:
    with sandbox.bot.sessions.begin() as session:
        profile = session.get(MentorProfile, mentor_id)
        assert profile is not None
        return profile.active_mentee_count


def fit_question_on_day_30(sandbox: Sandbox, clock: ManualClock) -> None:
    """The survey goes out on day 30; the fit question right after it, at the dispatcher's next pass."""
    on_day(sandbox, clock, 30)
    clock.advance(timedelta(minutes=2))
    dispatch_through_quiet_hours(sandbox, clock)


def set_setting(sandbox: Sandbox, **values: int) -> None:
    with sandbox.bot.sessions.begin() as session:
        settings = programme_settings(session, sandbox.team_id)
        for name, value in values.items():
            setattr(settings, name, value)


# ------------------------------------------------------------------------------------------------------
# Is this a good fit?


def test_not_a_good_fit_from_the_student_ends_it_kindly_and_the_next_request_avoids_that_mentor(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user("UADMIN", locale="en-GB")  # the sandbox's MENTORBOT_ADMINS
    # UMEN shares both topics and the student's language: it ranks first, for this request and the next.
    first = mentor_in_sandbox(sandbox, "UMEN", locale="fr", topics=["careers", "studies"], languages=["en"])
    other = mentor_in_sandbox(sandbox, "UOTHER", locale="en", topics=["careers"])
    student = student_in_sandbox(sandbox, "USTU", locale="en")
    set_setting(sandbox, offers_per_request=1)
    ask_for_mentor(sandbox, "USTU", topics=["careers", "studies"], language="en")
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.ACCEPT_OFFER)
    [matched] = rows(sandbox, type(mentorship(sandbox, 1)))
    assert matched.mentor_id == first and mentees_of(sandbox, first) == 1

    fit_question_on_day_30(sandbox, clock)
    question = last_with(sandbox, "USTU", ids.FOLLOWUP_FIT_NOT_GOOD)
    assert "is your pairing with <@UMEN> a good fit?" in question.text
    assert last_with(sandbox, "UMEN", ids.FOLLOWUP_FIT_GOOD)  # the mentor is asked too, in French
    sandbox.click("USTU", question, ids.FOLLOWUP_FIT_NOT_GOOD)

    ended = mentorship(sandbox, matched.id)
    assert ended.status == MentorshipStatus.ENDED and ended.end_reason == "not a good fit"
    assert mentees_of(sandbox, first) == 0  # the place is free
    [answer] = rows(sandbox, FitAnswer)
    assert (answer.member_id, answer.fit) == (student, "not_good")
    told = shown_text(sandbox.slack.last_message_to("UMEN"))
    assert "ne s'est pas révélé le bon" in told and "Cela arrive" in told
    assert "USTU" in told and "a répondu" not in told  # kind words, never who said it
    to_student = sandbox.slack.last_message_to("USTU")
    assert "will never go to <@UMEN>" in shown_text(to_student)
    assert ids.OPEN_REQUEST_MODAL in action_ids(to_student)

    dispatch(sandbox)  # the admins' notice is a follow-up, due now
    admin = sandbox.slack.last_message_to("UADMIN")
    assert "Le binôme de <@USTU> et <@UMEN> ne fonctionnait pas" in admin.text
    assert [(row.student_id, row.mentor_id) for row in rows(sandbox, ExcludedMatch)] == [(student, first)]

    # The next request never goes back to UMEN, who would rank first, nor when the student names them.
    ask_for_mentor(sandbox, "USTU", topics=["careers", "studies"], language="en", mentor_member_id=first)
    offers = rows(sandbox, Offer)
    assert [(offer.request_id, offer.mentor_id) for offer in offers][-1][1] == other
    assert [offer.mentor_id for offer in offers].count(first) == 1  # only the first request's
    with sandbox.bot.sessions.begin() as session:
        choices = search_available_mentors(session, team_id=sandbox.team_id, student_user_id="USTU", typed="")
    assert [choice.member_id for choice in choices] == [other]


def test_still_deciding_and_good_fit_are_recorded_and_change_nothing_else(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    fit_question_on_day_30(sandbox, clock)
    sandbox.click("USTU", last_with(sandbox, "USTU", ids.FOLLOWUP_FIT_GOOD), ids.FOLLOWUP_FIT_GOOD)
    mentor_question = last_with(sandbox, "UMEN", ids.FOLLOWUP_FIT_UNDECIDED)
    sandbox.click("UMEN", mentor_question, ids.FOLLOWUP_FIT_UNDECIDED)
    shown = sandbox.slack.last_message_to("UMEN")
    assert action_ids(shown) == [] and "Je ne sais pas encore" in shown_text(shown)
    sandbox.click("UMEN", mentor_question, ids.FOLLOWUP_FIT_NOT_GOOD)  # an old button: taken once
    assert "déjà fait" in sandbox.slack.last_message_to("UMEN").text

    assert {row.member_id: row.fit for row in rows(sandbox, FitAnswer)} == {
        pair.student_id: "good",
        pair.mentor_id: "undecided",
    }
    assert mentorship(sandbox, pair.mentorship_id).status == MentorshipStatus.ACTIVE
    assert mentees_of(sandbox, pair.mentor_id) == 1
    assert rows(sandbox, ExcludedMatch) == []
    assert rows(sandbox, Followup, kind="admin_not_a_good_fit") == []


# ------------------------------------------------------------------------------------------------------
# One mentorship at a time


def test_a_second_request_while_matched_is_refused_with_the_end_button(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    views_before = len(sandbox.slack.calls_to("views.open"))
    sandbox.command("USTU", "request")
    refusal = sandbox.slack.last_message_to("USTU")
    assert "You already have a mentor, <@UMEN>" in refusal.text
    assert "Ask an admin" in shown_text(refusal)
    assert len(sandbox.slack.calls_to("views.open")) == views_before  # no request modal
    [end_button] = [
        element
        for block in refusal.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.END_MENTORSHIP
    ]
    assert end_button["value"] == str(pair.mentorship_id)
    sandbox.click("USTU", refusal, ids.END_MENTORSHIP)
    end_modal = sandbox.slack.last_view_opened()
    assert end_modal["callback_id"] == ids.END_MENTORSHIP_VIEW
    assert end_modal["private_metadata"] == str(pair.mentorship_id)


def test_a_request_modal_opened_before_the_match_is_refused_on_submission(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    mentor_in_sandbox(sandbox, "UMEN", topics=["careers"])
    student_in_sandbox(sandbox, "USTU", locale="en")
    sandbox.command("USTU", "request")
    view = sandbox.slack.last_view_opened()
    with sandbox.bot.sessions.begin() as session:  # matched meanwhile (another request, another way)
        student = session.scalar(select(Member).where(Member.slack_user_id == "USTU"))
        mentor = session.scalar(select(Member).where(Member.slack_user_id == "UMEN"))
        assert student is not None and mentor is not None
        make_mentorship(session, student, mentor, started_at=START)
    sandbox.submit("USTU", view, {"topics": ["careers"], "message": "x" * 40, "charter": ["accepted"]})
    assert "You already have a mentor" in sandbox.slack.last_message_to("USTU").text
    assert rows(sandbox, Offer) == []


def test_a_second_request_is_allowed_when_the_school_allows_two(sandbox: Sandbox, clock: ManualClock) -> None:
    matched_pair(sandbox, clock)
    mentor_in_sandbox(sandbox, "UOTHER", topics=["careers"])
    set_setting(sandbox, max_mentorships_per_student=2)
    ask_for_mentor(sandbox, "USTU")
    assert [offer.mentor_id for offer in rows(sandbox, Offer)]  # offered, not refused
    sandbox.click("UOTHER", sandbox.slack.last_message_to("UOTHER"), ids.ACCEPT_OFFER)
    sandbox.command("USTU", "request")  # two now: the third is refused, with one End button each
    refusal = sandbox.slack.last_message_to("USTU")
    assert "You already have 2 mentorships" in refusal.text
    ends = [
        block["accessory"]["action_id"]
        for block in refusal.blocks
        if block["type"] == "section" and "accessory" in block
    ]
    assert ends == [ids.END_MENTORSHIP, ids.END_MENTORSHIP]


# ------------------------------------------------------------------------------------------------------
# Silent pairs close themselves


def test_a_silent_term_closes_itself_two_weeks_after_its_end(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = matched_pair(sandbox, clock)
    term_end = mentorship(sandbox, pair.mentorship_id).term_ends_at
    assert term_end is not None

    clock.set(term_end + timedelta(days=13))  # every prompt and the end-of-term question went unanswered
    dispatch(sandbox)  # one pass, not through quiet hours: a weekend must not carry the clock past day 14
    still = mentorship(sandbox, pair.mentorship_id)
    assert still.status != MentorshipStatus.ENDED, still.end_reason
    clock.set(term_end + timedelta(days=14, hours=1))
    dispatch(sandbox)
    dispatch(sandbox)  # a second process's pass closes nothing twice
    dispatch_through_quiet_hours(sandbox, clock)

    closed = mentorship(sandbox, pair.mentorship_id)
    assert closed.status == MentorshipStatus.ENDED and closed.end_reason == "term ended without an answer"
    assert closed.ended_by_id is None
    assert mentees_of(sandbox, pair.mentor_id) == 0
    assert len(rows(sandbox, Followup, kind="closed_without_answer")) == 2
    student_told = last_with(sandbox, "USTU", ids.OPEN_REQUEST_MODAL)
    assert "has closed by itself" in student_told.text
    mentor_texts = [message.text for message in sandbox.slack.messages_to("UMEN")[-2:]]
    assert any("s'est clos de lui-même" in text for text in mentor_texts)
    assert any("Votre mentorat avec <@USTU> est terminé : merci !" in text for text in mentor_texts)
    assert [row.recipient_id for row in rows(sandbox, Followup, kind="mentor_thanks")] == [pair.mentor_id]

    with sandbox.bot.sessions.begin() as session:  # the programme's numbers still count the pair
        counts = mentorship_counts(
            session, sandbox.team_id, None, clock.now(), timedelta(days=14), clock.now() - timedelta(days=30)
        )
        assert counts.due_first_contact == 1 and counts.ended == 1 and counts.active == 0


def test_a_dormant_pair_silent_through_three_more_prompts_is_closed(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    set_setting(sandbox, mentorship_term_days=365)
    pair = matched_pair(sandbox, clock)
    for day in (30, 60, 90, 120, 150):  # the survey, then prompts 1 to 4 unanswered: dormant at the 4th
        on_day(sandbox, clock, day)
    assert mentorship(sandbox, pair.mentorship_id).status == MentorshipStatus.DORMANT
    for day in (180, 210):  # two more prompt dates in silence: still dormant
        on_day(sandbox, clock, day)
    assert mentorship(sandbox, pair.mentorship_id).status == MentorshipStatus.DORMANT

    on_day(sandbox, clock, 240)  # the third
    closed = mentorship(sandbox, pair.mentorship_id)
    assert closed.status == MentorshipStatus.ENDED and closed.end_reason == "dormant without an answer"
    assert mentees_of(sandbox, pair.mentor_id) == 0
    assert "has closed by itself" in last_with(sandbox, "USTU", ids.OPEN_REQUEST_MODAL).text
    assert any("s'est clos de lui-même" in message.text for message in sandbox.slack.messages_to("UMEN"))
    assert [row.recipient_id for row in rows(sandbox, Followup, kind="mentor_thanks")] == [pair.mentor_id]
