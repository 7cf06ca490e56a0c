"""Follow-through: which follow-ups a match, an answer or a sweep plans, when they may be sent, what each
one says when its time comes, and what each of its buttons does.

Planning is pure (`match_followups`, `term_followups`) and written with `plan_followups`, whose unique
key makes planning twice harmless; it happens in the transaction of the event that causes it (the
accept plans the match's follow-ups, an answer plans the next). Sending is the dispatcher's job
(`bot.dispatch`): it asks `render_followup` what a due row says, or why it no longer needs saying.

Every button carries its follow-up's id. An answer is taken once, by the follow-up's recipient only
(a conditional UPDATE sent → answered), and the message is then shown again with what was chosen.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ids
from bot.context import BotContext
from bot.i18n import t
from bot.members import Person, member_locale, person_of, programme_admin_ids
from bot.mentorships import EndOutcome, end_mentorship, ended_mentorship
from bot.messages import feedback as feedback_messages
from bot.messages import followups as messages
from bot.messages.followups import Cadences, FollowupContent
from bot.messages.kit import AnyBlock, Message
from bot.messages.recognition import ImpactFigures
from bot.outcome import Notice, NoticeKind, Outcome, Update, reply
from bot.programme import programme_settings, topics_of
from storage.models import (
    LIVE_MENTORSHIP_STATUSES,
    BookingState,
    Followup,
    FollowupKind,
    FollowupPeriod,
    FollowupState,
    MeetingBooking,
    Member,
    MentoringRequest,
    Mentorship,
    MentorshipStatus,
    ProgrammeSettings,
    SurveyAnswer,
)
from storage.queries import followups as queries
from storage.queries.directory import mentors_joined_between, topics_asked_by
from storage.queries.feedback import open_alert_count, survey_answer_id, week_counts
from storage.queries.followups import PlannedFollowup
from storage.queries.matching import claim_first_contact, exclude_match, release_mentor_place
from storage.queries.mentors import mentors_covering
from storage.queries.mentorships import (
    claim_closing_without_answer,
    dormant_since,
    extend_term,
    prompts_due_between,
    record_fit_answer,
    record_meeting,
    record_survey_answer,
    set_mentorship_status,
    terms_ended_before,
)
from storage.queries.recognition import mentor_impact
from storage.queries.requests import never_asked
from storage.queries.settings import still_invitable

logger = logging.getLogger(__name__)

# The school's time zone, used for members whose Slack time zone is unknown (a French school by default).
DEFAULT_TIMEZONE = "Europe/Paris"
END_OF_TERM_NOTICE = timedelta(days=7)
SNOOZE = timedelta(days=7)
REMIND_AGAIN_AFTER = timedelta(days=7)
DORMANT_AFTER_UNANSWERED = 3
COMMENT_MAX_LENGTH = messages.COMMENT_MAX_LENGTH
# Why a mentorship ended, as the admins read it (`mentorships.end_reason`).
NOT_A_GOOD_FIT_REASON = "not a good fit"
TERM_ENDED_WITHOUT_ANSWER_REASON = "term ended without an answer"
DORMANT_WITHOUT_ANSWER_REASON = "dormant without an answer"
SILENT_TERM_GRACE = timedelta(days=14)
FIT_CHECK_AFTER_SURVEY = timedelta(minutes=1)
DORMANT_CLOSE_AFTER_PROMPTS = 3
SILENT_CLOSINGS_PER_PASS = 200
# A low rating's alert waits this long, so that the comment typed in the modal after it is in the alert
# (it is read when the alert is rendered, at the dispatcher's pass: a comment typed later is not).
LOW_RATING_ALERT_AFTER = timedelta(minutes=1)
LOW_RATINGS = (1, 2)
DIGEST_WEEK = timedelta(days=7)
# The admins' alerts, rendered with what they need to act (`bot.messages.feedback.Alert`).
ADMIN_ALERT_KINDS = {
    FollowupKind.ADMIN_NO_FIRST_CONTACT,
    FollowupKind.ADMIN_DORMANT,
    FollowupKind.ADMIN_REQUEST_UNMATCHED,
    FollowupKind.ADMIN_NOT_A_GOOD_FIT,
    FollowupKind.ADMIN_LOW_RATING,
}

# Follow-ups that only make sense while the pair is matched (dormant pairs still get some of them).
_NEEDS_ACTIVE = {
    FollowupKind.FIRST_CONTACT_CHECK,
    FollowupKind.FIRST_CONTACT_REMINDER,
    FollowupKind.FIRST_CONTACT_ESCALATION,
    FollowupKind.FIRST_MEETING_SURVEY,
    FollowupKind.MEETING_PROMPT,
}
_NEEDS_LIVE = {
    FollowupKind.END_OF_TERM,
    FollowupKind.FIT_CHECK,
    FollowupKind.MEETING_REMINDER,
    FollowupKind.MEETING_HAPPENED,
}
# Follow-ups of a booked meeting (`bot.booking`): their period names the booking and its revision.
_OF_BOOKING = {FollowupKind.MEETING_REMINDER, FollowupKind.MEETING_HAPPENED}
_NEEDS_NO_FIRST_CONTACT = {
    FollowupKind.FIRST_CONTACT_CHECK,
    FollowupKind.FIRST_CONTACT_REMINDER,
    FollowupKind.FIRST_CONTACT_ESCALATION,
    FollowupKind.ADMIN_NO_FIRST_CONTACT,
}


# ------------------------------------------------------------------------------------------------------
# Planning


def match_followups(mentorship: Mentorship, settings: ProgrammeSettings) -> list[PlannedFollowup]:
    """Everything a new match schedules: the first-contact checks, the survey, the term's prompts."""
    assert mentorship.student_id is not None and mentorship.mentor_id is not None
    start = mentorship.started_at
    student, mentor = mentorship.student_id, mentorship.mentor_id

    def one(kind: FollowupKind, recipient: int, days: int) -> PlannedFollowup:
        return PlannedFollowup(
            team_id=mentorship.team_id,
            kind=kind,
            recipient_id=recipient,
            period=FollowupPeriod.of_mentorship(mentorship.id),
            due_at=start + timedelta(days=days),
            mentorship_id=mentorship.id,
        )

    planned = [
        one(FollowupKind.FIRST_CONTACT_CHECK, mentor, settings.first_contact_check_days),
        one(FollowupKind.FIRST_CONTACT_REMINDER, student, settings.first_contact_reminder_days),
        one(FollowupKind.FIRST_CONTACT_ESCALATION, student, settings.first_contact_escalation_days),
        one(FollowupKind.FIRST_CONTACT_ESCALATION, mentor, settings.first_contact_escalation_days),
        one(FollowupKind.FIRST_MEETING_SURVEY, student, settings.survey_delay_days),
        one(FollowupKind.FIRST_MEETING_SURVEY, mentor, settings.survey_delay_days),
    ]
    term_end = mentorship.term_ends_at or start + timedelta(days=settings.mentorship_term_days)
    return planned + term_followups(mentorship, settings, after=start, term_end=term_end)


