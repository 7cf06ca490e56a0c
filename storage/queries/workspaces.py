"""Workspaces that left: their departure, its end when they come back, and erasing what they left behind.

Every table of the programme carries the workspace's `team_id` (or hangs off one that does and goes with
it, `ON DELETE CASCADE`), so erasing a workspace is one DELETE a table, children first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import (
    Base,
    Meeting,
    Member,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    Role,
    WorkspaceDeparture,
)

# Still in progress: the workspace has neither come back nor been erased.
_IN_PROGRESS = (WorkspaceDeparture.returned_at.is_(None), WorkspaceDeparture.erased_at.is_(None))


def record_departure(session: Session, team_id: str, now: datetime) -> bool:
    """The workspace left; True only for the call that recorded it (`app_uninstalled` and `tokens_revoked`
    both arrive for one uninstall, and Slack may deliver either twice)."""
    insert = dialect_insert(session)
    recorded = session.scalar(
        insert(WorkspaceDeparture)
        .values(team_id=team_id, left_at=now)
        # The partial unique index on a departure in progress is the conflict.
        .on_conflict_do_nothing()
        .returning(WorkspaceDeparture.id)
    )
    return recorded is not None


def departure_in_progress(session: Session, team_id: str) -> WorkspaceDeparture | None:
    return session.scalar(
        select(WorkspaceDeparture).where(WorkspaceDeparture.team_id == team_id, *_IN_PROGRESS)
    )


def end_departure(session: Session, team_id: str, now: datetime) -> bool:
    """The workspace came back before its data was erased; True only for the call that ended it."""
    ended = session.execute(
        update(WorkspaceDeparture)
        .where(WorkspaceDeparture.team_id == team_id, *_IN_PROGRESS)
        .values(returned_at=now)
        .execution_options(synchronize_session=False)
    )
    return ended.rowcount == 1


def departures_left_before(session: Session, cutoff: datetime) -> list[tuple[int, str]]:
    """(id, team) of the departures in progress of workspaces that left before `cutoff`: those whose time
    is up."""
    return [
        (departure_id, team_id)
        for departure_id, team_id in session.execute(
            select(WorkspaceDeparture.id, WorkspaceDeparture.team_id)
            .where(WorkspaceDeparture.left_at < cutoff, *_IN_PROGRESS)
            .order_by(WorkspaceDeparture.left_at, WorkspaceDeparture.id)
        )
    ]


def claim_erasure(session: Session, departure_id: int, totals: dict[str, int], now: datetime) -> bool:
    """Mark the departure erased, keeping `totals`, unless the workspace came back meanwhile (or another
    run got there first); True when the caller is to erase the workspace, in this same transaction."""
    claimed = session.execute(
        update(WorkspaceDeparture)
        .where(WorkspaceDeparture.id == departure_id, *_IN_PROGRESS)
        .values(erased_at=now, kept_counts=totals)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def programme_totals(session: Session, team_id: str) -> dict[str, int]:
    """The anonymous totals kept of an erased workspace: how many students, alumni, mentors, requests,
    mentorships and meetings its programme had. No person, no date, no word."""
    roles = dict(
        session.execute(
            select(Member.role, func.count()).where(Member.team_id == team_id).group_by(Member.role)
        ).all()
    )

    def count(model: type[Base]) -> int:
        return session.scalar(select(func.count()).where(model.team_id == team_id)) or 0  # type: ignore[attr-defined]

    return {
        "students": roles.get(Role.STUDENT, 0),
        "alumni": roles.get(Role.ALUMNUS, 0),
        "mentors": count(MentorProfile),
        "requests": count(MentoringRequest),
        "mentorships": count(Mentorship),
        "meetings": count(Meeting),
    }


def erase_workspace(session: Session, team_id: str) -> None:
    """Delete every row the workspace has in every table but the record of its departures. Tables without
    a `team_id` of their own (a mentor's topics, a request's) go with their parent row."""
    for table in reversed(Base.metadata.sorted_tables):
        if "team_id" in table.c and table.name != WorkspaceDeparture.__tablename__:
            session.execute(delete(table).where(table.c.team_id == team_id))
