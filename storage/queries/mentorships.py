"""Mentorships as their two members see them: the current pairs of a member, and ending one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.models import LIVE_MENTORSHIP_STATUSES, Member, Mentorship, MentorshipStatus


def current_mentorships_of(session: Session, member_id: int) -> list[Mentorship]:
    """The member's active and dormant mentorships, as student or as mentor, oldest first."""
    return list(
        session.scalars(
            select(Mentorship)
            .where(
                or_(Mentorship.student_id == member_id, Mentorship.mentor_id == member_id),
                Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES),
            )
            .order_by(Mentorship.started_at, Mentorship.id)
        )
    )


def slack_user_ids(session: Session, member_ids: list[int]) -> dict[int, str]:
    """Slack user id by member id, for the members named (one query, however many)."""
    if not member_ids:
        return {}
    rows = session.execute(select(Member.id, Member.slack_user_id).where(Member.id.in_(member_ids)))
    return {member_id: user_id for member_id, user_id in rows}


def claim_mentorship_end(
    session: Session, mentorship_id: int, member_id: int, now: datetime, reason: str | None
) -> bool:
    """End the mentorship if it is still live and `member_id` is one of its pair; False otherwise.

    One conditional UPDATE, so two clicks (or the End button and a monthly prompt's "End our
    mentorship") racing each other end it once: the second finds it no longer live.
    """
    result = session.execute(
        update(Mentorship)
        .where(
            Mentorship.id == mentorship_id,
            Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES),
            or_(Mentorship.student_id == member_id, Mentorship.mentor_id == member_id),
        )
        .values(status=MentorshipStatus.ENDED, ended_at=now, ended_by_id=member_id, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
