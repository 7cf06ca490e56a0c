"""Matching: who is available, who ranks first for a request, and the claims that make a match atomic.

Every claim is a conditional UPDATE whose row count says whether this caller won: the database, not the
order in which clicks arrive, decides who gets a request or the last place of a mentor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, or_, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from storage.db import dialect_insert
from storage.models import (
    ExcludedMatch,
    Member,
    MentoringRequest,
    MentorLanguage,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    MentorTopic,
    Offer,
    OfferOrigin,
    OfferStatus,
    RequestStatus,
    RequestTopic,
)
from storage.queries.members import unverified_alumni

# How a candidate's score is made. One shared topic is worth 10; speaking the student's preferred
# language is worth a bit more than one extra shared topic but less than two; each free place adds a
# little and each current mentee takes a little more away, so the load spreads across mentors.
TOPIC_WEIGHT = 10
LANGUAGE_WEIGHT = 15
SPARE_PLACE_WEIGHT = 2
CURRENT_MENTEE_WEIGHT = 3


def _profile_available(team_id: str) -> list[ColumnElement[bool]]:
    """A mentor profile that can take a mentee now: in the team, not paused, with a free place."""
    return [
        MentorProfile.team_id == team_id,
        MentorProfile.paused.is_(False),
        MentorProfile.active_mentee_count < MentorProfile.capacity,
    ]


def _available(team_id: str) -> list[ColumnElement[bool]]:
    """An available profile whose member is still in Slack (for queries that join `members`)."""
    return [*_profile_available(team_id), Member.inactive_since.is_(None)]


def mentor_score(shared_topics: ColumnElement[int], language: str) -> ColumnElement[int]:
    """A candidate's score, from their number of shared topics, the language, and their load: the one
    ranking the matching and the students' directory both use."""
    speaks_language = exists().where(
        MentorLanguage.member_id == MentorProfile.member_id, MentorLanguage.language == language
    )
    return (
        shared_topics * TOPIC_WEIGHT
        + case((speaks_language, literal(LANGUAGE_WEIGHT)), else_=literal(0))
        + (MentorProfile.capacity - MentorProfile.active_mentee_count) * SPARE_PLACE_WEIGHT
        - MentorProfile.active_mentee_count * CURRENT_MENTEE_WEIGHT
    )


def _excluded_for(student_id: int) -> Select[tuple[int]]:
    """The mentors a student said (or was told) were not a good fit: never offered to them again."""
    return select(ExcludedMatch.mentor_id).where(ExcludedMatch.student_id == student_id)


def exclude_match(
    session: Session, *, team_id: str, student_id: int, mentor_id: int, mentorship_id: int, now: datetime
) -> None:
    """Never match this student with this mentor again; recording it twice changes nothing."""
    insert = dialect_insert(session)
    session.execute(
        insert(ExcludedMatch)
        .values(
            team_id=team_id,
            student_id=student_id,
            mentor_id=mentor_id,
            mentorship_id=mentorship_id,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["student_id", "mentor_id"])
    )


def rank_mentors(
    session: Session,
    *,
    team_id: str,
    request_id: int,
    student_id: int,
    topics: Sequence[str],
    language: str,
    limit: int,
) -> list[int]:
    """The member ids of the best `limit` mentors for a request, best first.

    Candidates are available mentors sharing at least one topic with the request, never the student,
    never a mentor this request was already offered to (whatever they answered), never a mentor the
    student's earlier pair with was not a good fit. Ties go to the mentor
    who volunteered first, then to the lowest id, so the order is the same on every run.
    """
    if limit <= 0 or not topics:
        return []
    shared = (
        select(MentorTopic.member_id, func.count().label("shared_topics"))
        .where(MentorTopic.topic.in_(list(dict.fromkeys(topics))))
        .group_by(MentorTopic.member_id)
        .subquery("shared")
    )
    # Both read once per call, not once per candidate: the request's few offers (unique key), and the
    # few members Slack told us are gone (partial index `ix_members_team_inactive`), so no candidate
    # touches the members table.
    already_offered = select(Offer.mentor_id).where(Offer.request_id == request_id)
    gone = select(Member.id).where(Member.inactive_since.is_not(None))
    score = mentor_score(shared.c.shared_topics, language)
    return list(
        session.scalars(
            select(MentorProfile.member_id)
            .join(shared, shared.c.member_id == MentorProfile.member_id)
            .where(
                *_profile_available(team_id),
                MentorProfile.member_id != student_id,
                MentorProfile.member_id.not_in(gone),
                MentorProfile.member_id.not_in(already_offered),
                MentorProfile.member_id.not_in(_excluded_for(student_id)),
                MentorProfile.member_id.not_in(unverified_alumni(session, team_id)),
            )
            .order_by(score.desc(), MentorProfile.volunteered_at, MentorProfile.member_id)
            .limit(limit)
        )
    )