def term_followups(
    mentorship: Mentorship, settings: ProgrammeSettings, *, after: datetime, term_end: datetime
) -> list[PlannedFollowup]:
    """The monthly prompts falling after `after` and before the end-of-term question, and that question.

    Prompt k is due `survey_delay + k * interval` days after the match, whatever the term, so a renewal
    carries on the same rhythm and numbering.
    """
    assert mentorship.student_id is not None and mentorship.mentor_id is not None
    pair = (mentorship.student_id, mentorship.mentor_id)
    question_at = term_end - END_OF_TERM_NOTICE
    first_prompt = mentorship.started_at + timedelta(days=settings.survey_delay_days)
    interval = timedelta(days=max(settings.meeting_prompt_interval_days, 1))
    planned = []
    k = 1
    while (due := first_prompt + k * interval) < question_at:
        if due > after:
            planned += [
                PlannedFollowup(
                    team_id=mentorship.team_id,
                    kind=FollowupKind.MEETING_PROMPT,
                    recipient_id=recipient,
                    period=FollowupPeriod.of_mentorship(mentorship.id, f"p{k}"),
                    due_at=due,
                    mentorship_id=mentorship.id,
                )
                for recipient in pair
            ]
        k += 1
    planned += [
        PlannedFollowup(
            team_id=mentorship.team_id,
            kind=FollowupKind.END_OF_TERM,
            recipient_id=recipient,
            period=FollowupPeriod.of_mentorship(mentorship.id, f"t{term_end.date().isoformat()}"),
            due_at=max(question_at, after),
            mentorship_id=mentorship.id,
        )
        for recipient in pair
    ]
    return planned


def plan_match_followups(
    session: Session, mentorship: Mentorship, settings: ProgrammeSettings, now: datetime
) -> int:
    """Plan a new match's follow-ups, in the accept's own transaction. Harmless when run twice."""
    return queries.plan_followups(session, match_followups(mentorship, settings), now)


def plan_admin_notices(
    bot: BotContext,
    session: Session,
    kind: FollowupKind,
    *,
    team_id: str,
    period: FollowupPeriod,
    now: datetime,
    mentorship_id: int | None = None,
    request_id: int | None = None,
    due_at: datetime | None = None,
) -> int:
    """One follow-up for each admin; or, when the school picked an admins' channel, one follow-up posted
    there, held by the first admin (whose row carries the channel, its quiet hours and its unique key)."""
    admins = programme_admin_ids(bot, session, team_id)
    channel_id = programme_settings(session, team_id).admin_channel_id
    if channel_id:
        admins = admins[:1]
    return queries.plan_followups(
        session,
        [
            PlannedFollowup(
                team_id=team_id,
                kind=kind,
                recipient_id=admin_id,
                period=period,
                due_at=due_at or now,
                mentorship_id=mentorship_id,
                request_id=request_id,
                channel_id=channel_id or None,
            )
            for admin_id in admins
        ],
        now,
    )


def booking_period(mentorship_id: int, booking_id: int, revision: int) -> FollowupPeriod:
    """The period of a booked meeting's follow-ups: `m12:b5.2` (booking 5, booked for the second time)."""
    return FollowupPeriod.of_mentorship(mentorship_id, f"b{booking_id}.{revision}")


def _booking_of(session: Session, followup: Followup) -> MeetingBooking | None:
    """The booking a meeting follow-up is about, while it is still booked as it was when planned."""
    booking_id, _, revision = followup.period.step.removeprefix("b").partition(".")
    if not booking_id.isdecimal() or not revision.isdecimal():
        return None
    booking = session.get(MeetingBooking, int(booking_id))
    if booking is None or booking.state != BookingState.BOOKED or booking.revision != int(revision):
        return None
    return booking


def plan_low_rating_alert(
    bot: BotContext, session: Session, mentorship: Mentorship, member_id: int, survey: str, now: datetime
) -> int:
    """A rating of 1 or 2 tells the admins, a minute later so that its comment is in the alert."""
    answer_id = survey_answer_id(session, mentorship.id, member_id, survey)
    if answer_id is None:
        return 0
    return plan_admin_notices(
        bot,
        session,
        FollowupKind.ADMIN_LOW_RATING,
        team_id=mentorship.team_id,
        period=FollowupPeriod.of_mentorship(mentorship.id, f"s{answer_id}"),
        now=now,
        mentorship_id=mentorship.id,
        due_at=now + LOW_RATING_ALERT_AFTER,
    )


def digest_week(now: datetime) -> tuple[FollowupPeriod, datetime]:
    """This week's digest: its period (ISO year and week in the school's time zone) and when it is due,
    Monday 09:00 there."""
    zone = zone_of(DEFAULT_TIMEZONE)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    year, week, _ = monday.isocalendar()
    due = datetime.combine(monday, time(9), tzinfo=zone).astimezone(UTC)
    return FollowupPeriod(scope=f"y{year}w{week:02d}"), due


def plan_weekly_digest(bot: BotContext, team_id: str, now: datetime) -> int:
    """From Monday 09:00 (the school's time zone), this week's digest for the admins, once (its unique
    key is the week); a sweep of the dispatcher."""
    period, due = digest_week(now)
    if not bot.config.weekly_digest or now < due:
        return 0
    with bot.sessions.begin() as session:
        return plan_admin_notices(
            bot, session, FollowupKind.WEEKLY_DIGEST, team_id=team_id, period=period, now=now, due_at=due
        )


# ------------------------------------------------------------------------------------------------------
# Quiet hours


