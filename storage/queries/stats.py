"""The programme's figures, computed by the database: counts, sums and a median, never rows in Python.

Every query is filtered by `team_id` first and, for flow figures, by `since` (None means "since the
start"). They are written once for SQLite and PostgreSQL; the three places where the two dialects
differ (seconds since the epoch, the month of a timestamp, joining strings) are small SQL constructs
compiled per dialect below.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, String, and_, exists, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from storage.models import Followup as FollowupRow
from storage.models import (
    FollowupState,
    Meeting,
    Member,
    MentoringRequest,
    MentorProfile,
    MentorshipStatus,
    MentorTopic,
    Offer,
    OfferStatus,
    RequestStatus,
    RequestTopic,
    Role,
    SurveyAnswer,
)
from storage.models import Mentorship as MentorshipRow

FIRST_MEETING_SURVEY = "first_meeting"  # SurveyAnswer.survey
# The kind of the follow-up that asks it (storage.models.FollowupKind.FIRST_MEETING_SURVEY; a test checks).
FIRST_MEETING_SURVEY_KIND = "first_meeting_survey"
CLOSING_SURVEY = "closing"


# ---------------------------------------------------------------------------------------------------
# Dialect differences


class epoch_seconds(FunctionElement[float]):
    """Seconds since 1970 of a UTC timestamp column, as a float, on both databases."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # Timestamps are stored as UTC text ('2026-09-07 08:00:00.000000'), which julianday() reads.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds)