def is_available_mentor(session: Session, *, team_id: str, member_id: int, student_id: int) -> bool:
    """Whether this member can be offered a request now (a mentor the student named, say): never a
    mentor excluded for this student."""
    if member_id == student_id:
        return False
    return (
        session.scalar(
            select(MentorProfile.member_id)
            .join(Member, Member.id == MentorProfile.member_id)
            .where(
                MentorProfile.member_id == member_id,
                *_available(team_id),
                MentorProfile.member_id.not_in(_excluded_for(student_id)),
                MentorProfile.member_id.not_in(unverified_alumni(session, team_id)),
            )
        )
        is not None
    )


class MentorChoice(NamedTuple):
    """An available mentor as the student's search box shows them."""

    member_id: int
    display_name: str | None
    job_title: str | None
    industry: str | None


def search_available_mentors(
    session: Session, *, team_id: str, student_user_id: str, typed: str, limit: int = 100
) -> list[MentorChoice]:
    """Available mentors whose name, job title or industry contains `typed`, by name, for a search box;
    never one excluded for this student."""
    typed = typed.strip()
    student = aliased(Member)
    excluded = (
        select(ExcludedMatch.mentor_id)
        .join(student, student.id == ExcludedMatch.student_id)
        .where(student.team_id == team_id, student.slack_user_id == student_user_id)
    )
    conditions = [
        *_available(team_id),
        Member.slack_user_id != student_user_id,
        Member.id.not_in(excluded),
        Member.id.not_in(unverified_alumni(session, team_id)),
    ]
    if typed:
        pattern = "%" + typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(
                Member.display_name.ilike(pattern, escape="\\"),
                MentorProfile.job_title.ilike(pattern, escape="\\"),
                MentorProfile.industry.ilike(pattern, escape="\\"),
            )
        )
    rows = session.execute(
        select(Member.id, Member.display_name, MentorProfile.job_title, MentorProfile.industry)
        .join(MentorProfile, MentorProfile.member_id == Member.id)
        .where(*conditions)
        .order_by(func.lower(func.coalesce(Member.display_name, MentorProfile.job_title, "")), Member.id)
        .limit(limit)
    )
    return [MentorChoice(*row) for row in rows]


def mentor_topics_and_languages(session: Session, member_id: int) -> tuple[set[str], set[str]]:
    topics = set(session.scalars(select(MentorTopic.topic).where(MentorTopic.member_id == member_id)))
    languages = set(
        session.scalars(select(MentorLanguage.language).where(MentorLanguage.member_id == member_id))
    )
    return topics, languages


# ------------------------------------------------------------------------------------------------------
# Offers


def lock_open_request(session: Session, request_id: int) -> MentoringRequest | None:
    """The request if still open, locked until the end of the transaction so that two callers offering
    it at the same time take turns (PostgreSQL row lock; SQLite transactions already take turns)."""
    return session.scalar(
        select(MentoringRequest)
        .where(MentoringRequest.id == request_id, MentoringRequest.status == RequestStatus.OPEN)
        .options(selectinload(MentoringRequest.topics))
        .with_for_update(of=MentoringRequest)
    )


def offer_status_of(session: Session, request_id: int, mentor_id: int) -> OfferStatus | None:
    status = session.scalar(
        select(Offer.status).where(Offer.request_id == request_id, Offer.mentor_id == mentor_id)
    )
    return OfferStatus(status) if status is not None else None


def pending_offer_count(session: Session, request_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.request_id == request_id, Offer.status == OfferStatus.PENDING)
        )
        or 0
    )


def add_offer(
    session: Session,
    *,
    team_id: str,
    request_id: int,
    mentor_id: int,
    now: datetime,
    origin: OfferOrigin = OfferOrigin.MATCHING,
) -> Offer:
    offer = Offer(
        team_id=team_id,
        request_id=request_id,
        mentor_id=mentor_id,
        status=OfferStatus.PENDING,
        offered_at=now,
        origin=origin,
    )
    session.add(offer)
    session.flush()
    return offer


