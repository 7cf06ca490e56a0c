"""Members: finding, creating and updating the people mentorbot knows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, aliased

from storage.db import dialect_insert
from storage.models import (
    Member,
    ProgrammeSettings,
    Role,
    Verification,
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
    """The programme's admins as members: workspace admins seen by the bot, the installer, plus
    MENTORBOT_ADMINS."""
    condition = or_(Member.is_workspace_admin.is_(True), Member.is_programme_admin.is_(True))
    if configured_admins:
        condition = or_(condition, Member.slack_user_id.in_(list(configured_admins)))
    return list(
        session.scalars(
            select(Member.id)
            .where(Member.team_id == team_id, Member.inactive_since.is_(None), condition)
            .order_by(Member.id)
        )
    )


# ------------------------------------------------------------------------------------------------------
# Verified alumni: only they receive requests and appear in the directory, unless the school chose open
# self-declaration


def alumni_verification_on(session: Session, team_id: str) -> bool:
    """The school's choice: True (the default, also before its settings row exists) when alumni mentor
    only once verified; False for open self-declaration."""
    value = session.scalar(
        select(ProgrammeSettings.alumni_verification).where(ProgrammeSettings.team_id == team_id)
    )
    return value is not False


def unverified_alumni(session: Session, team_id: str) -> Select[tuple[int]]:
    """The ids of the team's alumni who may not mentor now, as a subquery: not verified (or, under open
    self-declaration, declined). Few rows, read on `ix_members_team_role`."""
    alumnus = aliased(Member)  # never correlated with the `members` of the query it is used in
    if alumni_verification_on(session, team_id):
        barred = or_(alumnus.verification.is_(None), alumnus.verification != Verification.VERIFIED)
    else:
        barred = alumnus.verification == Verification.DECLINED
    return select(alumnus.id).where(alumnus.team_id == team_id, alumnus.role == Role.ALUMNUS, barred)


def mark_alumnus_verified(session: Session, member_id: int, *, decided_by: str) -> bool:
    """The school's roster says this member is an alumnus: verified, whatever was decided before. True
    only when it changed something, so that an import run twice records nothing the second time."""
    result = session.execute(
        update(Member)
        .where(
            Member.id == member_id,
            or_(Member.verification.is_(None), Member.verification != Verification.VERIFIED),
        )
        .values(verification=Verification.VERIFIED, verification_decided_by=decided_by)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def decide_verification(
    session: Session, member_id: int, verification: Verification, decided_by: str
) -> bool:
    """An admin's Approve or Decline, claimed by a conditional UPDATE: True for the one click that decided,
    False when someone (another admin, the roster) already had."""
    result = session.execute(
        update(Member)
        .where(Member.id == member_id, Member.verification.is_(None))
        .values(verification=verification, verification_decided_by=decided_by)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def claim_verification_request(session: Session, member_id: int, now: datetime) -> bool:
    """True once per member: the admins are asked about an alumnus only the first time."""
    result = session.execute(
        update(Member)
        .where(
            Member.id == member_id,
            Member.verification.is_(None),
            Member.verification_asked_at.is_(None),
        )
        .values(verification_asked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1
