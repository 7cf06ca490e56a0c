"""What people wrote for the programme's admins, the admins' alerts still open, a pair's history and the
weekly digest's counts.

People's words live where they were written (survey comments, offer decline reasons, end reasons); the
feedback view reads the three as one list, latest first, so erasure and retention keep covering them
with the rules they already have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased

from storage.models import (
    LIVE_MENTORSHIP_STATUSES,
    FitAnswer,
    Followup,
    FollowupKind,
    Meeting,
    Member,
    MentoringRequest,
    Mentorship,
    Offer,
    SurveyAnswer,
)

# The admins' alerts about a pair: one is "still open" while its pair is live.
PAIR_ALERT_KINDS = (
    FollowupKind.ADMIN_LOW_RATING,
    FollowupKind.ADMIN_NO_FIRST_CONTACT,
    FollowupKind.ADMIN_DORMANT,
)


@dataclass(frozen=True)
class FeedbackItem:
    """One thing a person wrote: a survey comment (with its rating), a decline reason or an end reason."""

    kind: str  # comment, decline, end
    at: datetime
    author_user_id: str | None
    about_user_id: str | None
    rating: int | None
    text: str


def _feedback_union(team_id: str, since: datetime | None) -> Select:
    author, about = aliased(Member), aliased(Member)
    comments = (
        select(
            literal("comment").label("kind"),
            SurveyAnswer.answered_at.label("at"),
            author.slack_user_id.label("author"),
            about.slack_user_id.label("about"),
            SurveyAnswer.rating.label("rating"),
            SurveyAnswer.comment.label("text"),
            SurveyAnswer.id.label("row_id"),
        )
        .join(Mentorship, Mentorship.id == SurveyAnswer.mentorship_id)
        .outerjoin(author, author.id == SurveyAnswer.member_id)
        .outerjoin(
            about,
            about.id
            == func.coalesce(
                func.nullif(Mentorship.student_id, SurveyAnswer.member_id),
                Mentorship.mentor_id,
            ),
        )
        .where(SurveyAnswer.team_id == team_id, SurveyAnswer.comment.is_not(None))
    )
    mentor, student = aliased(Member), aliased(Member)
    declines = (
        select(
            literal("decline").label("kind"),
            func.coalesce(Offer.answered_at, Offer.offered_at).label("at"),
            mentor.slack_user_id.label("author"),
            student.slack_user_id.label("about"),
            null().label("rating"),
            Offer.decline_reason.label("text"),
            Offer.id.label("row_id"),
        )
        .join(MentoringRequest, MentoringRequest.id == Offer.request_id)
        .outerjoin(mentor, mentor.id == Offer.mentor_id)
        .outerjoin(student, student.id == MentoringRequest.student_id)
        .where(Offer.team_id == team_id, Offer.decline_reason.is_not(None))
    )
    ender, other = aliased(Member), aliased(Member)
    ends = (
        select(
            literal("end").label("kind"),
            Mentorship.ended_at.label("at"),
            ender.slack_user_id.label("author"),
            other.slack_user_id.label("about"),
            null().label("rating"),
            Mentorship.end_reason.label("text"),
            Mentorship.id.label("row_id"),
        )
        .outerjoin(ender, ender.id == Mentorship.ended_by_id)
        .outerjoin(
            other,
            other.id
            == func.coalesce(
                func.nullif(Mentorship.student_id, Mentorship.ended_by_id), Mentorship.mentor_id
            ),
        )
        .where(
            Mentorship.team_id == team_id,
            Mentorship.end_reason.is_not(None),
            Mentorship.ended_at.is_not(None),
        )
    )
    if since is not None:
        comments = comments.where(SurveyAnswer.answered_at >= since)
        declines = declines.where(func.coalesce(Offer.answered_at, Offer.offered_at) >= since)
        ends = ends.where(Mentorship.ended_at >= since)
    return union_all(comments, declines, ends).subquery()  # type: ignore[return-value]


def feedback_items(
    session: Session, team_id: str, since: datetime | None, *, offset: int = 0, limit: int | None = None
) -> list[FeedbackItem]:
    """What people wrote in the period, latest first; `limit` rows from `offset` (all when None)."""
    union = _feedback_union(team_id, since)
    query = select(union).order_by(union.c.at.desc(), union.c.kind, union.c.row_id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [
        FeedbackItem(
            row.kind, row.at if row.at.tzinfo else _utc(row.at), row.author, row.about, row.rating, row.text
        )
        for row in session.execute(query)
    ]


def _utc(moment: datetime) -> datetime:
    """A union's column can come back naive on SQLite (its type is the first select's): read it as UTC."""
    return moment.replace(tzinfo=UTC)


def open_alert_count(session: Session, team_id: str) -> int:
    """Pairs an admin was alerted about (a low rating, no first contact, dormant) that are still live."""
    return (
        session.scalar(
            select(func.count(func.distinct(Followup.mentorship_id)))
            .join(Mentorship, Mentorship.id == Followup.mentorship_id)
            .where(
                Followup.team_id == team_id,
                Followup.kind.in_([kind.value for kind in PAIR_ALERT_KINDS]),
                Mentorship.status.in_([status.value for status in LIVE_MENTORSHIP_STATUSES]),
            )
        )
        or 0
    )


@dataclass(frozen=True)
class WeekCounts:
    requests: int
    matches: int
    first_contacts: int
    meetings: int


def week_counts(session: Session, team_id: str, since: datetime, until: datetime) -> WeekCounts:
    """The digest's flows over [since, until): requests made, matches, first contacts, meetings logged."""

    def count(query: Select) -> int:
        return session.scalar(query) or 0

    return WeekCounts(
        requests=count(
            select(func.count(MentoringRequest.id)).where(
                MentoringRequest.team_id == team_id,
                MentoringRequest.created_at >= since,
                MentoringRequest.created_at < until,
            )
        ),
        matches=count(
            select(func.count(Mentorship.id)).where(
                Mentorship.team_id == team_id, Mentorship.started_at >= since, Mentorship.started_at < until
            )
        ),
        first_contacts=count(
            select(func.count(Mentorship.id)).where(
                Mentorship.team_id == team_id,
                Mentorship.first_contact_at >= since,
                Mentorship.first_contact_at < until,
            )
        ),
        meetings=count(
            select(func.count(Meeting.id)).where(
                Meeting.team_id == team_id, Meeting.met_at >= since, Meeting.met_at < until
            )
        ),
    )


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    what: str  # a follow-up kind, "survey", "fit", "meeting", "started", "ended"
    user_id: str | None  # whom it was for, or who answered
    detail: str | None  # the answer, the rating, how they met, the end reason