def record_offer_message(session: Session, offer_id: int, channel_id: str, message_ts: str) -> None:
    """Where the offer's DM is, so it can be updated once the request is answered or taken."""
    session.execute(
        update(Offer)
        .where(Offer.id == offer_id)
        .values(dm_channel_id=channel_id, message_ts=message_ts)
        .execution_options(synchronize_session=False)
    )


def offers_with_mentors(session: Session, offer_ids: Sequence[int]) -> list[Offer]:
    if not offer_ids:
        return []
    return list(
        session.scalars(
            select(Offer)
            .where(Offer.id.in_(list(offer_ids)))
            .options(selectinload(Offer.mentor))
            .order_by(Offer.id)
        )
    )


def withdraw_pending_offers(
    session: Session, request_id: int, now: datetime, *, except_offer_id: int | None = None
) -> list[int]:
    """Withdraw the request's pending offers (another mentor accepted, or the student cancelled)."""
    conditions = [Offer.request_id == request_id, Offer.status == OfferStatus.PENDING]
    if except_offer_id is not None:
        conditions.append(Offer.id != except_offer_id)
    return list(
        session.scalars(
            update(Offer)
            .where(*conditions)
            .values(status=OfferStatus.WITHDRAWN, answered_at=now)
            .returning(Offer.id)
            .execution_options(synchronize_session=False)
        )
    )


def withdraw_offer(session: Session, offer_id: int, now: datetime) -> None:
    """Withdraw one pending offer whose DM could not be delivered, so the request is not stuck on it."""
    session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.WITHDRAWN, answered_at=now)
        .execution_options(synchronize_session=False)
    )


def claim_offer_decline(
    session: Session, offer_id: int, mentor_id: int, reason: str | None, now: datetime
) -> bool:
    """Decline the offer if it is this mentor's and still pending; False otherwise."""
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.mentor_id == mentor_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.DECLINED, answered_at=now, decline_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


# ------------------------------------------------------------------------------------------------------
# The claims of an accept, made in one transaction by bot.matching


