"""Members: finding, creating and updating the people mentorbot knows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import (
    Member,
)


def find_member(session: Session, team_id: str, slack_user_id: str) -> Member | None:
    return session.scalar(
        select(Member).where(Member.team_id == team_id, Member.slack_user_id == slack_user_id)
    )


def get_or_create_member(session: Session, team_id: str, slack_user_id: str) -> Member:
    """The member for this Slack user, created on first sight.

    Two first clicks can arrive together; inserting with ON CONFLICT DO NOTHING lets both succeed
    against the unique (team, user) key instead of one failing.
    """
    member = find_member(session, team_id, slack_user_id)
    if member is not None:
        return member
    insert = dialect_insert(session)
    session.execute(
        insert(Member)
        .values(
            team_id=team_id,
            slack_user_id=slack_user_id,
            is_workspace_admin=False,
            wants_student_reminders=True,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "slack_user_id"])
    )
    member = find_member(session, team_id, slack_user_id)
    assert member is not None
    return member


def mark_member_inactive(session: Session, member_id: int, now: datetime) -> bool:
    """Slack says the account is gone: nothing more is offered or sent to them. True only for the call
    that marked them, so the fact is logged once."""
    result = session.execute(
        update(Member)
        .where(Member.id == member_id, Member.inactive_since.is_(None))
        .values(inactive_since=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_member_active(session: Session, member_id: int) -> bool:
    """Slack says the account is back: True only for the call that changed it."""
    result = session.execute(
        update(Member)
        .where(Member.id == member_id, Member.inactive_since.is_not(None))
        .values(inactive_since=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def admin_member_ids(session: Session, team_id: str, configured_admins: Sequence[str]) -> list[int]:
    """The programme's admins as members: workspace admins seen by the bot, plus MENTORBOT_ADMINS."""
    condition = Member.is_workspace_admin.is_(True)
    if configured_admins:
        condition = or_(condition, Member.slack_user_id.in_(list(configured_admins)))
    return list(
        session.scalars(
            select(Member.id)
            .where(Member.team_id == team_id, Member.inactive_since.is_(None), condition)
            .order_by(Member.id)
        )
    )
