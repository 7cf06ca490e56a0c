"""Scheduled messages: planning them harmlessly twice, claiming them exactly once, recording delivery.

Planning inserts with ON CONFLICT DO NOTHING on the unique (recipient, kind, period) key, so a match
planned again, or a sweep that runs every minute, never plans the same follow-up twice.

Claiming picks a batch of rows still due (or whose claim lease ran out, left by a crashed dispatcher),
then takes them with a conditional UPDATE ... RETURNING whose WHERE re-checks that condition, so that two
dispatchers racing for a row cannot both get it. On PostgreSQL the SELECT also locks with
FOR UPDATE SKIP LOCKED, so dispatchers take different rows instead of queueing on the same ones;
SQLite has one writer at a time (BEGIN IMMEDIATE, see storage.db), which is atomic by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from storage.db import dialect_insert
from storage.models import (
    WORK_KINDS,
    Followup,
    FollowupKind,
    FollowupPeriod,
    FollowupState,
    Meeting,
    Member,
)
from storage.models import Mentorship as MentorshipRow

# Rows per INSERT: well below SQLite's limit on bound parameters.
PLAN_CHUNK = 500


@dataclass(frozen=True)
class PlannedFollowup:
    """One follow-up to plan: who gets what, about which pair or request, when."""

    team_id: str
    kind: str
    recipient_id: int
    period: FollowupPeriod
    due_at: datetime
    mentorship_id: int | None = None
    request_id: int | None = None
    # Where to post instead of the recipient's DM (the admins' channel); `channel_id` until it is sent.
    channel_id: str | None = None


def plan_followups(session: Session, planned: Iterable[PlannedFollowup], now: datetime) -> int:
    """Insert these follow-ups, ignoring any already planned; returns how many were new."""
    rows = [
        {
            "team_id": item.team_id,
            "kind": item.kind,
            "recipient_id": item.recipient_id,
            "period": item.period,
            "due_at": item.due_at,
            "mentorship_id": item.mentorship_id,
            "request_id": item.request_id,
            "channel_id": item.channel_id,
            "state": FollowupState.DUE,
            "attempts": 0,
            "created_at": now,
        }
        for item in planned
    ]
    insert = dialect_insert(session)
    new = 0
    for start in range(0, len(rows), PLAN_CHUNK):
        # RETURNING counts what was inserted: psycopg's rowcount is not reliable for ON CONFLICT inserts.
        inserted = session.scalars(
            insert(Followup)
            .values(rows[start : start + PLAN_CHUNK])
            .on_conflict_do_nothing(index_elements=["recipient_id", "kind", "period"])
            .returning(Followup.id)
        ).all()
        new += len(inserted)
    return new


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    return or_(
        and_(Followup.state == FollowupState.DUE, Followup.due_at <= now),
        and_(Followup.state == FollowupState.CLAIMED, Followup.lease_expires_at < now),
    )


def claim_due_followups(
    session: Session,
    *,
    dispatcher: str,
    now: datetime,
    lease_until: datetime,
    batch: int,
    skip_teams: Sequence[str] = (),
    only: Sequence[int] | None = None,
    kinds: Sequence[FollowupKind] | None = None,
) -> list[int]:
    """Take up to `batch` due follow-ups for `dispatcher` until `lease_until`; their ids, oldest first.
    Rows of `skip_teams` (workspaces whose deliveries are paused) stay due, untouched; with `only`, no
    other row than these is taken (an admin's re-send). Scheduled follow-ups unless `kinds` says which:
    the inbound and outbox rows (`WORK_KINDS`) are `bot.work`'s."""
    picked = select(Followup.id).where(
        _claimable(now),
        Followup.kind.in_(list(kinds)) if kinds is not None else Followup.kind.not_in(list(WORK_KINDS)),
    )
    if only is not None:
        picked = picked.where(Followup.id.in_(list(only)))
    if skip_teams:
        picked = picked.where(Followup.team_id.not_in(list(skip_teams)))
    picked = picked.order_by(Followup.due_at, Followup.id).limit(batch)
    if session.get_bind().dialect.name == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    # Two statements, not `WHERE id IN (the pick)`: PostgreSQL may rescan such a subquery once per due
    # row (a nested loop, chosen on a table not analysed yet), each rescan skipping the rows the UPDATE
    # already took, so one claim took every due row instead of `batch`, slowly.
    picked_ids = session.scalars(picked).all()
    if not picked_ids:
        return []
    claimed = session.execute(
        update(Followup)
        .where(Followup.id.in_(picked_ids), _claimable(now))
        .values(
            state=FollowupState.CLAIMED,
            claimed_by=dispatcher,
            lease_expires_at=lease_until,
            attempts=Followup.attempts + 1,
        )
        .returning(Followup.id, Followup.due_at)
        .execution_options(synchronize_session=False)
    ).all()
    return [row.id for row in sorted(claimed, key=lambda row: (row.due_at, row.id))]


def claimed_followups(session: Session, followup_ids: Sequence[int], dispatcher: str) -> list[Followup]:
    """Those of these follow-ups `dispatcher` still holds, oldest first, loaded in one query with what
    rendering them reads: the recipient, and the pair with both its members."""
    return list(
        session.scalars(
            select(Followup)
            .where(
                Followup.id.in_(list(followup_ids)),
                Followup.state == FollowupState.CLAIMED,
                Followup.claimed_by == dispatcher,
            )
            .options(
                joinedload(Followup.recipient),
                joinedload(Followup.mentorship).joinedload(MentorshipRow.student),
                joinedload(Followup.mentorship).joinedload(MentorshipRow.mentor),
            )
            .order_by(Followup.due_at, Followup.id)
        )
    )


def _held_by(followup_id: int, dispatcher: str):  # type: ignore[no-untyped-def]
    return and_(
        Followup.id == followup_id,
        Followup.state == FollowupState.CLAIMED,
        Followup.claimed_by == dispatcher,
    )


def finish_claim(session: Session, followup_id: int, dispatcher: str, **values: object) -> bool:
    """Move a follow-up this dispatcher holds to its next state; False if its claim was lost meanwhile."""
    result = session.execute(
        update(Followup)
        .where(_held_by(followup_id, dispatcher))
        .values(claimed_by=None, lease_expires_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


@dataclass(frozen=True)
class SentMessage:
    """Where Slack put a follow-up's message."""

    followup_id: int
    channel_id: str | None
    message_ts: str | None


def record_sent(session: Session, sent: Sequence[SentMessage], dispatcher: str, now: datetime) -> int:
    """Mark these follow-ups sent, those `dispatcher` still holds; how many it held. One UPDATE run once a
    row (executemany): what `finish_claim` does for each, without building a statement for each."""
    if not sent:
        return 0
    statement = (
        update(Followup.__table__)
        .where(
            Followup.id == bindparam("sent_id"),
            Followup.state == FollowupState.CLAIMED,
            Followup.claimed_by == dispatcher,
        )
        .values(
            state=FollowupState.SENT,
            sent_at=now,
            channel_id=bindparam("sent_channel_id"),
            message_ts=bindparam("sent_message_ts"),
            last_error=None,
            claimed_by=None,
            lease_expires_at=None,
        )
    )
    result = session.execute(
        statement,
        [
            {"sent_id": one.followup_id, "sent_channel_id": one.channel_id, "sent_message_ts": one.message_ts}
            for one in sent
        ],
    )
    return result.rowcount


def mark_answered(session: Session, followup_id: int, recipient_id: int, answer: str, now: datetime) -> bool:
    """Record the recipient's answer once: a second click, or someone else's, changes nothing."""
    result = session.execute(
        update(Followup)
        .where(
            Followup.id == followup_id,
            Followup.recipient_id == recipient_id,
            Followup.state == FollowupState.SENT,
        )
        .values(state=FollowupState.ANSWERED, answer=answer, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def skip_due_followups_of(session: Session, recipient_id: int, reason: str) -> int:
    """Skip everything still waiting for a member Slack says is gone."""
    result = session.execute(
        update(Followup)
        .where(Followup.recipient_id == recipient_id, Followup.state == FollowupState.DUE)
        .values(state=FollowupState.SKIPPED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def snooze_next_followup(session: Session, followup_id: int, recipient_id: int, until: datetime) -> bool:
    result = session.execute(
        update(Followup)
        .where(
            Followup.id == followup_id,
            Followup.recipient_id == recipient_id,
            Followup.state == FollowupState.DUE,
        )
        .values(due_at=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def next_followup_of(session: Session, member_id: int) -> Followup | None:
    """The member's next follow-up still to be sent, soonest first."""
    return session.scalar(
        select(Followup)
        .where(Followup.recipient_id == member_id, Followup.state == FollowupState.DUE)
        .order_by(Followup.due_at, Followup.id)
        .limit(1)
    )


def prompt_rows(session: Session, mentorship_id: int, kinds: Sequence[str]) -> list[Followup]:
    """The pair's follow-ups of these kinds, in the order they were due."""
    return list(
        session.scalars(
            select(Followup)
            .where(Followup.mentorship_id == mentorship_id, Followup.kind.in_(list(kinds)))
            .order_by(Followup.due_at, Followup.id)
        )
    )


def meetings_held(session: Session, mentorship_id: int) -> int:
    return session.scalar(select(func.count()).where(Meeting.mentorship_id == mentorship_id)) or 0


def meetings_held_by_pair(session: Session, mentorship_ids: Iterable[int]) -> dict[int, int]:
    """`meetings_held` for many pairs in one query; pairs that never met are absent."""
    return dict(
        session.execute(  # type: ignore[arg-type]
            select(Meeting.mentorship_id, func.count())
            .where(Meeting.mentorship_id.in_(list(mentorship_ids)))
            .group_by(Meeting.mentorship_id)
        ).all()
    )


# ------------------------------------------------------------------------------------------------------
# What the sweeps look for


def resume_skipped_followups_of(session: Session, recipient_id: int, reason: str, now: datetime) -> int:
    """Put back what was skipped for `reason` and is still to come (a reactivated account)."""
    result = session.execute(
        update(Followup)
        .where(
            Followup.recipient_id == recipient_id,
            Followup.state == FollowupState.SKIPPED,
            Followup.last_error == reason,
            Followup.due_at >= now,
        )
        .values(state=FollowupState.DUE, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# ------------------------------------------------------------------------------------------------------
# Failed deliveries, for the admins' report and its re-send buttons


@dataclass(frozen=True)
class FailedFollowup:
    followup_id: int
    kind: str
    recipient_user_id: str
    error: str | None


def latest_failed_followups(session: Session, team_id: str, limit: int = 10) -> list[FailedFollowup]:
    """The workspace's latest failed follow-ups, the most recently due first."""
    rows = session.execute(
        select(Followup.id, Followup.kind, Member.slack_user_id, Followup.last_error)
        .join(Member, Member.id == Followup.recipient_id)
        .where(Followup.team_id == team_id, Followup.state == FollowupState.FAILED)
        .order_by(Followup.due_at.desc(), Followup.id.desc())
        .limit(limit)
    ).all()
    return [FailedFollowup(*row) for row in rows]


def put_failed_back_due(
    session: Session, team_id: str, followup_ids: Sequence[int] | None, now: datetime
) -> list[int]:
    """Make these failed follow-ups (all the workspace's with None) due now, their attempts counted
    afresh; the ids it moved. A conditional UPDATE from FAILED: a second click moves nothing, so a row
    is re-sent once however many admins click."""
    where = [Followup.team_id == team_id, Followup.state == FollowupState.FAILED]
    if followup_ids is not None:
        where.append(Followup.id.in_(list(followup_ids)))
    return list(
        session.scalars(
            update(Followup)
            .where(*where)
            .values(state=FollowupState.DUE, attempts=0, due_at=now, last_error=None)
            .returning(Followup.id)
            .execution_options(synchronize_session=False)
        )
    )
