"""The students' mentor directory: who is listed, in the matching's order, a page at a time.

Listed: available mentors (in the team, not paused, with a free place, still in Slack) who did not opt out
of the directory, never the student looking. Ordered by `mentor_score`, the matching's own ranking, with
the student's topics and language; ties as the matching breaks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from storage.models import (
    Member,
    MentoringRequest,
    MentorLanguage,
    MentorProfile,
    MentorTopic,
    RequestTopic,
)
from storage.queries.matching import mentor_score
from storage.queries.members import unverified_alumni

# Slack's cap on a static select's options.
MAX_CHOICES = 100


class DirectoryFilters(NamedTuple):
    """What the student narrowed the list to; None is "any"."""

    topic: str | None = None
    language: str | None = None
    industry: str | None = None
    graduation_year: int | None = None


class DirectoryEntry(NamedTuple):
    """One mentor as a card of the directory shows them."""

    member_id: int
    slack_user_id: str
    display_name: str | None
    job_title: str | None
    industry: str | None
    graduation_year: int | None
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    free_places: int
    how_i_can_help: str | None


def _listed(session: Session, team_id: str, student_id: int) -> list[ColumnElement[bool]]:
    """A mentor the directory shows: available, listed by choice, still in Slack, verified (or under
    open self-declaration, not declined), never the student."""
    return [
        MentorProfile.member_id.not_in(unverified_alumni(session, team_id)),
        MentorProfile.team_id == team_id,
        MentorProfile.paused.is_(False),
        MentorProfile.active_mentee_count < MentorProfile.capacity,
        MentorProfile.in_directory.is_(True),
        Member.inactive_since.is_(None),
        MentorProfile.member_id != student_id,
    ]


def _filtered(filters: DirectoryFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.topic is not None:
        conditions.append(
            MentorProfile.member_id.in_(
                select(MentorTopic.member_id).where(MentorTopic.topic == filters.topic)
            )
        )
    if filters.language is not None:
        conditions.append(
            MentorProfile.member_id.in_(
                select(MentorLanguage.member_id).where(MentorLanguage.language == filters.language)
            )
        )
    if filters.industry is not None:
        conditions.append(MentorProfile.industry == filters.industry)
    if filters.graduation_year is not None:
        conditions.append(Member.graduation_year == filters.graduation_year)
    return conditions


def directory_page(
    session: Session,
    *,
    team_id: str,
    student_id: int,
    student_topics: Sequence[str],
    language: str,
    filters: DirectoryFilters,
    offset: int,
    limit: int,
) -> tuple[list[DirectoryEntry], bool]:
    """One page of listed mentors, best match first, and whether more follow."""
    shared = (
        select(MentorTopic.member_id, func.count().label("shared_topics"))
        .where(MentorTopic.topic.in_(list(dict.fromkeys(student_topics)) or [""]))
        .group_by(MentorTopic.member_id)
        .subquery("shared")
    )
    score = mentor_score(func.coalesce(shared.c.shared_topics, 0), language)
    rows = session.execute(
        select(
            MentorProfile.member_id,
            Member.slack_user_id,
            Member.display_name,
            MentorProfile.job_title,
            MentorProfile.industry,
            Member.graduation_year,
            MentorProfile.capacity - MentorProfile.active_mentee_count,
            MentorProfile.how_i_can_help,
        )
        .join(Member, Member.id == MentorProfile.member_id)
        .outerjoin(shared, shared.c.member_id == MentorProfile.member_id)
        .where(*_listed(session, team_id, student_id), *_filtered(filters))
        .order_by(score.desc(), MentorProfile.volunteered_at, MentorProfile.member_id)
        .offset(max(0, offset))
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    member_ids = [row[0] for row in page]
    topics: dict[int, list[str]] = {member_id: [] for member_id in member_ids}
    languages: dict[int, list[str]] = {member_id: [] for member_id in member_ids}
    if member_ids:
        for member_id, topic in session.execute(
            select(MentorTopic.member_id, MentorTopic.topic)
            .where(MentorTopic.member_id.in_(member_ids))
            .order_by(MentorTopic.topic)
        ):
            topics[member_id].append(topic)
        for member_id, code in session.execute(
            select(MentorLanguage.member_id, MentorLanguage.language)
            .where(MentorLanguage.member_id.in_(member_ids))
            .order_by(MentorLanguage.language)
        ):
            languages[member_id].append(code)
    entries = [
        DirectoryEntry(
            member_id=row[0],
            slack_user_id=row[1],
            display_name=row[2],
            job_title=row[3],
            industry=row[4],
            graduation_year=row[5],
            topics=tuple(topics[row[0]]),
            languages=tuple(languages[row[0]]),
            free_places=row[6],
            how_i_can_help=row[7],
        )
        for row in page
    ]
    return entries, len(rows) > limit


def directory_choices(session: Session, team_id: str, student_id: int) -> tuple[list[str], list[int]]:
    """The industries and graduation years of the listed mentors: the options of two filters."""
    industries = session.scalars(
        select(MentorProfile.industry)
        .join(Member, Member.id == MentorProfile.member_id)
        .where(*_listed(session, team_id, student_id), MentorProfile.industry.is_not(None))
        .distinct()
        .order_by(MentorProfile.industry)
        .limit(MAX_CHOICES)
    )
    years = session.scalars(
        select(Member.graduation_year)
        .join(MentorProfile, MentorProfile.member_id == Member.id)
        .where(*_listed(session, team_id, student_id), Member.graduation_year.is_not(None))
        .distinct()
        .order_by(Member.graduation_year.desc())
        .limit(MAX_CHOICES)
    )
    return [industry for industry in industries if industry], [year for year in years if year is not None]


def topics_asked_by(session: Session, student_id: int) -> list[str]:
    """The topics of the student's latest request: what they said they need, when they said it; for a
    student who never asked, the topics their school's roster gives them (possibly none)."""
    latest = (
        select(MentoringRequest.id)
        .where(MentoringRequest.student_id == student_id)
        .order_by(MentoringRequest.created_at.desc(), MentoringRequest.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    asked = list(
        session.scalars(
            select(RequestTopic.topic).where(RequestTopic.request_id == latest).order_by(RequestTopic.topic)
        )
    )
    return asked or roster_topics_of(session, student_id)


def roster_topics_of(session: Session, member_id: int) -> list[str]:
    """The topic keys the roster import stored on the member, in the roster's order."""
    topics = session.scalar(select(Member.topics).where(Member.id == member_id))
    return [str(topic) for topic in topics or []]


def mentors_joined_between(
    session: Session, team_id: str, topics: Sequence[str], since: datetime, until: datetime
) -> int:
    """How many mentors still in Slack volunteered in [`since`, `until`) with at least one of `topics`."""
    return (
        session.scalar(
            select(func.count(func.distinct(MentorProfile.member_id)))
            .join(Member, Member.id == MentorProfile.member_id)
            .join(MentorTopic, MentorTopic.member_id == MentorProfile.member_id)
            .where(
                MentorProfile.team_id == team_id,
                MentorProfile.volunteered_at >= since,
                MentorProfile.volunteered_at < until,
                Member.inactive_since.is_(None),
                MentorTopic.topic.in_(list(topics) or [""]),
                MentorProfile.member_id.not_in(unverified_alumni(session, team_id)),
            )
        )
        or 0
    )


def mentor_of_team(session: Session, team_id: str, member_id: int) -> tuple[int, str | None] | None:
    """A mentor of this team by member id, with their display name: whom an "Ask" button names."""
    row = session.execute(
        select(Member.id, Member.display_name)
        .join(MentorProfile, MentorProfile.member_id == Member.id)
        .where(Member.id == member_id, Member.team_id == team_id)
    ).first()
    return (row[0], row[1]) if row is not None else None