def _epoch_seconds_default(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


class joined_strings(FunctionElement[str]):
    """An aggregate joining the group's strings with ';' (order not guaranteed)."""

    type = String()
    inherit_cache = True


@compiles(joined_strings, "sqlite")
def _joined_strings_sqlite(element: joined_strings, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ';')"


@compiles(joined_strings)
def _joined_strings_default(element: joined_strings, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ';')"


def _since(column: Any, since: datetime | None) -> ColumnElement[bool]:
    return column >= since if since is not None else literal(True)


# ---------------------------------------------------------------------------------------------------
# Supply


@dataclass(frozen=True)
class MemberCounts:
    alumni: int
    students: int
    students_never_asked: int  # students (now) with no request ever
    inactive: int


def member_counts(session: Session, team_id: str) -> MemberCounts:
    """Alumni and students (index-only on `ix_members_team_role`), students who never asked, and members
    Slack told us are gone."""
    by_role = dict(
        session.execute(
            select(Member.role, func.count()).where(Member.team_id == team_id).group_by(Member.role)
        ).all()
    )
    students = by_role.get(Role.STUDENT, 0)
    # Students minus the students who asked: a join on the members' primary key. (A NOT EXISTS per
    # student went quadratic on SQLite; a NOT IN or an anti-join in the count by role, and counts with
    # FILTER instead of the covering index, were measured slower on both databases at 100,000 members.)
    asked = session.scalar(
        select(func.count(func.distinct(MentoringRequest.student_id)))
        .join(Member, Member.id == MentoringRequest.student_id)
        .where(MentoringRequest.team_id == team_id, Member.role == Role.STUDENT)
    )
    inactive = session.scalar(
        select(func.count()).where(Member.team_id == team_id, Member.inactive_since.is_not(None))
    )
    return MemberCounts(
        alumni=by_role.get(Role.ALUMNUS, 0),
        students=students,
        students_never_asked=students - (asked or 0),
        inactive=inactive or 0,
    )


@dataclass(frozen=True)
class MentorCounts:
    mentors: int
    paused: int
    free_places: int


def _available_mentor() -> ColumnElement[bool]:
    return and_(
        MentorProfile.paused.is_(False),
        MentorProfile.active_mentee_count < MentorProfile.capacity,
        Member.inactive_since.is_(None),
    )


def _inactive_member_ids(team_id: str) -> Any:
    """The ids of the school's members Slack told us are gone: a few rows, read once through the
    partial index `ix_members_team_inactive` (cheaper than joining every profile to its member)."""
    return select(Member.id).where(Member.team_id == team_id, Member.inactive_since.is_not(None))


def mentor_counts(session: Session, team_id: str) -> MentorCounts:
    """Volunteer mentors, paused ones, and free places: spare capacity of mentors who can take a mentee."""
    spare = MentorProfile.capacity - MentorProfile.active_mentee_count
    available = and_(
        MentorProfile.paused.is_(False),
        MentorProfile.active_mentee_count < MentorProfile.capacity,
        MentorProfile.member_id.not_in(_inactive_member_ids(team_id)),
    )
    row = session.execute(
        select(
            func.count(),
            func.count().filter(MentorProfile.paused.is_(True)),
            func.coalesce(func.sum(spare).filter(available), 0),
        )
        .select_from(MentorProfile)
        .where(MentorProfile.team_id == team_id)
    ).one()
    return MentorCounts(mentors=row[0], paused=row[1], free_places=int(row[2]))


# ---------------------------------------------------------------------------------------------------
# Demand


@dataclass(frozen=True)
class RequestCounts:
    requests: int  # made in the period
    open: int  # open now
    waiting: int  # open now with no offer pending: no mentor available for them yet
    expired: int  # closed in the period without a mentor: unmatched for too long


def request_counts(session: Session, team_id: str, since: datetime | None) -> RequestCounts:
    made = session.scalar(
        select(func.count())
        .select_from(MentoringRequest)
        .where(MentoringRequest.team_id == team_id, _since(MentoringRequest.created_at, since))
    )
    pending_offer = exists().where(
        Offer.request_id == MentoringRequest.id, Offer.status == OfferStatus.PENDING
    )
    open_row = session.execute(
        select(func.count(), func.count().filter(~pending_offer))
        .select_from(MentoringRequest)
        .where(MentoringRequest.team_id == team_id, MentoringRequest.status == RequestStatus.OPEN)
    ).one()
    expired = session.scalar(
        select(func.count())
        .select_from(MentoringRequest)
        .where(
            MentoringRequest.team_id == team_id,
            MentoringRequest.status == RequestStatus.EXPIRED,
            _since(MentoringRequest.closed_at, since),
        )
    )
    return RequestCounts(requests=made or 0, open=open_row[0], waiting=open_row[1], expired=expired or 0)


def matched_requests(session: Session, team_id: str, since: datetime | None) -> tuple[int, timedelta | None]:
    """Requests matched in the period, and the median time from request to match.

    The median is read in SQL: count, then ORDER BY the durations and OFFSET to the middle one (or the
    middle two, averaged), so no more than two durations leave the database.
    """
    where = (
        MentoringRequest.team_id == team_id,
        MentoringRequest.matched_at.is_not(None),
        _since(MentoringRequest.matched_at, since),
    )
    count = session.scalar(select(func.count()).select_from(MentoringRequest).where(*where)) or 0
    if count == 0:
        return 0, None
    seconds = epoch_seconds(MentoringRequest.matched_at) - epoch_seconds(MentoringRequest.created_at)
    middle = session.scalars(
        select(seconds).where(*where).order_by(seconds).offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return count, timedelta(seconds=round(sum(middle) / len(middle)))


@dataclass(frozen=True)
class OfferCounts:
    declined: int
    expired: int


def offer_counts(session: Session, team_id: str, since: datetime | None) -> OfferCounts:
    """Offers made in the period that mentors declined or let expire (`ix_offers_status_offered_at`)."""
    by_status = dict(
        session.execute(
            select(Offer.status, func.count())
            .where(
                Offer.status.in_([OfferStatus.DECLINED, OfferStatus.EXPIRED]),
                _since(Offer.offered_at, since),
                Offer.team_id == team_id,
            )
            .group_by(Offer.status)
        ).all()
    )
    return OfferCounts(
        declined=by_status.get(OfferStatus.DECLINED, 0), expired=by_status.get(OfferStatus.EXPIRED, 0)
    )


# ---------------------------------------------------------------------------------------------------
# Follow-through


@dataclass(frozen=True)
class MentorshipCounts:
    due_first_contact: int  # started in the period and at least `first_contact_within` ago
    first_contact_within: int  # of those, first contact at most `first_contact_within` after the match
    active: int
    active_met_recently: int  # active pairs with a meeting since `met_since`
    dormant: int
    ended: int  # in the period
    ended_by_student: int
    ended_by_mentor: int


def mentorship_counts(
    session: Session,
    team_id: str,
    since: datetime | None,
    now: datetime,
    first_contact_within: timedelta,
    met_since: datetime,
) -> MentorshipCounts:
    """Every figure about the school's pairs in one pass over them.

    The pairs that met recently are found from the recent meetings (`ix_meetings_team_met_at`), read
    once as a set (a non-correlated `IN`), rather than by probing the meetings of every active pair.
    """
    delay = epoch_seconds(MentorshipRow.first_contact_at) - epoch_seconds(MentorshipRow.started_at)
    due_first_contact = and_(
        _since(MentorshipRow.started_at, since), MentorshipRow.started_at <= now - first_contact_within
    )
    met_recently = select(Meeting.mentorship_id).where(
        Meeting.team_id == team_id, Meeting.met_at >= met_since
    )
    active = MentorshipRow.status == MentorshipStatus.ACTIVE
    ended = and_(MentorshipRow.status == MentorshipStatus.ENDED, _since(MentorshipRow.ended_at, since))
    row = session.execute(
        select(
            func.count().filter(due_first_contact),
            func.count().filter(
                due_first_contact,
                MentorshipRow.first_contact_at.is_not(None),
                delay <= first_contact_within.total_seconds(),
            ),
            func.count().filter(active),
            func.count().filter(active, MentorshipRow.id.in_(met_recently)),
            func.count().filter(MentorshipRow.status == MentorshipStatus.DORMANT),
            func.count().filter(ended),
            func.count().filter(ended, MentorshipRow.ended_by_id == MentorshipRow.student_id),
            func.count().filter(ended, MentorshipRow.ended_by_id == MentorshipRow.mentor_id),
        ).where(MentorshipRow.team_id == team_id)
    ).one()
    return MentorshipCounts(*row)


@dataclass(frozen=True)
class SurveyCounts:
    sent: int  # first-meeting surveys sent in the period
    answered: int  # of those, answered by their recipient
    average_rating: float | None  # of the ratings given in the period
    ratings: int
    not_met_yet: int  # answers in the period saying "we haven't met yet"


def survey_counts(session: Session, team_id: str, since: datetime | None) -> SurveyCounts:
    answered = exists().where(
        SurveyAnswer.mentorship_id == FollowupRow.mentorship_id,
        SurveyAnswer.member_id == FollowupRow.recipient_id,
        SurveyAnswer.survey == FIRST_MEETING_SURVEY,
    )
    sent_row = session.execute(
        select(func.count(), func.count().filter(answered)).where(
            FollowupRow.team_id == team_id,
            FollowupRow.kind == FIRST_MEETING_SURVEY_KIND,
            FollowupRow.sent_at.is_not(None),
            _since(FollowupRow.sent_at, since),
        )
    ).one()
    answer_row = session.execute(
        select(
            func.avg(SurveyAnswer.rating),
            func.count(SurveyAnswer.rating),
            func.count().filter(SurveyAnswer.not_met_yet.is_(True)),
        ).where(
            SurveyAnswer.team_id == team_id,
            SurveyAnswer.survey == FIRST_MEETING_SURVEY,
            _since(SurveyAnswer.answered_at, since),
        )
    ).one()
    return SurveyCounts(
        sent=sent_row[0],
        answered=sent_row[1],
        average_rating=float(answer_row[0]) if answer_row[0] is not None else None,
        ratings=answer_row[1],
        not_met_yet=answer_row[2],
    )


# ---------------------------------------------------------------------------------------------------
# Topics


@dataclass(frozen=True)
class RequestedTopic:
    topic: str
    requests: int  # made in the period
    offered: bool  # by an available mentor right now (not paused, a free place, still in the workspace)


def requested_topics(session: Session, team_id: str, since: datetime | None) -> list[RequestedTopic]:
    """The topics of requests made in the period, most requested first, each with whether an available
    mentor offers it: the top topics and the unmet ones (whom the school should recruit) both come
    from this one statement."""
    requests = func.count().label("requests")
    # The period's requests first (`ix_mentoring_requests_team_created`), then their topics by primary key.
    made = select(MentoringRequest.id).where(
        MentoringRequest.team_id == team_id, _since(MentoringRequest.created_at, since)
    )
    # Asked once per topic (a handful), not once per requested topic row; the first available mentor
    # found through `ix_mentor_topics_topic` answers it.
    offered = (
        exists()
        .where(
            MentorTopic.topic == RequestTopic.topic,
            MentorProfile.member_id == MentorTopic.member_id,
            MentorProfile.team_id == team_id,
            Member.id == MentorProfile.member_id,
            _available_mentor(),
        )
        .correlate(RequestTopic)
    )
    query = (
        select(RequestTopic.topic, requests, offered)
        .where(RequestTopic.request_id.in_(made))
        .group_by(RequestTopic.topic)
        .order_by(requests.desc(), RequestTopic.topic)
    )
    return [
        RequestedTopic(topic, count, bool(is_offered)) for topic, count, is_offered in session.execute(query)
    ]


# ---------------------------------------------------------------------------------------------------
# Delivery


@dataclass(frozen=True)
class DeliveryCounts:
    failed: int  # follow-ups due in the period that gave up after retries
    held: int  # follow-ups whose time has come but that wait (quiet hours, Slack retries) — now


def delivery_counts(session: Session, team_id: str, since: datetime | None, now: datetime) -> DeliveryCounts:
    """Both read from `ix_followups_state_team_due`, this workspace's range only: the failed ones and those
    waiting, never the sent ones nor other workspaces'."""
    failed = and_(FollowupRow.state == FollowupState.FAILED, _since(FollowupRow.due_at, since))
    held = and_(FollowupRow.state.in_([FollowupState.DUE, FollowupState.CLAIMED]), FollowupRow.due_at <= now)
    row = session.execute(
        select(func.count().filter(failed), func.count().filter(held)).where(
            or_(failed, held), FollowupRow.team_id == team_id
        )
    ).one()
    return DeliveryCounts(failed=row[0], held=row[1])


# ---------------------------------------------------------------------------------------------------
# Trend


def _month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def _next_month(start: datetime) -> datetime:
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


MONTHLY_COUNTS_PER_STATEMENT = 60


def monthly_counts(session: Session, team_id: str, since: datetime) -> dict[str, dict[str, int]]:
    """Matches, first contacts and meetings per 'YYYY-MM' (UTC) since `since`: {"matches": {"2026-03": 4}}.

    Months are cut in Python and each one is counted as a range of the raw column on its (team_id,
    column) index — no function of the column per row, no sort; months without rows are left out.
    """
    series = {
        "matches": (MentorshipRow.started_at, MentorshipRow.team_id),
        "first_contacts": (MentorshipRow.first_contact_at, MentorshipRow.team_id),
        "meetings": (Meeting.met_at, Meeting.team_id),
    }
    latest = session.execute(
        select(
            *(
                select(func.max(column)).where(team_column == team_id).scalar_subquery()
                for column, team_column in series.values()
            )
        )
    ).one()
    cells: list[tuple[str, str, Any]] = []  # (series, month, count of that month's rows)
    for (name, (column, team_column)), last in zip(series.items(), latest, strict=True):
        if last is None:  # (the latest moment on the index: one seek, where "since" would need a scan)
            continue
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        start = _month_start(since)
        while start <= last:
            end = _next_month(start)
            count = (
                select(func.count())
                .where(team_column == team_id, column >= max(start, since), column < end)
                .scalar_subquery()
            )
            cells.append((name, f"{start:%Y-%m}", count))
            start = end
    counts: dict[str, dict[str, int]] = {name: {} for name in series}
    for first in range(0, len(cells), MONTHLY_COUNTS_PER_STATEMENT):
        chunk = cells[first : first + MONTHLY_COUNTS_PER_STATEMENT]
        row = session.execute(select(*(count for _, _, count in chunk))).one()
        for (name, month, _), value in zip(chunk, row, strict=True):
            if value:
                counts[name][month] = value
    return counts


# ---------------------------------------------------------------------------------------------------
# Exports: rows streamed from the database, a thousand at a time

EXPORT_BATCH = 1000


def mentorship_export_rows(session: Session, team_id: str) -> Iterator[Sequence[Any]]:
    """Every mentorship with its pair's Slack ids, dates, meeting count and survey ratings, by id.

    Rows are `(id, student, mentor, status, started_at, first_contact_at, ended_at, end_reason,
    meetings, student first-meeting rating, mentor first-meeting rating, student closing rating,
    mentor closing rating)`.
    """
    student = aliased(Member)
    mentor = aliased(Member)

    def rating(survey: str, member_id: Any) -> Any:
        return (
            select(SurveyAnswer.rating)
            .where(
                SurveyAnswer.mentorship_id == MentorshipRow.id,
                SurveyAnswer.member_id == member_id,
                SurveyAnswer.survey == survey,
            )
            .scalar_subquery()
        )

    meetings = select(func.count()).where(Meeting.mentorship_id == MentorshipRow.id).scalar_subquery()
    query = (
        select(
            MentorshipRow.id,
            student.slack_user_id,
            mentor.slack_user_id,
            MentorshipRow.status,
            MentorshipRow.started_at,
            MentorshipRow.first_contact_at,
            MentorshipRow.ended_at,
            MentorshipRow.end_reason,
            meetings,
            rating(FIRST_MEETING_SURVEY, MentorshipRow.student_id),
            rating(FIRST_MEETING_SURVEY, MentorshipRow.mentor_id),
            rating(CLOSING_SURVEY, MentorshipRow.student_id),
            rating(CLOSING_SURVEY, MentorshipRow.mentor_id),
        )
        .outerjoin(student, student.id == MentorshipRow.student_id)
        .outerjoin(mentor, mentor.id == MentorshipRow.mentor_id)
        .where(MentorshipRow.team_id == team_id)
        .order_by(MentorshipRow.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    yield from session.execute(query)


def member_export_rows(session: Session, team_id: str) -> Iterator[Sequence[Any]]:
    """Every member with role, graduation year and, for mentors, their profile, by id.

    Rows are `(slack id, role, graduation year, inactive since, is mentor, topics 'a;b', capacity,
    paused, active mentees)`; the topic list comes unordered from the database.
    """
    topics = (
        select(joined_strings(MentorTopic.topic)).where(MentorTopic.member_id == Member.id).scalar_subquery()
    )
    query = (
        select(
            Member.slack_user_id,
            Member.role,
            Member.graduation_year,
            Member.inactive_since,
            MentorProfile.member_id.is_not(None),
            topics,
            MentorProfile.capacity,
            MentorProfile.paused,
            MentorProfile.active_mentee_count,
        )
        .outerjoin(MentorProfile, MentorProfile.member_id == Member.id)
        .where(Member.team_id == team_id, or_(Member.role.is_not(None), MentorProfile.member_id.is_not(None)))
        .order_by(Member.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    yield from session.execute(query)
