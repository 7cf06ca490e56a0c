"""Students' requests for a mentor: creating, finding and cancelling them, and the charter they accept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from storage.db import dialect_insert
from storage.models import (
    CharterAcceptance,
    Member,
    MentoringRequest,
    Offer,
    OfferStatus,
    RequestStatus,
    RequestTopic,
    Role,
)
from storage.models import Mentorship as MentorshipRow


def open_request_of(session: Session, student_id: int) -> MentoringRequest | None:
    """The student's open request, if any (there is at most one: a partial unique index says so)."""
    return session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.student_id == student_id, MentoringRequest.status == RequestStatus.OPEN
        )
    )


def create_request(
    session: Session,
    *,
    team_id: str,
    student_id: int,
    topics: Sequence[str],
    message: str,
    language: str,
    preferred_mentor_id: int | None,
    charter_version: int,
    now: datetime,
    visible_to_mentors: bool = True,
) -> MentoringRequest | None:
    """A new open request, or None when the student already has one.

    Two submissions can race (a double click, two modals); the partial unique index on open requests
    lets exactly one in, and the savepoint keeps the caller's transaction usable for the loser.
    """
    request = MentoringRequest(
        team_id=team_id,
        student_id=student_id,
        message=message,
        language=language,
        preferred_mentor_id=preferred_mentor_id,
        status=RequestStatus.OPEN,
        charter_version=charter_version,
        created_at=now,
        visible_to_mentors=visible_to_mentors,
        topics=[RequestTopic(topic=topic) for topic in dict.fromkeys(topics)],
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        return None
    return request


def record_charter_acceptance(
    session: Session, *, team_id: str, member_id: int, version: int, accepted_as: str, now: datetime
) -> None:
    """Note that the member accepted this charter version; accepting it again changes nothing."""
    insert = dialect_insert(session)
    session.execute(
        insert(CharterAcceptance)
        .values(
            team_id=team_id, member_id=member_id, version=version, accepted_as=accepted_as, accepted_at=now
        )
        .on_conflict_do_nothing(index_elements=["member_id", "version", "accepted_as"])
    )


def cancel_open_request(session: Session, request_id: int, student_id: int, now: datetime) -> bool:
    """Cancel the request if it is this student's and still open; False when it was not (any more)."""
    result = session.execute(
        update(MentoringRequest)
        .where(
            MentoringRequest.id == request_id,
            MentoringRequest.student_id == student_id,
            MentoringRequest.status == RequestStatus.OPEN,
        )
        .values(status=RequestStatus.CANCELLED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def waiting_request_ids(session: Session, team_id: str) -> list[int]:
    """Open requests of the team that no mentor is currently looking at (no pending offer), oldest first."""
    pending_offer = exists().where(
        Offer.request_id == MentoringRequest.id, Offer.status == OfferStatus.PENDING
    )
    return list(
        session.scalars(
            select(MentoringRequest.id)
            .where(
                MentoringRequest.team_id == team_id,
                MentoringRequest.status == RequestStatus.OPEN,
                ~pending_offer,
            )
            .order_by(MentoringRequest.created_at, MentoringRequest.id)
        )
    )


def unmatched_requests(
    session: Session, team_id: str, created_before: datetime, limit: int
) -> list[MentoringRequest]:
    return list(
        session.scalars(
            select(MentoringRequest)
            .where(
                MentoringRequest.team_id == team_id,
                MentoringRequest.status == RequestStatus.OPEN,
                # a request an admin opened again by hand has its full delay again from then
                func.coalesce(MentoringRequest.reopened_at, MentoringRequest.created_at) <= created_before,
            )
            .order_by(MentoringRequest.created_at, MentoringRequest.id)
            .limit(limit)
        )
    )


def expire_request(session: Session, request_id: int, now: datetime) -> bool:
    """Close a request left unmatched too long, and withdraw its offers still out."""
    result = session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request_id, MentoringRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.EXPIRED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.execute(
        update(Offer)
        .where(Offer.request_id == request_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.WITHDRAWN, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


def _ever_asked(member_id_column):  # type: ignore[no-untyped-def]
    """The student made a request once (open, matched, cancelled or expired) or has had a mentor."""
    return or_(
        exists().where(MentoringRequest.student_id == member_id_column),
        exists().where(MentorshipRow.student_id == member_id_column),
    )


def students_to_remind(session: Session, team_id: str, known_before: datetime) -> list[int]:
    """Students who never asked for a mentor and still want reminders, known to the bot long enough."""
    return list(
        session.scalars(
            select(Member.id).where(
                Member.team_id == team_id,
                Member.role == Role.STUDENT,
                Member.inactive_since.is_(None),
                Member.wants_student_reminders.is_(True),
                Member.created_at <= known_before,
                ~_ever_asked(Member.id),
            )
        )
    )


def never_asked(session: Session, member_id: int) -> bool:
    return not session.scalar(select(_ever_asked(member_id)))


def teams_with_students(session: Session) -> list[str]:
    return list(session.scalars(select(Member.team_id).where(Member.role == Role.STUDENT).distinct()))


def reopen_expired_request(session: Session, request_id: int, now: datetime) -> bool:
    """Open again a request closed unmatched (an admin is matching it by hand). False when it is not
    expired any more, or when its student has another open request meanwhile: the partial unique index
    on open requests decides, and the savepoint keeps the caller's transaction usable."""
    try:
        with session.begin_nested():
            result = session.execute(
                update(MentoringRequest)
                .where(MentoringRequest.id == request_id, MentoringRequest.status == RequestStatus.EXPIRED)
                .values(status=RequestStatus.OPEN, closed_at=None, reopened_at=now)
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        return False
    return result.rowcount == 1


def requests_for_admins(
    session: Session, team_id: str, closed_since: datetime, limit: int
) -> tuple[list[MentoringRequest], list[MentoringRequest]]:
    """What admins may match by hand: the open requests, oldest first, and those closed unmatched since
    `closed_since`, latest first; at most `limit` of each."""

    def listed(*conditions, order) -> list[MentoringRequest]:  # type: ignore[no-untyped-def]
        return list(
            session.scalars(
                select(MentoringRequest)
                .where(MentoringRequest.team_id == team_id, *conditions)
                .options(selectinload(MentoringRequest.topics), selectinload(MentoringRequest.student))
                .order_by(*order)
                .limit(limit)
            )
        )

    open_ones = listed(
        MentoringRequest.status == RequestStatus.OPEN,
        order=(MentoringRequest.created_at, MentoringRequest.id),
    )
    expired = listed(
        MentoringRequest.status == RequestStatus.EXPIRED,
        MentoringRequest.closed_at >= closed_since,
        order=(MentoringRequest.closed_at.desc(), MentoringRequest.id.desc()),
    )
    return open_ones, expired
