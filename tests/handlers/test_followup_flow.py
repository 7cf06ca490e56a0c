"""Follow-through over signed HTTP: a pair from the match to month six, every button, the dormant rule,
ending from a prompt, and the sweeps. Time moves by the clock fixture and dispatcher passes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from storage.models import (
    Followup,
    FollowupState,
    Meeting,
    Member,
    MentoringRequest,
    MentorProfile,
    MentorshipStatus,
    Offer,
    OfferStatus,
    RequestStatus,
    SurveyAnswer,
)
from tests.conftest import START
from tests.factories import (
    action_ids,
    ask_for_mentor,
    make_request,
    make_student,
    mentor_in_sandbox,
    shown_text,
    student_in_sandbox,
)
from tests.factories_followups import (
    dispatch,
    dispatch_through_quiet_hours,
    followup_of,
    last_with,
    latest,
    matched_pair,
    mentorship,
)


def on_day(sandbox: Sandbox, clock: ManualClock, days: float):  # type: ignore[no-untyped-def]
    clock.set(START + timedelta(days=days))
    return dispatch_through_quiet_hours(sandbox, clock)


def rows(sandbox: Sandbox, model, **where):  # type: ignore[no-untyped-def]
    with sandbox.bot.sessions.begin() as session:
        found = session.scalars(select(model).filter_by(**where)).all()
        for row in found:
            session.expunge(row)
        return found


def test_a_pair_from_the_match_to_month_six(sandbox: Sandbox, clock: ManualClock) -> None:
    mentor_in_sandbox(sandbox, "UMEN", locale="fr", topics=["careers"])
    student_in_sandbox(sandbox, "USTU", locale="en")
    ask_for_mentor(sandbox, "USTU")
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.ACCEPT_OFFER)
    [pair] = rows(sandbox, MentoringRequest)
    assert pair.status == RequestStatus.MATCHED  # the accept planned the follow-ups in its transaction
    student_id, mentor_id = pair.student_id, rows(sandbox, Offer)[0].mentor_id

    # Day 3: the mentor is asked whether the student reached out; "not yet" is taken once.
    on_day(sandbox, clock, 3)
    check = sandbox.slack.last_message_to("UMEN")
    assert "il y a 3\u00a0jours. <@USTU> a-t-il ou elle pris contact avec vous" in check.text
    sandbox.click("UMEN", check, ids.FOLLOWUP_CONTACT_NOT_YET)
    shown = sandbox.slack.last_message_to("UMEN")
    assert action_ids(shown) == [] and "Pas encore" in shown_text(shown)
    sandbox.click("UMEN", check, ids.FOLLOWUP_CONTACT_YES)  # the old buttons, clicked again
    assert "déjà fait" in sandbox.slack.last_message_to("UMEN").text

    # Day 7: the student is reminded the first step is theirs, and records it.
    on_day(sandbox, clock, 7)
    reminder = sandbox.slack.last_message_to("USTU")
    assert "*the first contact is on you*" in reminder.text
    sandbox.click("USTU", reminder, ids.FIRST_CONTACT_DONE)
    [matched] = rows(sandbox, type(mentorship(sandbox, 1)))
    assert matched.first_contact_at == START + timedelta(days=7)

    # Day 14: no escalation once the first contact is made.
    report = on_day(sandbox, clock, 14)
    assert {item.kind for item in report.skipped} == {"first_contact_escalation"} and report.sent == []

    # Day 30: the survey, to each of the two; a rating opens an optional comment.
    on_day(sandbox, clock, 30)
    survey = sandbox.slack.last_message_to("USTU")
    assert "How did your first meeting go?" in survey.text
    sandbox.click("USTU", survey, ids.FOLLOWUP_RATE_4)
    comment = sandbox.slack.last_view_opened()
    sandbox.submit("USTU", comment, {ids.FOLLOWUP_COMMENT_INPUT: "Very <b>kind</b> & helpful"})
    sandbox.click("USTU", survey, ids.FOLLOWUP_RATE_1)  # a second rating changes nothing
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.FOLLOWUP_NOT_MET_YET)
    assert "appel vidéo" in shown_text(sandbox.slack.last_message_to("UMEN"))
    answers = {answer.member_id: answer for answer in rows(sandbox, SurveyAnswer)}
    assert answers[student_id].rating == 4 and answers[student_id].comment == "Very <b>kind</b> & helpful"
    assert answers[mentor_id].not_met_yet and answers[mentor_id].rating is None

    # Day 60: the first monthly prompt; "by video" logs a meeting, "remind me" asks again a week later.
    on_day(sandbox, clock, 60)
    sandbox.click("USTU", sandbox.slack.last_message_to("USTU"), ids.FOLLOWUP_MET_VIDEO)
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.FOLLOWUP_REMIND_NEXT_WEEK)
    on_day(sandbox, clock, 67)
    again = sandbox.slack.last_message_to("UMEN")
    assert "Comme promis" in again.text
    sandbox.click("UMEN", again, ids.FOLLOWUP_MET)
    assert [(meeting.period, meeting.how) for meeting in rows(sandbox, Meeting)] == [
        (f"m{matched.id}:p1", "video")
    ]

    # Days 90 to 150: they keep meeting, so the pair stays active.
    for day in (90, 120, 150):
        on_day(sandbox, clock, day)
        sandbox.click("USTU", sandbox.slack.last_message_to("USTU"), ids.FOLLOWUP_MET_IN_PERSON)
    assert len(rows(sandbox, Meeting)) == 4
    assert mentorship(sandbox, matched.id).status == MentorshipStatus.ACTIVE

    # Day 175, a week before the end of the term: renew or close; the student renews.
    on_day(sandbox, clock, 175)
    question = sandbox.slack.last_message_to("USTU")
    assert "Would you like to renew" in question.text
    sandbox.click("USTU", question, ids.FOLLOWUP_RENEW)
    renewed = mentorship(sandbox, matched.id)
    assert renewed.term_ends_at == START + timedelta(days=182 * 2)
    planned = rows(sandbox, Followup, recipient_id=student_id, kind="meeting_prompt", state=FollowupState.DUE)
    assert sorted((row.due_at - START).days for row in planned) == [180, 210, 240, 270, 300, 330]
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.FOLLOWUP_RENEW)  # renews nothing twice
    assert mentorship(sandbox, matched.id).term_ends_at == renewed.term_ends_at


def test_a_survey_sent_45_days_after_the_match_says_so_in_each_language(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    with sandbox.bot.sessions.begin() as session:
        programme_settings(session, sandbox.team_id).survey_delay_days = 45
    mentor_in_sandbox(sandbox, "UMEN", locale="fr", topics=["careers"])
    student_in_sandbox(sandbox, "USTU", locale="en")
    ask_for_mentor(sandbox, "USTU")
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.ACCEPT_OFFER)

    on_day(sandbox, clock, 45)

    student_survey = sandbox.slack.last_message_to("USTU").text
    mentor_survey = sandbox.slack.last_message_to("UMEN").text
    assert "It's been 45 days since you were matched with <@UMEN>" in student_survey
    assert "Votre binôme avec <@USTU> a été formé il y a 45\u00a0jours" in mentor_survey
    assert "month" not in student_survey and "mois" not in mentor_survey


def test_three_unanswered_prompts_make_the_pair_dormant_and_ask_both_to_continue(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    for day in (60, 90, 120):
        prompts = [item for item in on_day(sandbox, clock, day).sent if item.kind == "meeting_prompt"]
        assert len(prompts) == 2  # nobody answers

    report = on_day(sandbox, clock, 150)

    assert mentorship(sandbox, pair.mentorship_id).status == MentorshipStatus.DORMANT
    assert sorted(item.kind for item in report.sent) == ["admin_dormant", "dormant_check", "dormant_check"]
    assert (
        "trois points rendez-vous d'affilée (le point revient chaque mois)"
        in sandbox.slack.last_message_to("UADMIN").text
    )
    question = sandbox.slack.last_message_to(pair.student_user)
    assert "Would you like to continue" in question.text
    sandbox.click(pair.student_user, question, ids.FOLLOWUP_CONTINUE)
    back = mentorship(sandbox, pair.mentorship_id)
    assert back.status == MentorshipStatus.ACTIVE and back.unanswered_prompts == 0


def test_ending_from_a_monthly_prompt_asks_a_reason_and_tells_the_other_side(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    on_day(sandbox, clock, 60)
    prompt = last_with(sandbox, pair.student_user, ids.FOLLOWUP_END)

    sandbox.click(pair.student_user, prompt, ids.FOLLOWUP_END)
    sandbox.submit(
        pair.student_user, sandbox.slack.last_view_opened(), {ids.FOLLOWUP_END_REASON_INPUT: "Moving"}
    )

    ended = mentorship(sandbox, pair.mentorship_id)
    assert ended.status == MentorshipStatus.ENDED and ended.end_reason == "Moving"
    assert "<@USTU>" in sandbox.slack.last_message_to(pair.mentor_user).text  # told kindly, not why
    assert "Moving" not in sandbox.slack.last_message_to(pair.mentor_user).text
    assert "End our mentorship" in shown_text(latest(sandbox, pair.student_user, prompt))
    assert on_day(sandbox, clock, 90).sent == []  # no more prompts


def test_the_mentor_may_release_a_match_without_first_contact(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = matched_pair(sandbox, clock)
    on_day(sandbox, clock, 7)
    report = on_day(sandbox, clock, 14)
    assert sorted(item.kind for item in report.sent) == [
        "admin_no_first_contact",
        "first_contact_escalation",
        "first_contact_escalation",
    ]

    sandbox.click(
        pair.mentor_user, sandbox.slack.last_message_to(pair.mentor_user), ids.FOLLOWUP_RELEASE_MATCH
    )

    assert mentorship(sandbox, pair.mentorship_id).status == MentorshipStatus.ENDED
    [profile] = rows(sandbox, MentorProfile)
    assert profile.active_mentee_count == 0


def test_closing_at_the_end_of_term_sends_a_closing_survey_and_thanks_the_mentor(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock, mentor_locale="en")
    on_day(sandbox, clock, 175)

    sandbox.click(
        pair.mentor_user, last_with(sandbox, pair.mentor_user, ids.FOLLOWUP_CLOSE), ids.FOLLOWUP_CLOSE
    )
    report = dispatch(sandbox)

    assert sorted(item.kind for item in report.sent) == [
        "admin_mentor_to_thank",
        "closing_survey",
        "closing_survey",
        "mentor_thanks",
    ]
    thanks = shown_text(sandbox.slack.last_message_to(pair.mentor_user))
    assert "Your mentorship with <@USTU> has ended: thank you!" in thanks
    assert "Students helped: 1" in thanks and "The whole school thanks you." in thanks
    survey = sandbox.slack.last_message_to(pair.student_user)
    sandbox.click(pair.student_user, survey, ids.FOLLOWUP_RATE_5)
    assert [(a.survey, a.rating) for a in rows(sandbox, SurveyAnswer)] == [("closing", 5)]


def test_a_followup_button_clicked_by_someone_else_changes_nothing(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    sandbox.slack.add_user("UOTHER", locale="en-GB")
    on_day(sandbox, clock, 3)
    check = sandbox.slack.last_message_to(pair.mentor_user)

    sandbox.click("UOTHER", check, ids.FOLLOWUP_CONTACT_YES)

    assert "wasn't meant for you" in sandbox.slack.last_message_to("UOTHER").text
    assert mentorship(sandbox, pair.mentorship_id).first_contact_at is None
    assert followup_of(sandbox, pair.mentor_id, "first_contact_check").state == FollowupState.SENT


def test_the_home_shows_the_next_followup_and_snoozes_it_by_a_week(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    sandbox.driver.app_home_opened(pair.mentor_user)
    sandbox.settle()
    home = sandbox.slack.home_of(pair.mentor_user)
    assert "Votre prochain suivi" in shown_text(home)

    sandbox.click(pair.mentor_user, home, ids.FOLLOWUP_SNOOZE)

    assert followup_of(sandbox, pair.mentor_id, "first_contact_check").due_at == START + timedelta(days=10)
    assert on_day(sandbox, clock, 3).sent == []


def test_an_offer_nobody_answers_expires_and_goes_to_the_next_mentor(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    mentor_in_sandbox(sandbox, "UFIRST", topics=["careers"])
    student_in_sandbox(sandbox, "USTU", locale="en")
    ask_for_mentor(sandbox, "USTU")
    [offer] = rows(sandbox, Offer)
    mentor_in_sandbox(sandbox, "USECOND", topics=["careers"])

    on_day(sandbox, clock, 3)

    assert rows(sandbox, Offer, id=offer.id)[0].status == OfferStatus.EXPIRED
    assert action_ids(sandbox.slack.last_message_to("UFIRST")) == []
    assert ids.ACCEPT_OFFER in action_ids(sandbox.slack.last_message_to("USECOND"))


def test_a_request_unmatched_for_two_weeks_is_reported_to_the_student_and_admins(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    with sandbox.bot.sessions.begin() as session:
        student = session.scalar(select(Member).filter_by(slack_user_id="USTU"))
        request = make_request(session, sandbox.team_id, student, created_at=START)
        request_id = request.id

    on_day(sandbox, clock, 14)

    assert rows(sandbox, MentoringRequest, id=request_id)[0].status == RequestStatus.EXPIRED
    assert "no mentor has taken your request in 2 weeks" in sandbox.slack.last_message_to("USTU").text
    assert "n'a trouvé aucun mentor en 2\u00a0semaines" in sandbox.slack.last_message_to("UADMIN").text


def test_students_who_never_asked_are_reminded_every_four_weeks_until_they_stop_it(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user("USTU", locale="en-GB")
    mentor_in_sandbox(sandbox, "UMEN", topics=["careers"])
    with sandbox.bot.sessions.begin() as session:
        make_student(session, sandbox.team_id, "USTU", locale="en").created_at = START

    assert on_day(sandbox, clock, 1).sent == []  # too new to be reminded
    on_day(sandbox, clock, 28)
    reminder = sandbox.slack.last_message_to("USTU")
    assert "1 mentor covers the topics" in reminder.text
    assert on_day(sandbox, clock, 29).sent == []  # once per four weeks
    sandbox.click("USTU", reminder, ids.FOLLOWUP_STOP_REMINDERS)

    assert on_day(sandbox, clock, 60).sent == []
