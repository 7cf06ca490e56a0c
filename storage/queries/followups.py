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

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from storage.db import dialect_insert
from storage.models import (
    Followup,
    FollowupState,
    Meeting,
    Member,
    MentoringRequest,
    MentorProfile,
    MentorshipStatus,
    MentorTopic,
    Offer,
    OfferStatus,
    RequestStatus,
    Role,
    SurveyAnswer,
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
    period: str
    due_at: datetime
    mentorship_id: int | None = None
    request_id: int | None = None


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
) -> list[int]:
    """Take up to `batch` due follow-ups for `dispatcher` until `lease_until`; their ids, oldest first.
    Rows of `skip_teams` (workspaces whose deliveries are paused) stay due, untouched."""
    picked = select(Followup.id).where(_claimable(now))
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


def record_meeting(
    session: Session,
    *,
    team_id: str,
    mentorship_id: int,
    period: str,
    met_at: datetime,
    how: str | None,
    reported_by_id: int,
) -> None:
    """One meeting per prompt: the second of the pair to say "we met" adds nothing."""
    insert = dialect_insert(session)
    session.execute(
        insert(Meeting)
        .values(
            team_id=team_id,
            mentorship_id=mentorship_id,
            period=period,
            met_at=met_at,
            how=how,
            reported_by_id=reported_by_id,
        )
        .on_conflict_do_nothing(index_elements=["mentorship_id", "period"])
    )


def record_survey_answer(
    session: Session,
    *,
    team_id: str,
    mentorship_id: int,
    member_id: int,
    survey: str,
    rating: int | None,
    not_met_yet: bool,
    answered_at: datetime,
) -> None:
    """One answer per person and survey: when the same answer arrives twice (a retried or doubled
    click), the first one stays and the second adds nothing."""
    insert = dialect_insert(session)
    session.execute(
        insert(SurveyAnswer)
        .values(
            team_id=team_id,
            mentorship_id=mentorship_id,
            member_id=member_id,
            survey=survey,
            rating=rating,
            not_met_yet=not_met_yet,
            answered_at=answered_at,
        )
        .on_conflict_do_nothing(index_elements=["mentorship_id", "member_id", "survey"])
    )


def set_mentorship_status(
    session: Session,
    mentorship_id: int,
    *,
    from_status: MentorshipStatus,
    to_status: MentorshipStatus,
    unanswered_prompts: int = 0,
) -> bool:
    """Move a pair between active and dormant once; False when it was not in `from_status`."""
    result = session.execute(
        update(MentorshipRow)
        .where(MentorshipRow.id == mentorship_id, MentorshipRow.status == from_status)
        .values(status=to_status, unanswered_prompts=unanswered_prompts)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def extend_term(session: Session, mentorship_id: int, *, from_end: datetime, to_end: datetime) -> bool:
    """Renew once: of two renewals of the same term (one from each of the pair), one extends it."""
    result = session.execute(
        update(MentorshipRow)
        .where(
            MentorshipRow.id == mentorship_id,
            MentorshipRow.term_ends_at == from_end,
            MentorshipRow.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.DORMANT)),
        )
        .values(term_ends_at=to_end, status=MentorshipStatus.ACTIVE, unanswered_prompts=0)
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


# ------------------------------------------------------------------------------------------------------
# What the sweeps look for


def stale_offers(session: Session, team_id: str, offered_before: datetime, limit: int) -> list[Offer]:
    """Pending offers nobody answered in time."""
    return list(
        session.scalars(
            select(Offer)
            .where(
                Offer.team_id == team_id,
                Offer.status == OfferStatus.PENDING,
                Offer.offered_at <= offered_before,
            )
            .order_by(Offer.offered_at, Offer.id)
            .limit(limit)
        )
    )


def expire_offer(session: Session, offer_id: int, now: datetime) -> bool:
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.EXPIRED, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def unmatched_requests(
    session: Session, team_id: str, created_before: datetime, limit: int
) -> list[MentoringRequest]:
    return list(
        session.scalars(
            select(MentoringRequest)
            .where(
                MentoringRequest.team_id == team_id,
                MentoringRequest.status == RequestStatus.OPEN,
                MentoringRequest.created_at <= created_before,
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


def mentors_covering(session: Session, team_id: str, topic_keys: Sequence[str]) -> int:
    """Available mentors (not paused, not gone) who cover at least one of these topics."""
    return (
        session.scalar(
            select(func.count(func.distinct(MentorProfile.member_id)))
            .join(Member, Member.id == MentorProfile.member_id)
            .join(MentorTopic, MentorTopic.member_id == MentorProfile.member_id)
            .where(
                MentorProfile.team_id == team_id,
                MentorProfile.paused.is_(False),
                Member.inactive_since.is_(None),
                MentorTopic.topic.in_(list(topic_keys)),
            )
        )
        or 0
    )


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