def pair_history(session: Session, mentorship: Mentorship, limit: int) -> list[HistoryLine]:
    """The pair's follow-ups (sent, with their answers), survey and fit answers, and meetings, oldest first;
    the latest `limit` of them."""
    lines = [HistoryLine(mentorship.started_at, "started", None, None)]
    who = aliased(Member)
    for followup, user_id in session.execute(
        select(Followup, who.slack_user_id)
        .join(who, who.id == Followup.recipient_id)
        .where(Followup.mentorship_id == mentorship.id, Followup.sent_at.is_not(None))
    ):
        lines.append(HistoryLine(followup.sent_at, followup.kind, user_id, followup.answer))
    for answer, user_id in session.execute(
        select(SurveyAnswer, who.slack_user_id)
        .outerjoin(who, who.id == SurveyAnswer.member_id)
        .where(SurveyAnswer.mentorship_id == mentorship.id)
    ):
        detail = "not_met_yet" if answer.not_met_yet else str(answer.rating)
        lines.append(HistoryLine(answer.answered_at, f"survey_{answer.survey}", user_id, detail))
    for fit, user_id in session.execute(
        select(FitAnswer, who.slack_user_id)
        .outerjoin(who, who.id == FitAnswer.member_id)
        .where(FitAnswer.mentorship_id == mentorship.id)
    ):
        lines.append(HistoryLine(fit.answered_at, "fit", user_id, fit.fit))
    for meeting, user_id in session.execute(
        select(Meeting, who.slack_user_id)
        .outerjoin(who, who.id == Meeting.reported_by_id)
        .where(Meeting.mentorship_id == mentorship.id)
    ):
        lines.append(HistoryLine(meeting.met_at, "meeting", user_id, meeting.how))
    if mentorship.ended_at is not None:
        ender = session.get(Member, mentorship.ended_by_id) if mentorship.ended_by_id else None
        lines.append(
            HistoryLine(
                mentorship.ended_at, "ended", ender.slack_user_id if ender else None, mentorship.end_reason
            )
        )
    lines.sort(key=lambda line: line.at)
    return lines[-limit:]


def survey_answer_id(session: Session, mentorship_id: int, member_id: int, survey: str) -> int | None:
    return session.scalar(
        select(SurveyAnswer.id).where(
            SurveyAnswer.mentorship_id == mentorship_id,
            SurveyAnswer.member_id == member_id,
            SurveyAnswer.survey == survey,
        )
    )
