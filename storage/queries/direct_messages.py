"""Answers to what members write in the bot's DM: at most one per person per quiet period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from storage.models import Member


def claim_direct_message_answer(session: Session, member_id: int, now: datetime, quiet: timedelta) -> bool:
    """Take the right to answer this member now, if the last answer is older than `quiet`.

    One conditional UPDATE … RETURNING: of two processes handling two messages at once, only one sees
    its row come back (PostgreSQL re-checks the condition after waiting for the other's lock; SQLite
    runs one writer at a time), so the member gets one answer, not two.
    """
    claimed = session.execute(
        update(Member)
        .where(
            Member.id == member_id,
            or_(Member.last_dm_answer_at.is_(None), Member.last_dm_answer_at < now - quiet),
        )
        .values(last_dm_answer_at=now)
        .returning(Member.id)
        .execution_options(synchronize_session=False)
    )
    return claimed.first() is not None
