"""The work the bot owes since Slack got its ack: inbound payloads and outbox messages.

Both are rows of `followups` (kinds `inbound` and `outbox`, no recipient member, their content in
`payload`), claimed with a lease like every follow-up (`claim_due_followups`) so that a process that dies
leaves them to another. A finished row is deleted, its content with it: a payload holds people's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from storage.models import WORK_KINDS, Followup, FollowupKind, FollowupPeriod, FollowupState

# Work rows name no member, so their unique key (recipient, kind, period) never binds: the period only
# says what the row is.
_PERIOD = {FollowupKind.INBOUND: FollowupPeriod("inbound"), FollowupKind.OUTBOX: FollowupPeriod("outbox")}


@dataclass(frozen=True)
class WorkRow:
    id: int
    kind: FollowupKind
    team_id: str
    payload: dict
    attempts: int


def record_work(
    session: Session,
    kind: FollowupKind,
    team_id: str,
    payloads: Sequence[dict],
    *,
    now: datetime,
    holder: str | None,
    lease_until: datetime | None,
) -> list[int]:
    """New work rows due now, claimed by `holder` until `lease_until` when it carries them out at once
    (unclaimed, for any worker, when `holder` is None); their ids, in the order given."""
    if not payloads:
        return []
    state = FollowupState.CLAIMED if holder else FollowupState.DUE
    rows = [
        {
            "team_id": team_id,
            "kind": kind,
            "period": _PERIOD[kind],
            "due_at": now,
            "state": state,
            "attempts": 1 if holder else 0,
            "claimed_by": holder,
            "lease_expires_at": lease_until,
            "created_at": now,
            "payload": payload,
        }
        for payload in payloads
    ]
    if len(rows) == 1:
        return [session.scalar(insert(Followup).values(rows[0]).returning(Followup.id))]
    # One statement for the lot; RETURNING keeps the order of the rows given on both databases.
    return list(session.scalars(insert(Followup).returning(Followup.id, sort_by_parameter_order=True), rows))


def held_work(session: Session, row_id: int, holder: str) -> WorkRow | None:
    """The work row `holder` still holds, or None (done by now, or taken over after a lost lease)."""
    row = session.execute(
        select(Followup.id, Followup.kind, Followup.team_id, Followup.payload, Followup.attempts).where(
            Followup.id == row_id,
            Followup.kind.in_(WORK_KINDS),
            Followup.state == FollowupState.CLAIMED,
            Followup.claimed_by == holder,
        )
    ).one_or_none()
    if row is None or row.payload is None:
        return None
    return WorkRow(row.id, FollowupKind(row.kind), row.team_id, row.payload, row.attempts)


def finish_work(session: Session, row_id: int, holder: str) -> bool:
    """Done: the row is deleted if `holder` still holds it; False if its claim was lost meanwhile."""
    result = session.execute(
        delete(Followup)
        .where(Followup.id == row_id, Followup.state == FollowupState.CLAIMED, Followup.claimed_by == holder)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def fail_work(session: Session, row_id: int, holder: str, problem: str) -> bool:
    """Given up: kept as failed with its problem (for the operator), its content dropped."""
    result = session.execute(
        update(Followup)
        .where(Followup.id == row_id, Followup.state == FollowupState.CLAIMED, Followup.claimed_by == holder)
        .values(
            state=FollowupState.FAILED,
            last_error=problem[:500],
            payload=None,
            claimed_by=None,
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def renew_leases(session: Session, holder: str, lease_until: datetime) -> int:
    """Extend every claim `holder` still has: a live process keeps its rows, a dead one's run out."""
    result = session.execute(
        update(Followup)
        .where(Followup.state == FollowupState.CLAIMED, Followup.claimed_by == holder)
        .values(lease_expires_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def hand_back_claims(session: Session, holder: str) -> int:
    """Every claim of a stopping process, due again at once for another, the attempt not counted."""
    result = session.execute(
        update(Followup)
        .where(Followup.state == FollowupState.CLAIMED, Followup.claimed_by == holder)
        .values(
            state=FollowupState.DUE,
            claimed_by=None,
            lease_expires_at=None,
            attempts=Followup.attempts - 1,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
