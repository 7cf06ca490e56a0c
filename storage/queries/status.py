"""What a member has going on in the programme, read for their status and their App Home."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Member, MentoringRequest, Offer, OfferStatus, RequestStatus


def open_request_of(session: Session, student_id: int) -> MentoringRequest | None:
    """The student's open request (a partial unique index allows at most one)."""
    return session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.student_id == student_id, MentoringRequest.status == RequestStatus.OPEN
        )
    )


def pending_offers_to(session: Session, mentor_id: int) -> list[tuple[Offer, str]]:
    """The offers waiting for this mentor's answer, oldest first, with the student's Slack user id."""
    rows = session.execute(
        select(Offer, Member.slack_user_id)
        .join(MentoringRequest, MentoringRequest.id == Offer.request_id)
        .join(Member, Member.id == MentoringRequest.student_id)
        .where(Offer.mentor_id == mentor_id, Offer.status == OfferStatus.PENDING)
        .order_by(Offer.offered_at, Offer.id)
    )
    return [(offer, user_id) for offer, user_id in rows]
