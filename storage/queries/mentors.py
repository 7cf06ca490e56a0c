"""Mentor profiles: what an alumnus offers (topics, languages, capacity) and whether they take mentees now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from storage.db import dialect_insert
from storage.models import (
    CharterAcceptance,
    Member,
    MentorLanguage,
    MentorProfile,
    MentorTopic,
)


class MentorLoad(NamedTuple):
    """How busy a mentor is after an edit of their profile."""

    active_mentee_count: int
    paused: bool


def is_mentor(session: Session, member_id: int) -> bool:
    return (
        session.scalar(select(MentorProfile.member_id).where(MentorProfile.member_id == member_id))
        is not None
    )


def find_mentor_profile(session: Session, member_id: int) -> MentorProfile | None:
    """The profile with its topics and languages loaded, or None for someone who never volunteered."""
    return session.scalar(
        select(MentorProfile)
        .where(MentorProfile.member_id == member_id)
        .options(selectinload(MentorProfile.topics), selectinload(MentorProfile.languages))
    )


def upsert_mentor_profile(
    session: Session,
    member_id: int,
    team_id: str,
    *,
    topics: Iterable[str],
    languages: Iterable[str],
    industry: str | None,
    job_title: str | None,
    capacity: int,
    charter_version: int,
    now: datetime,
    how_i_can_help: str | None = None,
    in_directory: bool = True,
    meeting_link: str | None = None,
) -> MentorLoad:
    """Create or replace what a mentor offers; returns their current load and availability.

    One INSERT ... ON CONFLICT DO UPDATE, so two first submissions racing both succeed. It updates only
    what the form holds: `active_mentee_count`, `paused` and `volunteered_at` are kept on an edit. On
    PostgreSQL the upsert locks the profile row, so two edits of one profile replace its topics and
    languages one after the other rather than interleaving.
    """
    values = {
        "industry": industry,
        "job_title": job_title,
        "meeting_link": meeting_link,
        "capacity": capacity,
        "charter_version": charter_version,
        "how_i_can_help": how_i_can_help,
        "in_directory": in_directory,
        "updated_at": now,
    }
    upsert = dialect_insert(session)(MentorProfile).values(
        member_id=member_id,
        team_id=team_id,
        active_mentee_count=0,
        paused=False,
        volunteered_at=now,
        **values,
    )
    load = session.execute(
        upsert.on_conflict_do_update(index_elements=[MentorProfile.member_id], set_=values).returning(
            MentorProfile.active_mentee_count, MentorProfile.paused
        )
    ).one()

    session.execute(delete(MentorTopic).where(MentorTopic.member_id == member_id))
    topic_rows = [{"member_id": member_id, "topic": topic} for topic in dict.fromkeys(topics)]
    if topic_rows:
        session.execute(insert(MentorTopic), topic_rows)
    session.execute(delete(MentorLanguage).where(MentorLanguage.member_id == member_id))
    language_rows = [{"member_id": member_id, "language": language} for language in dict.fromkeys(languages)]
    if language_rows:
        session.execute(insert(MentorLanguage), language_rows)
    return MentorLoad(active_mentee_count=load.active_mentee_count, paused=load.paused)


def set_paused(session: Session, member_id: int, paused: bool, now: datetime) -> bool:
    """Pause or resume a mentor; True if this call changed it (False: already so, or not a mentor).

    A conditional UPDATE, so a double click changes the flag once and the second click learns it.
    """
    result = session.execute(
        update(MentorProfile)
        .where(MentorProfile.member_id == member_id, MentorProfile.paused != paused)
        .values(paused=paused, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def set_graduation_year(session: Session, member_id: int, year: int) -> None:
    session.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(graduation_year=year)
        .execution_options(synchronize_session=False)
    )


def graduation_year_of(session: Session, member_id: int) -> int | None:
    return session.scalar(select(Member.graduation_year).where(Member.id == member_id))


def record_charter_acceptance(
    session: Session, team_id: str, member_id: int, version: int, accepted_as: str, now: datetime
) -> bool:
    """Note that a member accepted this charter version as `accepted_as`; True the first time only.

    The unique (member, version, role) key with ON CONFLICT DO NOTHING keeps one row however many
    times the same version is accepted.
    """
    inserted_id = session.scalar(
        dialect_insert(session)(CharterAcceptance)
        .values(
            team_id=team_id, member_id=member_id, version=version, accepted_as=accepted_as, accepted_at=now
        )
        .on_conflict_do_nothing(index_elements=["member_id", "version", "accepted_as"])
        .returning(CharterAcceptance.id)
    )
    return inserted_id is not None


def has_accepted_charter(session: Session, member_id: int, version: int, accepted_as: str) -> bool:
    return (
        session.scalar(
            select(CharterAcceptance.id).where(
                CharterAcceptance.member_id == member_id,
                CharterAcceptance.version == version,
                CharterAcceptance.accepted_as == accepted_as,
            )
        )
        is not None
    )


def mentors_covering(session: Session, team_id: str, topic_keys: Sequence[str]) -> int:
    """Available mentors (not paused, not gone) who cover at least one of these topics."""
    return (
        session.scalar(
            select(func.count(func.distinct(MentorProfile.member_id)))
            .join(Member, Member.id == MentorProfile.member_id)
            .join(MentorTopic, MentorTopic.member_id == MentorProfile.member_id)
            .where(
                MentorProfile.team_id == team_id,
                MentorProfile.paused.is_(False),
                Member.inactive_since.is_(None),
                MentorTopic.topic.in_(list(topic_keys)),
            )
        )
        or 0
    )