def zone_of(tz_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def next_window_start(now: datetime, tz_name: str | None, start_hour: int, end_hour: int) -> datetime:
    """`now` when it falls on a weekday between `start_hour` and `end_hour` in the member's time zone,
    else the start of the next such window (UTC). A window that is empty or all day never holds."""
    if not 0 <= start_hour < end_hour <= 24:
        return now
    zone = zone_of(tz_name)
    local = now.astimezone(zone)
    if local.weekday() < 5 and start_hour <= local.hour < end_hour:
        return now
    day = local.date() if local.weekday() < 5 and local.hour < start_hour else local.date() + timedelta(1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(start_hour), tzinfo=zone).astimezone(UTC)


# ------------------------------------------------------------------------------------------------------
# What a due follow-up says


@dataclass(frozen=True)
class Rendered:
    """A follow-up ready to send, or the reason it is no longer worth sending (`message` is None)."""

    message: Message | None
    skip_reason: str | None = None


def _skip(reason: str) -> Rendered:
    return Rendered(message=None, skip_reason=reason)


def render_followup(
    bot: BotContext, session: Session, followup: Followup, now: datetime, meetings_held: int | None = None
) -> Rendered:
    """What `followup` says to its recipient now, checking it is still relevant.

    Also applies the rules that are due at the same moment, in the caller's transaction: a meeting
    prompt first looks back at the pair's last prompts (three unanswered make the pair dormant), and a
    first-contact escalation tells the admins. `meetings_held`: the pair's count when the caller read it
    for a whole batch (the dispatcher); read here otherwise.
    """
    kind = FollowupKind(followup.kind)
    mentorship = followup.mentorship
    if followup.mentorship_id is not None:
        if mentorship is None or mentorship.student is None or mentorship.mentor is None:
            return _skip("the mentorship or one of its pair is gone")
        if kind in _NEEDS_ACTIVE and mentorship.status != MentorshipStatus.ACTIVE:
            return _skip(f"the mentorship is {mentorship.status}")
        if kind in _NEEDS_LIVE and mentorship.status not in LIVE_MENTORSHIP_STATUSES:
            return _skip("the mentorship has ended")
        if kind is FollowupKind.DORMANT_CHECK and mentorship.status != MentorshipStatus.DORMANT:
            return _skip("the pair is no longer dormant")
        if kind in _NEEDS_NO_FIRST_CONTACT and mentorship.first_contact_at is not None:
            return _skip("the first contact was made")
        renewed = mentorship.term_ends_at is not None and not followup.period.is_term_ending(
            mentorship.term_ends_at
        )
        if kind is FollowupKind.END_OF_TERM and renewed:
            return _skip("the term was renewed")
        if kind in _OF_BOOKING:
            booking = _booking_of(session, followup)
            if booking is None:
                return _skip("the meeting was moved or cancelled")
            if kind is FollowupKind.MEETING_REMINDER and booking.chosen_at and now >= booking.chosen_at:
                return _skip("the meeting has begun")
        if kind is FollowupKind.MEETING_PROMPT and _looks_back_and_turns_dormant(
            bot, session, mentorship, followup.period, now
        ):
            return _skip("three prompts in a row went unanswered: the pair is now dormant")
        if kind is FollowupKind.FIRST_MEETING_SURVEY:
            _plan_fit_check(session, followup, now)
        if kind is FollowupKind.ADMIN_LOW_RATING and _low_rating_of(session, followup) is None:
            return _skip("the rating is gone")
        if kind is FollowupKind.FIRST_CONTACT_ESCALATION:
            plan_admin_notices(
                bot,
                session,
                FollowupKind.ADMIN_NO_FIRST_CONTACT,
                team_id=mentorship.team_id,
                period=FollowupPeriod.of_mentorship(mentorship.id),
                now=now,
                mentorship_id=mentorship.id,
            )
    elif kind is FollowupKind.STUDENT_REMINDER:
        if not followup.recipient.wants_student_reminders:
            return _skip("the student stopped these reminders")
        if not never_asked(session, followup.recipient_id):
            return _skip("the student has asked for a mentor since")
    elif kind is FollowupKind.RECRUITING_INVITE and not still_invitable(session, followup.recipient_id):
        return _skip("the alumnus volunteered meanwhile, or is no longer an alumnus")
    elif kind in (FollowupKind.REQUEST_UNMATCHED, FollowupKind.ADMIN_REQUEST_UNMATCHED):
        request = session.get(MentoringRequest, followup.request_id) if followup.request_id else None
        if request is None or request.student is None:
            return _skip("the request is gone")
    # A post to the admins' channel speaks the school's language, not that of the admin who holds it.
    to_channel = followup.channel_id is not None and followup.sent_at is None
    locale = bot.config.default_locale if to_channel else member_locale(bot, followup.recipient)
    return Rendered(message=messages.followup_message(locale, content_of(session, followup, meetings_held)))


def _plan_fit_check(session: Session, survey: Followup, now: datetime) -> None:
    """ "Is this a good fit?" goes to the survey's recipient right after it, as its own message: each
    message takes one answer, once, and shows what was chosen, so the rating and the fit stay apart."""
    queries.plan_followups(
        session,
        [
            PlannedFollowup(
                team_id=survey.team_id,
                kind=FollowupKind.FIT_CHECK,
                recipient_id=survey.recipient_id,
                period=survey.period,
                due_at=now + FIT_CHECK_AFTER_SURVEY,
                mentorship_id=survey.mentorship_id,
            )
        ],
        now,
    )


def content_of(session: Session, followup: Followup, meetings_held: int | None = None) -> FollowupContent:
    """What the message of `followup` shows, read from the database; the same when it is sent and when it
    is shown again with its answer (times are counted from when it was due, not from now)."""
    kind = FollowupKind(followup.kind)
    settings = programme_settings(session, followup.team_id)
    cadences = Cadences(
        meeting_prompt_interval_days=settings.meeting_prompt_interval_days,
        mentorship_term_days=settings.mentorship_term_days,
        dormant_after_prompts=DORMANT_AFTER_UNANSWERED,
    )
    mentorship = followup.mentorship
    if kind is FollowupKind.WEEKLY_DIGEST:
        return FollowupContent(followup_id=followup.id, kind=kind, digest=_digest_of(session, followup))
    if mentorship is not None and mentorship.student is not None and mentorship.mentor is not None:
        shown_until = mentorship.ended_at or followup.due_at
        booking = _booking_of(session, followup) if kind in _OF_BOOKING else None
        if booking is None and kind in _OF_BOOKING:  # shown again after a move: the booking as it is
            booking_id = followup.period.step.removeprefix("b").partition(".")[0]
            booking = session.get(MeetingBooking, int(booking_id)) if booking_id.isdecimal() else None
        return FollowupContent(
            followup_id=followup.id,
            kind=kind,
            student_user_id=mentorship.student.slack_user_id,
            mentor_user_id=mentorship.mentor.slack_user_id,
            recipient_is_mentor=followup.recipient_id == mentorship.mentor_id,
            days=max(0, (followup.due_at - mentorship.started_at).days),
            meetings=queries.meetings_held(session, mentorship.id)
            if meetings_held is None
            else meetings_held,
            months=max(1, round((shown_until - mentorship.started_at).days / 30)),
            term_ends_at=mentorship.term_ends_at,
            is_reminder=followup.period.reminder > 0,
            mentorship_id=mentorship.id,
            meeting_at=booking.chosen_at if booking else None,
            meeting_mode=booking.mode if booking else None,
            meeting_link=booking.link if booking else None,
            cadences=cadences,
            alert=_alert_of(session, followup, mentorship) if kind in ADMIN_ALERT_KINDS else None,
            **(_impact_of(session, mentorship.mentor.id, followup) if kind in _IMPACT_KINDS else {}),
        )
    if kind in _IMPACT_KINDS:  # the school year's notes: about the recipient, or the mentor of the period
        mentor = (
            followup.recipient
            if kind is FollowupKind.MENTOR_YEAR_IMPACT
            else session.get(Member, mentor_of_period(followup.period) or 0)
        )
        return FollowupContent(
            followup_id=followup.id,
            kind=kind,
            mentor_user_id=mentor.slack_user_id if mentor is not None else None,
            **(_impact_of(session, mentor.id, followup) if mentor is not None else {}),
        )
    if kind is FollowupKind.STUDENT_REMINDER:
        topic_keys = [topic.key for topic in topics_of(settings)]
        # What is new since the last reminder: mentors who joined in the student's topics (those of
        # their latest request; a student who never asked has none, so all the school's topics), counted
        # up to when it was due, so the message reads the same when shown again with its answer.
        interval_days = max(1, settings.student_reminder_interval_days)
        own_topics = [key for key in topics_asked_by(session, followup.recipient_id) if key in topic_keys]
        topics = own_topics or topic_keys
        return FollowupContent(
            followup_id=followup.id,
            kind=kind,
            student_topics=tuple(topic for topic in topics_of(settings) if topic.key in own_topics),
            mentors_in_topics=mentors_covering(session, followup.team_id, own_topics) if own_topics else 0,
            mentors=mentors_covering(session, followup.team_id, topic_keys),
            days=interval_days,
            new_mentors=mentors_joined_between(
                session,
                followup.team_id,
                topics,
                followup.due_at - timedelta(days=interval_days),
                followup.due_at,
            ),
            cadences=cadences,
        )
    request = session.get(MentoringRequest, followup.request_id) if followup.request_id else None
    if request is not None and request.student is not None:
        return FollowupContent(
            followup_id=followup.id,
            kind=kind,
            student_user_id=request.student.slack_user_id,
            days=max(0, (followup.due_at - request.created_at).days),
            cadences=cadences,
            request_id=request.id,
            alert=feedback_messages.Alert(
                team_id=followup.team_id,
                since=request.created_at,
                student_user_id=request.student.slack_user_id,
            )
            if kind in ADMIN_ALERT_KINDS
            else None,
        )
    return FollowupContent(followup_id=followup.id, kind=kind, cadences=cadences)


def school_year_start(moment: datetime, end_month: int) -> datetime:
    """When the school year `moment` falls in began (UTC): the first day after its last month ends."""
    start_month = end_month % 12 + 1
    start = datetime(moment.year, start_month, 1, tzinfo=UTC)
    return start if start <= moment else start.replace(year=moment.year - 1)


_IMPACT_KINDS = (
    FollowupKind.MENTOR_THANKS,
    FollowupKind.MENTOR_YEAR_IMPACT,
    FollowupKind.ADMIN_MENTOR_TO_THANK,
)


def year_end_period(year_end: datetime, mentor_id: int | None = None) -> FollowupPeriod:
    """The school year that ended at `year_end`: `y20270701`, and `y20270701:n12` for admins' notice
    about mentor 12 (one a mentor a year, by the unique key)."""
    return FollowupPeriod(f"y{year_end:%Y%m%d}", f"n{mentor_id}" if mentor_id is not None else "")


def mentor_of_period(period: FollowupPeriod) -> int | None:
    step = period.step
    return int(step[1:]) if step[:1] == "n" and step[1:].isdecimal() else None


def _year_ended_at(period: FollowupPeriod) -> datetime | None:
    scope = period.scope
    if scope[:1] != "y" or not scope[1:].isdecimal() or len(scope) != 9:
        return None
    return datetime.strptime(scope[1:], "%Y%m%d").replace(tzinfo=UTC)


def _impact_of(session: Session, mentor_id: int, followup: Followup) -> dict:
    """The impact note's content: the mentor's school year (the one that ended, for a year's note; up to
    when the note was due, at a term's end), and the school's thank-you in each language."""
    settings = programme_settings(session, followup.team_id)
    year_end = _year_ended_at(followup.period)
    if year_end is not None:
        since, until = year_end.replace(year=year_end.year - 1), year_end
    else:
        since = school_year_start(followup.due_at, settings.school_year_end_month)
        until = followup.due_at + timedelta(seconds=1)
    impact = mentor_impact(session, mentor_id, since, until)
    return {
        "impact": ImpactFigures(impact.students, impact.meetings, impact.average_rating),
        "thanks": (("fr", settings.thanks_text_fr), ("en", settings.thanks_text_en)),
    }


def _low_rating_of(session: Session, followup: Followup) -> SurveyAnswer | None:
    step = followup.period.step
    answer = session.get(SurveyAnswer, int(step[1:])) if step[:1] == "s" and step[1:].isdecimal() else None
    return answer if answer is not None and answer.mentorship_id == followup.mentorship_id else None


def _alert_of(session: Session, followup: Followup, mentorship: Mentorship) -> feedback_messages.Alert:
    """Who, since when, the comment if any: what an admin needs to act on an alert about a pair."""
    assert mentorship.student is not None and mentorship.mentor is not None
    kind = FollowupKind(followup.kind)
    since = mentorship.started_at
    rating = _low_rating_of(session, followup) if kind is FollowupKind.ADMIN_LOW_RATING else None
    rater = None
    if kind is FollowupKind.ADMIN_DORMANT:
        step = followup.period.step
        since = dormant_day(step) or since
    elif rating is not None:
        since = rating.answered_at
        rater = session.get(Member, rating.member_id) if rating.member_id else None
    return feedback_messages.Alert(
        team_id=followup.team_id,
        since=since,
        student_user_id=mentorship.student.slack_user_id,
        mentor_user_id=mentorship.mentor.slack_user_id,
        mentorship_id=mentorship.id,
        live=mentorship.status in LIVE_MENTORSHIP_STATUSES,
        comment=rating.comment if rating is not None else None,
        rater_user_id=rater.slack_user_id if rater is not None else None,
        rating=rating.rating if rating is not None else None,
        survey=rating.survey if rating is not None else None,
    )


def dormant_day(step: str) -> datetime | None:
    """The day a pair turned dormant, from its alert's period step (`d2026-11-02`)."""
    try:
        return datetime.fromisoformat(step[1:]).replace(tzinfo=UTC) if step[:1] == "d" else None
    except ValueError:
        return None


def _digest_of(session: Session, followup: Followup) -> feedback_messages.Digest:
    """The week before the digest was due, counted up to then: it reads the same when shown again."""
    until = followup.due_at
    counts = week_counts(session, followup.team_id, until - DIGEST_WEEK, until)
    return feedback_messages.Digest(
        until=until,
        requests=counts.requests,
        matches=counts.matches,
        first_contacts=counts.first_contacts,
        meetings=counts.meetings,
        open_alerts=open_alert_count(session, followup.team_id),
    )


def _looks_back_and_turns_dormant(
    bot: BotContext, session: Session, mentorship: Mentorship, current_period: FollowupPeriod, now: datetime
) -> bool:
    """Count the pair's latest prompts in a row that neither of them answered; at three, the pair turns
    dormant, both are asked whether to go on, and the admins are told. Idempotent: the count is set,
    not incremented, and only the dispatcher that flips the status plans the questions. An answered
    "continue?" or end-of-term question starts the count again."""
    current = current_period.asked
    answered_by_prompt: dict[FollowupPeriod, bool] = {}
    rows = queries.prompt_rows(
        session,
        mentorship.id,
        (FollowupKind.MEETING_PROMPT, FollowupKind.DORMANT_CHECK, FollowupKind.END_OF_TERM),
    )
    for row in rows:
        prompt = row.period.asked
        is_prompt = row.kind == FollowupKind.MEETING_PROMPT
        if prompt == current or row.state not in (FollowupState.SENT, FollowupState.ANSWERED):
            continue
        if not is_prompt and row.state != FollowupState.ANSWERED:
            continue
        answered_by_prompt[prompt] = answered_by_prompt.get(prompt, False) or (
            row.state == FollowupState.ANSWERED
        )
    unanswered = 0
    for answered in reversed(list(answered_by_prompt.values())):
        if answered:
            break
        unanswered += 1
    mentorship.unanswered_prompts = unanswered
    if unanswered < DORMANT_AFTER_UNANSWERED:
        return False
    session.flush()
    if set_mentorship_status(
        session,
        mentorship.id,
        from_status=MentorshipStatus.ACTIVE,
        to_status=MentorshipStatus.DORMANT,
        unanswered_prompts=unanswered,
    ):
        logger.info("mentorship %s is dormant after %d unanswered prompts", mentorship.id, unanswered)
        period = FollowupPeriod.of_mentorship(mentorship.id, f"d{now.date().isoformat()}")
        queries.plan_followups(
            session,
            [
                PlannedFollowup(
                    team_id=mentorship.team_id,
                    kind=FollowupKind.DORMANT_CHECK,
                    recipient_id=recipient,
                    period=period,
                    due_at=now,
                    mentorship_id=mentorship.id,
                )
                for recipient in (mentorship.student_id, mentorship.mentor_id)
                if recipient is not None
            ],
            now,
        )
        plan_admin_notices(
            bot,
            session,
            FollowupKind.ADMIN_DORMANT,
            team_id=mentorship.team_id,
            period=period,
            now=now,
            mentorship_id=mentorship.id,
        )
    return True


# ------------------------------------------------------------------------------------------------------
# Answers


class Answer(enum.StrEnum):
    CONTACT_YES = "contact_yes"
    CONTACT_NOT_YET = "contact_not_yet"
    RELEASE = "release"
    RATE_1 = "rate_1"
    RATE_2 = "rate_2"
    RATE_3 = "rate_3"
    RATE_4 = "rate_4"
    RATE_5 = "rate_5"
    NOT_MET_YET = "not_met_yet"
    MET = "met"
    MET_VIDEO = "met_video"
    MET_IN_PERSON = "met_in_person"
    MET_PHONE = "met_phone"
    REMIND_NEXT_WEEK = "remind_next_week"
    CONTINUE = "continue"
    END = "end"
    RENEW = "renew"
    CLOSE = "close"
    STOP_REMINDERS = "stop_reminders"
    FIT_GOOD = "fit_good"
    FIT_UNDECIDED = "fit_undecided"
    FIT_NOT_GOOD = "fit_not_good"
    MEETING_HAPPENED = "meeting_happened"
    MEETING_MISSED = "meeting_missed"


ANSWER_OF_ACTION: dict[str, Answer] = {
    ids.FOLLOWUP_CONTACT_YES: Answer.CONTACT_YES,
    ids.FOLLOWUP_CONTACT_NOT_YET: Answer.CONTACT_NOT_YET,
    ids.FOLLOWUP_RELEASE_MATCH: Answer.RELEASE,
    ids.FOLLOWUP_RATE_1: Answer.RATE_1,
    ids.FOLLOWUP_RATE_2: Answer.RATE_2,
    ids.FOLLOWUP_RATE_3: Answer.RATE_3,
    ids.FOLLOWUP_RATE_4: Answer.RATE_4,
    ids.FOLLOWUP_RATE_5: Answer.RATE_5,
    ids.FOLLOWUP_NOT_MET_YET: Answer.NOT_MET_YET,
    ids.FOLLOWUP_MET: Answer.MET,
    ids.FOLLOWUP_MET_VIDEO: Answer.MET_VIDEO,
    ids.FOLLOWUP_MET_IN_PERSON: Answer.MET_IN_PERSON,
    ids.FOLLOWUP_MET_PHONE: Answer.MET_PHONE,
    ids.FOLLOWUP_REMIND_NEXT_WEEK: Answer.REMIND_NEXT_WEEK,
    ids.FOLLOWUP_CONTINUE: Answer.CONTINUE,
    ids.FOLLOWUP_RENEW: Answer.RENEW,
    ids.FOLLOWUP_CLOSE: Answer.CLOSE,
    ids.FOLLOWUP_STOP_REMINDERS: Answer.STOP_REMINDERS,
    ids.FOLLOWUP_FIT_GOOD: Answer.FIT_GOOD,
    ids.FOLLOWUP_FIT_UNDECIDED: Answer.FIT_UNDECIDED,
    ids.FOLLOWUP_FIT_NOT_GOOD: Answer.FIT_NOT_GOOD,
    ids.FOLLOWUP_MEETING_HAPPENED: Answer.MEETING_HAPPENED,
    ids.FOLLOWUP_MEETING_MISSED: Answer.MEETING_MISSED,
}
# Which answers each kind accepts: a button of one kind replayed on another changes nothing.
_ANSWERS_OF_KIND: dict[FollowupKind, set[Answer]] = {
    FollowupKind.FIRST_CONTACT_CHECK: {Answer.CONTACT_YES, Answer.CONTACT_NOT_YET},
    FollowupKind.FIRST_CONTACT_ESCALATION: {Answer.RELEASE},
    FollowupKind.FIRST_MEETING_SURVEY: {*(Answer(f"rate_{n}") for n in range(1, 6)), Answer.NOT_MET_YET},
    FollowupKind.CLOSING_SURVEY: {Answer(f"rate_{n}") for n in range(1, 6)},
    FollowupKind.MEETING_PROMPT: {
        Answer.MET,
        Answer.MET_VIDEO,
        Answer.MET_IN_PERSON,
        Answer.MET_PHONE,
        Answer.REMIND_NEXT_WEEK,
        Answer.END,
    },
    FollowupKind.DORMANT_CHECK: {Answer.CONTINUE, Answer.END},
    FollowupKind.END_OF_TERM: {Answer.RENEW, Answer.CLOSE},
    FollowupKind.STUDENT_REMINDER: {Answer.STOP_REMINDERS},
    FollowupKind.FIT_CHECK: {Answer.FIT_GOOD, Answer.FIT_UNDECIDED, Answer.FIT_NOT_GOOD},
    FollowupKind.MEETING_HAPPENED: {Answer.MEETING_HAPPENED, Answer.MEETING_MISSED},
}
# How a fit answer is stored (`fit_answers.fit`), for the admins.
_FIT_OF_ANSWER = {Answer.FIT_GOOD: "good", Answer.FIT_UNDECIDED: "undecided", Answer.FIT_NOT_GOOD: "not_good"}
_HOW_MET = {
    Answer.MET: None,
    Answer.MET_VIDEO: "video",
    Answer.MET_IN_PERSON: "in_person",
    Answer.MET_PHONE: "phone",
}
_SURVEY_OF_KIND = {FollowupKind.FIRST_MEETING_SURVEY: "first_meeting", FollowupKind.CLOSING_SURVEY: "closing"}


@dataclass(frozen=True)
class _Taken:
    followup_id: int
    kind: FollowupKind
    mentorship_id: int | None
    updated: Message


def answer_followup(bot: BotContext, person: Person, action_id: str, followup_id: int) -> Outcome:
    """A follow-up's button was clicked: take the answer once, apply it, re-plan, show what was chosen.
    A rating opens the optional comment's modal; releasing or closing ends the mentorship."""
    answer = ANSWER_OF_ACTION.get(action_id)
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        taken = _take_answer(bot, session, person, followup_id, answer, now)
        if isinstance(taken, Message):
            return reply(taken)
        assert answer is not None
        _apply_answer(bot, session, person, taken, answer, now)
    outcome = Outcome(reply=taken.updated, replace_original=True)
    if answer in (Answer.RELEASE, Answer.CLOSE) and taken.mentorship_id is not None:
        outcome += _end_for(bot, person, taken.mentorship_id, answer, now)
    if answer is Answer.FIT_NOT_GOOD and taken.mentorship_id is not None:
        outcome += end_for_poor_fit(bot, person, taken.mentorship_id, now)
    if answer.value.startswith("rate_"):
        outcome += Outcome(modal=messages.comment_modal(person.locale, followup_id))
    return outcome


def _take_answer(
    bot: BotContext, session: Session, person: Person, followup_id: int, answer: Answer | None, now: datetime
) -> _Taken | Message:
    followup = session.get(Followup, followup_id)
    if followup is None or followup.recipient_id != person.member_id or answer is None:
        logger.warning(
            "refused an answer to follow-up %s by member %s: not theirs", followup_id, person.member_id
        )
        return messages.refusal(person.locale, "common.not_for_you")
    kind = FollowupKind(followup.kind)
    if answer not in _ANSWERS_OF_KIND.get(kind, set()):
        logger.warning("refused answer %s to follow-up %s: not one of its buttons", answer, followup_id)
        return messages.refusal(person.locale, "common.not_for_you")
    if not queries.mark_answered(session, followup_id, person.member_id, answer, now):
        return messages.refusal(person.locale, "common.already_done")
    session.refresh(followup)
    shown = messages.followup_message(person.locale, content_of(session, followup))
    return _Taken(
        followup_id=followup.id,
        kind=kind,
        mentorship_id=followup.mentorship_id,
        updated=messages.answered(person.locale, shown, answer),
    )


def _apply_answer(
    bot: BotContext, session: Session, person: Person, taken: _Taken, answer: Answer, now: datetime
) -> None:
    mentorship = session.get(Mentorship, taken.mentorship_id) if taken.mentorship_id else None
    if answer is Answer.CONTACT_YES and mentorship is not None and mentorship.student_id is not None:
        claim_first_contact(session, mentorship.id, mentorship.student_id, now)
    elif answer.value.startswith("rate_") or answer is Answer.NOT_MET_YET:
        assert mentorship is not None
        record_survey_answer(
            session,
            team_id=mentorship.team_id,
            mentorship_id=mentorship.id,
            member_id=person.member_id,
            survey=_SURVEY_OF_KIND[taken.kind],
            rating=int(answer.value.removeprefix("rate_")) if answer.value.startswith("rate_") else None,
            not_met_yet=answer is Answer.NOT_MET_YET,
            answered_at=now,
        )
        if answer.value.startswith("rate_") and int(answer.value.removeprefix("rate_")) in LOW_RATINGS:
            plan_low_rating_alert(
                bot, session, mentorship, person.member_id, _SURVEY_OF_KIND[taken.kind], now
            )
    elif answer is Answer.MEETING_HAPPENED and mentorship is not None:
        _log_booked_meeting(session, person, mentorship, taken.followup_id, now)
    elif answer in _HOW_MET and mentorship is not None:
        followup = session.get(Followup, taken.followup_id)
        assert followup is not None
        record_meeting(
            session,
            team_id=mentorship.team_id,
            mentorship_id=mentorship.id,
            period=str(followup.period.asked),
            met_at=now,
            how=_HOW_MET[answer],
            reported_by_id=person.member_id,
        )
        mentorship.unanswered_prompts = 0
        set_mentorship_status(
            session, mentorship.id, from_status=MentorshipStatus.DORMANT, to_status=MentorshipStatus.ACTIVE
        )
    elif answer is Answer.REMIND_NEXT_WEEK:
        followup = session.get(Followup, taken.followup_id)
        assert followup is not None
        queries.plan_followups(
            session,
            [
                PlannedFollowup(
                    team_id=followup.team_id,
                    kind=FollowupKind.MEETING_PROMPT,
                    recipient_id=person.member_id,
                    period=followup.period.reminded(),
                    due_at=now + REMIND_AGAIN_AFTER,
                    mentorship_id=followup.mentorship_id,
                )
            ],
            now,
        )
    elif answer is Answer.CONTINUE and mentorship is not None:
        set_mentorship_status(
            session, mentorship.id, from_status=MentorshipStatus.DORMANT, to_status=MentorshipStatus.ACTIVE
        )
    elif answer is Answer.RENEW and _asks_about_current_term(session, taken.followup_id, mentorship):
        assert mentorship is not None and mentorship.term_ends_at is not None
        settings = programme_settings(session, mentorship.team_id)
        old_end = mentorship.term_ends_at
        new_end = old_end + timedelta(days=settings.mentorship_term_days)
        if extend_term(session, mentorship.id, from_end=old_end, to_end=new_end):
            session.refresh(mentorship)
            planned = term_followups(mentorship, settings, after=now, term_end=new_end)
            queries.plan_followups(session, planned, now)
    elif answer is Answer.STOP_REMINDERS:
        member = session.get(Member, person.member_id)
        assert member is not None
        member.wants_student_reminders = False
    elif answer in _FIT_OF_ANSWER and mentorship is not None:
        record_fit_answer(
            session,
            team_id=mentorship.team_id,
            mentorship_id=mentorship.id,
            member_id=person.member_id,
            fit=_FIT_OF_ANSWER[answer],
            answered_at=now,
        )


def _log_booked_meeting(
    session: Session, person: Person, mentorship: Mentorship, followup_id: int, now: datetime
) -> None:
    """ "Yes, it happened": the first contact (if not yet) and the meeting, once for the pair (the other's
    "yes" adds nothing), by the booking's mode and at its time."""
    followup = session.get(Followup, followup_id)
    assert followup is not None
    booking_id = followup.period.step.removeprefix("b").partition(".")[0]
    booking = session.get(MeetingBooking, int(booking_id)) if booking_id.isdecimal() else None
    met_at = booking.chosen_at if booking is not None and booking.chosen_at else now
    if mentorship.student_id is not None:
        claim_first_contact(session, mentorship.id, mentorship.student_id, met_at)
    record_meeting(
        session,
        team_id=mentorship.team_id,
        mentorship_id=mentorship.id,
        period=str(followup.period.asked),
        met_at=met_at,
        how=booking.mode if booking is not None else None,
        reported_by_id=person.member_id,
    )
    mentorship.unanswered_prompts = 0
    set_mentorship_status(
        session, mentorship.id, from_status=MentorshipStatus.DORMANT, to_status=MentorshipStatus.ACTIVE
    )


def _asks_about_current_term(session: Session, followup_id: int, mentorship: Mentorship | None) -> bool:
    """Whether an end-of-term question is about the term in force: once one of the pair renewed, the
    other's question (about the old term) renews nothing more."""
    followup = session.get(Followup, followup_id)
    return (
        followup is not None
        and mentorship is not None
        and mentorship.term_ends_at is not None
        and followup.period.is_term_ending(mentorship.term_ends_at)
    )


def _end_for(bot: BotContext, person: Person, mentorship_id: int, answer: Answer, now: datetime) -> Outcome:
    """Release a match without first contact, or close at the end of term, through the same function as
    the End button; closing then asks both for a closing survey and thanks the mentor."""
    reason_key = "followups.release_reason" if answer is Answer.RELEASE else "followups.close_reason"
    ended, outcome = ended_mentorship(bot, person, mentorship_id, t(person.locale, reason_key))
    if ended is EndOutcome.ENDED and answer is Answer.CLOSE:
        plan_closing_followups(bot, mentorship_id, now)
    return outcome


def plan_closing_followups(bot: BotContext, mentorship_id: int, now: datetime) -> None:
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        if mentorship is None or mentorship.student_id is None or mentorship.mentor_id is None:
            return
        queries.plan_followups(
            session,
            _closing_rows(
                mentorship,
                now,
                (
                    (FollowupKind.CLOSING_SURVEY, mentorship.student_id),
                    (FollowupKind.CLOSING_SURVEY, mentorship.mentor_id),
                    (FollowupKind.MENTOR_THANKS, mentorship.mentor_id),
                ),
            ),
            now,
        )
        _plan_mentor_to_thank(bot, session, mentorship, now)


def _plan_mentor_to_thank(bot: BotContext, session: Session, mentorship: Mentorship, now: datetime) -> None:
    """With a term's impact note, the admins hear of the mentor to thank (and may ask to share a kudos)."""
    if mentorship.mentor_id is None:
        return
    plan_admin_notices(
        bot,
        session,
        FollowupKind.ADMIN_MENTOR_TO_THANK,
        team_id=mentorship.team_id,
        period=FollowupPeriod.of_mentorship(mentorship.id),
        now=now,
        mentorship_id=mentorship.id,
    )


def _closing_rows(
    mentorship: Mentorship, now: datetime, sent: tuple[tuple[FollowupKind, int], ...]
) -> list[PlannedFollowup]:
    """What a closed mentorship sends, once (the mentorship's own period), due now."""
    period = FollowupPeriod.of_mentorship(mentorship.id)
    return [
        PlannedFollowup(
            team_id=mentorship.team_id,
            kind=kind,
            recipient_id=recipient,
            period=period,
            due_at=now,
            mentorship_id=mentorship.id,
        )
        for kind, recipient in sent
    ]


# ------------------------------------------------------------------------------------------------------
# Not a good fit


def end_for_poor_fit(bot: BotContext, person: Person, mentorship_id: int, now: datetime) -> Outcome:
    """One of the pair answered "not a good fit": end the mentorship through the same function as the End
    button (it frees the mentor's place and offers the team's waiting requests), never match this student
    with this mentor again, tell the admins, and tell both kindly — neither learns who said it."""
    ended, outcome = ended_mentorship(bot, person, mentorship_id, NOT_A_GOOD_FIT_REASON)
    if ended is not EndOutcome.ENDED:
        return Outcome()
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        assert mentorship is not None
        student, mentor = mentorship.student, mentorship.mentor
        if student is not None and mentor is not None:
            exclude_match(
                session,
                team_id=mentorship.team_id,
                student_id=student.id,
                mentor_id=mentor.id,
                mentorship_id=mentorship.id,
                now=now,
            )
        plan_admin_notices(
            bot,
            session,
            FollowupKind.ADMIN_NOT_A_GOOD_FIT,
            team_id=mentorship.team_id,
            period=FollowupPeriod.of_mentorship(mentorship.id),
            now=now,
            mentorship_id=mentorship.id,
        )
        pair = [(person_of(bot, member), member is student) for member in (student, mentor) if member]
    about = tuple(someone.member_id for someone, _ in pair)
    notices = []
    for someone, is_student in pair:
        partner = next((other.user_id for other, _ in pair if other.member_id != someone.member_id), None)
        notices.append(
            Notice(
                someone.user_id,
                messages.not_a_good_fit_ended(someone.locale, partner, recipient_is_student=is_student),
                NoticeKind.MENTORSHIP_ENDED,
                someone.member_id,
                about,
            )
        )
    logger.info("mentorship %s ended: not a good fit", mentorship_id)
    return dataclasses.replace(outcome, notices=tuple(notices))


# ------------------------------------------------------------------------------------------------------
# Silent pairs close themselves (a sweep of the dispatcher)


def close_silent_mentorships(bot: BotContext, team_id: str, now: datetime) -> Outcome:
    """No mentor's place stays taken by a pair that is gone: a term that ended `SILENT_TERM_GRACE` ago
    with neither of the pair renewing or closing, and a dormant pair whose next
    `DORMANT_CLOSE_AFTER_PROMPTS` prompts fell due without a word, close themselves.

    Each close is a conditional UPDATE (so two processes sweeping at once close a pair once); it frees the
    mentor's place, tells both (quiet hours respected: follow-ups due now), thanks the mentor, and keeps
    the mentorship, its meetings and its surveys for the programme's numbers.
    """
    closed: list[int] = []
    pairs: list[Person] = []
    with bot.sessions.begin() as session:
        cutoff = now - SILENT_TERM_GRACE
        candidates: list[tuple[int, str, dict]] = [
            (mentorship_id, TERM_ENDED_WITHOUT_ANSWER_REASON, {"term_ended_before": cutoff})
            for mentorship_id in terms_ended_before(session, team_id, cutoff, SILENT_CLOSINGS_PER_PASS)
        ]
        for mentorship_id, since in dormant_since(session, team_id, SILENT_CLOSINGS_PER_PASS):
            if prompts_due_between(session, mentorship_id, since, now) >= DORMANT_CLOSE_AFTER_PROMPTS:
                candidates.append((mentorship_id, DORMANT_WITHOUT_ANSWER_REASON, {"dormant": True}))
        for mentorship_id, reason, condition in candidates:
            if mentorship_id in closed or not claim_closing_without_answer(
                session, mentorship_id, now, reason, **condition
            ):
                continue
            closed.append(mentorship_id)
            mentorship = session.get(Mentorship, mentorship_id)
            assert mentorship is not None
            logger.info("mentorship %s closed by itself: %s", mentorship_id, reason)
            if mentorship.mentor_id is not None:
                release_mentor_place(session, mentorship.mentor_id)
            sent = [(FollowupKind.CLOSED_WITHOUT_ANSWER, someone) for someone in _pair_ids(mentorship)]
            if mentorship.mentor_id is not None:
                sent.append((FollowupKind.MENTOR_THANKS, mentorship.mentor_id))
            queries.plan_followups(session, _closing_rows(mentorship, now, tuple(sent)), now)
            _plan_mentor_to_thank(bot, session, mentorship, now)
            pairs += [person_of(bot, member) for member in (mentorship.student, mentorship.mentor) if member]
    return Outcome(homes=tuple(dict.fromkeys(pairs)), reoffer_team=team_id if closed else None)


def _pair_ids(mentorship: Mentorship) -> list[int]:
    return [member_id for member_id in (mentorship.student_id, mentorship.mentor_id) if member_id is not None]


def end_modal_for_followup(bot: BotContext, person: Person, followup_id: int) -> Outcome:
    """The "End our mentorship" modal of a prompt, or a refusal; database only, to beat the trigger's 3 s."""
    with bot.sessions.begin() as session:
        followup = session.get(Followup, followup_id)
        if followup is None or followup.recipient_id != person.member_id:
            return reply(messages.refusal(person.locale, "common.not_for_you"))
        mentorship = followup.mentorship
        if (
            followup.state != FollowupState.SENT
            or mentorship is None
            or mentorship.status not in LIVE_MENTORSHIP_STATUSES
        ):
            return reply(messages.refusal(person.locale, "common.already_done"))
    return Outcome(modal=messages.end_modal(person.locale, followup_id))


def end_from_followup(bot: BotContext, person: Person, followup_id: int, reason: str | None) -> Outcome:
    """The prompt's end modal was submitted: take the answer once, update the prompt, end the mentorship
    (which tells the other side and offers the student a new request). A refusal when nothing changed."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        taken = _take_answer(bot, session, person, followup_id, Answer.END, now)
        if isinstance(taken, Message):
            return reply(taken)
        followup = session.get(Followup, followup_id)
        assert followup is not None and taken.mentorship_id is not None
        channel, ts = followup.channel_id, followup.message_ts
    prompt_updated = Outcome(updates=(Update(channel, ts, taken.updated),) if channel and ts else ())
    return prompt_updated + end_mentorship(bot, person, taken.mentorship_id, reason)


def save_survey_comment(bot: BotContext, person: Person, followup_id: int, comment: str | None) -> Outcome:
    """The optional comment after a rating, kept with that person's answer to that survey."""
    comment = (comment or "").strip()[:COMMENT_MAX_LENGTH]
    if not comment:
        return Outcome()
    with bot.sessions.begin() as session:
        followup = session.get(Followup, followup_id)
        if followup is None or followup.recipient_id != person.member_id or followup.mentorship_id is None:
            logger.warning("refused a survey comment for follow-up %s: not the recipient's", followup_id)
            return Outcome()
        survey = _SURVEY_OF_KIND.get(FollowupKind(followup.kind))
        answer = session.scalar(
            select(SurveyAnswer).where(
                SurveyAnswer.mentorship_id == followup.mentorship_id,
                SurveyAnswer.member_id == person.member_id,
                SurveyAnswer.survey == survey,
            )
        )
        if answer is not None:
            answer.comment = comment
    return Outcome()


# ------------------------------------------------------------------------------------------------------
# The Home: the next follow-up, and a snooze


def next_followup_section(bot: BotContext, session: Session, person: Person) -> list[AnyBlock]:
    """The Home's "next follow-up" section (`bot.home.HOME_SECTIONS`); empty when nothing is planned."""
    followup = queries.next_followup_of(session, person.member_id)
    if followup is None:
        return []
    return messages.next_followup_blocks(
        person.locale, followup.id, FollowupKind(followup.kind), followup.due_at
    )


def snooze_followup(bot: BotContext, person: Person, followup_id: int) -> Outcome:
    """Move the person's next follow-up a week later (their own, still unsent); their Home shows it."""
    with bot.sessions.begin() as session:
        followup = session.get(Followup, followup_id)
        if followup is not None:
            queries.snooze_next_followup(session, followup_id, person.member_id, followup.due_at + SNOOZE)
    return Outcome(homes=(person,))
