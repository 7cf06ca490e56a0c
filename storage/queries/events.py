"""Events API deliveries already handled: how a redelivered event is recognised."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import ProcessedEvent


def record_event_once(session: Session, event_id: str, now: datetime) -> bool:
    """Record `event_id` as handled; False when it already was (a redelivery, or a concurrent twin).

    One INSERT ... ON CONFLICT DO NOTHING RETURNING (a row comes back only when inserted), so two
    deliveries racing on two processes cannot both win.
    """
    insert = dialect_insert(session)
    inserted = session.scalar(
        insert(ProcessedEvent)
        .values(event_id=event_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ProcessedEvent.event_id)
    )
    return inserted is not None
