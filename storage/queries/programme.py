"""The school's programme settings and mentoring charter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import CharterVersion, MentorProfile, ProgrammeSettings


def get_or_create_settings(session: Session, team_id: str, default_topics: list[dict]) -> ProgrammeSettings:
    """The team's settings, created with the defaults the first time. Two processes doing this at once
    (dispatchers rendering their first batch) both get the one row: ON CONFLICT DO NOTHING, then read."""
    settings = session.get(ProgrammeSettings, team_id)
    if settings is None:
        insert = dialect_insert(session)
        session.execute(
            insert(ProgrammeSettings)
            .values(team_id=team_id, topics=default_topics)
            .on_conflict_do_nothing(index_elements=["team_id"])
        )
        settings = session.get_one(ProgrammeSettings, team_id)
    return settings


def current_charter(session: Session, team_id: str) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion)
        .where(CharterVersion.team_id == team_id)
        .order_by(CharterVersion.version.desc())
        .limit(1)
    )


def add_charter_version(
    session: Session, team_id: str, text_fr: str, text_en: str, created_by: str | None
) -> CharterVersion:
    latest = current_charter(session, team_id)
    charter = CharterVersion(
        team_id=team_id,
        version=(latest.version + 1) if latest else 1,
        text_fr=text_fr,
        text_en=text_en,
        created_by=created_by,
    )
    session.add(charter)
    session.flush()
    return charter


def mentor_profile(session: Session, member_id: int) -> MentorProfile | None:
    return session.get(MentorProfile, member_id)


def claim_first_welcome(session: Session, team_id: str, now: datetime) -> bool:
    """True once per workspace (its settings row must exist): the installer's first welcome, which a
    reinstall must not give again."""
    claimed = session.execute(
        update(ProgrammeSettings)
        .where(ProgrammeSettings.team_id == team_id, ProgrammeSettings.welcomed_at.is_(None))
        .values(welcomed_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1