def claim_request_for_match(session: Session, request_id: int, now: datetime) -> bool:
    """Mark the request matched if it is still open. Of two accepts at once, exactly one gets True."""
    result = session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request_id, MentoringRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.MATCHED, matched_at=now, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_offer_acceptance(session: Session, offer_id: int, mentor_id: int, now: datetime) -> bool:
    """Mark the offer accepted if it is this mentor's and still pending."""
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.mentor_id == mentor_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.ACCEPTED, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def take_mentor_place(session: Session, member_id: int) -> bool:
    """Take one of the mentor's places; False when they have none left. Cannot overshoot under races:
    the condition is checked by the UPDATE itself, after any concurrent one has committed."""
    result = session.execute(
        update(MentorProfile)
        .where(
            MentorProfile.member_id == member_id, MentorProfile.active_mentee_count < MentorProfile.capacity
        )
        .values(active_mentee_count=MentorProfile.active_mentee_count + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_mentor_place(session: Session, member_id: int) -> None:
    """Give a place back (a mentorship ended); never below zero."""
    session.execute(
        update(MentorProfile)
        .where(MentorProfile.member_id == member_id, MentorProfile.active_mentee_count > 0)
        .values(active_mentee_count=MentorProfile.active_mentee_count - 1)
        .execution_options(synchronize_session=False)
    )


def create_mentorship(
    session: Session, request: MentoringRequest, mentor_id: int, now: datetime, term_days: int
) -> Mentorship:
    mentorship = Mentorship(
        team_id=request.team_id,
        request_id=request.id,
        student_id=request.student_id,
        mentor_id=mentor_id,
        status=MentorshipStatus.ACTIVE,
        started_at=now,
        term_ends_at=now + timedelta(days=term_days),
        unanswered_prompts=0,
    )
    session.add(mentorship)
    session.flush()
    return mentorship


def claim_first_contact(session: Session, mentorship_id: int, student_id: int, now: datetime) -> bool:
    """Record the student's first contact once; False if already recorded or not their mentorship."""
    result = session.execute(
        update(Mentorship)
        .where(
            and_(
                Mentorship.id == mentorship_id,
                Mentorship.student_id == student_id,
                Mentorship.first_contact_at.is_(None),
            )
        )
        .values(first_contact_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def withdraw_offers_to(session: Session, mentor_id: int, now: datetime) -> list[tuple[int, int]]:
    """Withdraw every pending offer to this mentor (their account was deactivated): (offer, request) ids."""
    return [
        (row.id, row.request_id)
        for row in session.execute(
            update(Offer)
            .where(Offer.mentor_id == mentor_id, Offer.status == OfferStatus.PENDING)
            .values(status=OfferStatus.WITHDRAWN, answered_at=now)
            .returning(Offer.id, Offer.request_id)
            .execution_options(synchronize_session=False)
        )
    ]


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


# ------------------------------------------------------------------------------------------------------
# Matching by hand, and the mentors' queue


class HandMatchCandidate(NamedTuple):
    """A mentor an admin may consider for a request, ranked as the matching ranks them, with what would
    stop an offer to them now."""

    member_id: int
    slack_user_id: str
    display_name: str | None
    paused: bool
    full: bool
    offered: OfferStatus | None  # this request was already put before them (a second offer cannot be)


def hand_match_candidates(
    session: Session,
    *,
    team_id: str,
    request_id: int,
    student_id: int,
    topics: Sequence[str],
    language: str,
    limit: int,
) -> list[HandMatchCandidate]:
    """The best `limit` mentors for a request by the matching's own score, *including* those who are
    paused, at capacity or already asked (flagged): an admin sees why the matching skipped them. Never
    the student, a member gone from Slack, or a mentor excluded for this student."""
    if limit <= 0 or not topics:
        return []
    shared = (
        select(MentorTopic.member_id, func.count().label("shared_topics"))
        .where(MentorTopic.topic.in_(list(dict.fromkeys(topics))))
        .group_by(MentorTopic.member_id)
        .subquery("shared")
    )
    offered = select(Offer.mentor_id, Offer.status).where(Offer.request_id == request_id).subquery("offered")
    score = mentor_score(shared.c.shared_topics, language)
    available = and_(*_profile_available(team_id), offered.c.status.is_(None))
    rows = session.execute(
        select(
            Member.id,
            Member.slack_user_id,
            Member.display_name,
            MentorProfile.paused,
            MentorProfile.active_mentee_count >= MentorProfile.capacity,
            offered.c.status,
        )
        .join(MentorProfile, MentorProfile.member_id == Member.id)
        .join(shared, shared.c.member_id == MentorProfile.member_id)
        .outerjoin(offered, offered.c.mentor_id == MentorProfile.member_id)
        .where(
            MentorProfile.team_id == team_id,
            MentorProfile.member_id != student_id,
            Member.inactive_since.is_(None),
            MentorProfile.member_id.not_in(_excluded_for(student_id)),
        )
        # The pickable ones first, each group by the matching's score.
        .order_by(
            case((available, 0), else_=1), score.desc(), MentorProfile.volunteered_at, MentorProfile.member_id
        )
        .limit(limit)
    )
    return [
        HandMatchCandidate(
            member_id=member_id,
            slack_user_id=user_id,
            display_name=name,
            paused=bool(paused),
            full=bool(full),
            offered=OfferStatus(status) if status is not None else None,
        )
        for member_id, user_id, name, paused, full, status in rows
    ]


def queued_requests(
    session: Session,
    *,
    team_id: str,
    mentor_id: int,
    created_before: datetime,
    limit: int,
    request_id: int | None = None,
) -> list[MentoringRequest]:
    """Open requests a mentor may offer to take from their Home, oldest first: made before
    `created_before`, their student letting mentors see them, sharing a topic with the mentor, never the
    mentor's own, never one already put before this mentor (whatever they answered), never a student
    this mentor was not a good fit for. `request_id`: only that one (to check a click)."""
    mentor_topics = select(MentorTopic.topic).where(MentorTopic.member_id == mentor_id)
    conditions = [
        MentoringRequest.team_id == team_id,
        MentoringRequest.status == RequestStatus.OPEN,
        MentoringRequest.visible_to_mentors.is_(True),
        MentoringRequest.created_at <= created_before,
        MentoringRequest.student_id != mentor_id,
        exists().where(RequestTopic.request_id == MentoringRequest.id, RequestTopic.topic.in_(mentor_topics)),
        ~exists().where(Offer.request_id == MentoringRequest.id, Offer.mentor_id == mentor_id),
        ~exists().where(
            ExcludedMatch.student_id == MentoringRequest.student_id, ExcludedMatch.mentor_id == mentor_id
        ),
    ]
    if request_id is not None:
        conditions.append(MentoringRequest.id == request_id)
    return list(
        session.scalars(
            select(MentoringRequest)
            .where(*conditions)
            .options(selectinload(MentoringRequest.topics), selectinload(MentoringRequest.student))
            .order_by(MentoringRequest.created_at, MentoringRequest.id)
            .limit(limit)
        )
    )
