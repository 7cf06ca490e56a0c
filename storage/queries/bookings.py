"""Meeting bookings: a proposal, its booking, its cancellation; each move one conditional UPDATE, so a
double click or two of the pair clicking at once change a booking once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import BookingState, MeetingBooking


def create_booking(
    session: Session,
    *,
    team_id: str,
    mentorship_id: int,
    proposed_by_id: int,
    slots: Sequence[int],
    mode: str,
    link: str | None,
    now: datetime,
) -> MeetingBooking:
    booking = MeetingBooking(
        team_id=team_id,
        mentorship_id=mentorship_id,
        proposed_by_id=proposed_by_id,
        slots=list(slots),
        mode=mode,
        link=link,
        state=BookingState.PROPOSED,
        revision=0,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    session.flush()
    return booking


def propose_again(
    session: Session,
    booking_id: int,
    *,
    proposed_by_id: int,
    slots: Sequence[int],
    mode: str,
    link: str | None,
    now: datetime,
) -> bool:
    """A booked meeting moved: new times, back to proposed. False when it is no longer booked."""
    result = session.execute(
        update(MeetingBooking)
        .where(MeetingBooking.id == booking_id, MeetingBooking.state == BookingState.BOOKED)
        .values(
            state=BookingState.PROPOSED,
            proposed_by_id=proposed_by_id,
            slots=list(slots),
            mode=mode,
            link=link,
            chosen_at=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_booking(session: Session, booking_id: int, chosen_at: datetime, now: datetime) -> bool:
    """The proposed time picked: booked once, whoever clicks twice."""
    result = session.execute(
        update(MeetingBooking)
        .where(MeetingBooking.id == booking_id, MeetingBooking.state == BookingState.PROPOSED)
        .values(
            state=BookingState.BOOKED,
            chosen_at=chosen_at,
            revision=MeetingBooking.revision + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def cancel_booking(
    session: Session, booking_id: int, from_states: Sequence[BookingState], now: datetime
) -> bool:
    result = session.execute(
        update(MeetingBooking)
        .where(MeetingBooking.id == booking_id, MeetingBooking.state.in_(list(from_states)))
        .values(state=BookingState.CANCELLED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def record_booking_message(session: Session, booking_id: int, channel_id: str, ts: str) -> None:
    """Where the proposal's DM went, to rewrite it when it is answered."""
    session.execute(
        update(MeetingBooking)
        .where(MeetingBooking.id == booking_id)
        .values(channel_id=channel_id, message_ts=ts)
        .execution_options(synchronize_session=False)
    )
