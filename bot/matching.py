"""Offering requests to mentors and making matches: the first mentor to accept wins.

Offering: a request goes by DM to the best few available mentors (or first, alone, to the mentor the
student named). Offering is a top-up, done under a lock on the request: whoever calls it, and however
often, the request never has more than `offers_per_request` pending offers.

Accepting: one transaction claims the request, the offer and a place of the mentor with conditional
UPDATEs, creates the mentorship and withdraws the other offers. If any claim fails, everything rolls
back and the mentor is told why. Every function returns an `Outcome`: the DMs go out after the commit
(`bot.deliver`), so nobody is told of a match that did not happen.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.followups import plan_match_followups
from bot.members import Person, member_locale
from bot.messages import match as match_messages
from bot.messages import offers as offer_messages
from bot.messages.offers import OfferOutcome, RequestSummary
from bot.outcome import Notice, NoticeKind, Outcome, Update, reply
from bot.programme import Topic, charter_in_force, charter_text, programme_settings, topics_of
from storage.models import (
    Member,
    MentoringRequest,
    Mentorship,
    Offer,
    OfferOrigin,
    OfferStatus,
    RequestStatus,
)
from storage.queries import matching as queries
from storage.queries.requests import waiting_request_ids

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfferDm:
    """An offer's DM, where it is and in what language, to post or update it outside the transaction."""

    offer_id: int
    mentor_member_id: int
    student_member_id: int
    mentor_user_id: str
    locale: str
    channel_id: str | None
    message_ts: str | None
    request: RequestSummary
    suggested_by_programme: bool = False


def named_topics(all_topics: Sequence[Topic], keys: Sequence[str] | set[str]) -> list[Topic]:
    """The topics with these keys, in the school's order; a key the school since removed keeps its key
    as its label rather than disappearing from an old request."""
    known = {topic.key for topic in all_topics}
    chosen = [topic for topic in all_topics if topic.key in keys]
    chosen += [Topic(key=key, labels={"en": key}) for key in sorted(set(keys) - known)]
    return chosen


def summary_of(session: Session, request: MentoringRequest) -> RequestSummary:
    settings = programme_settings(session, request.team_id)
    return RequestSummary(
        request_id=request.id,
        student_user_id=request.student.slack_user_id,
        topics=named_topics(topics_of(settings), [item.topic for item in request.topics]),
        message=request.message,
        language=request.language,
    )


def _offer_dms(bot: BotContext, session: Session, offer_ids: Sequence[int]) -> list[OfferDm]:
    summaries: dict[int, RequestSummary] = {}
    dms = []
    for offer in queries.offers_with_mentors(session, offer_ids):
        if offer.request_id not in summaries:
            summaries[offer.request_id] = summary_of(session, offer.request)
        dms.append(
            OfferDm(
                offer_id=offer.id,
                mentor_member_id=offer.mentor_id,
                student_member_id=offer.request.student_id,
                mentor_user_id=offer.mentor.slack_user_id,
                locale=member_locale(bot, offer.mentor),
                channel_id=offer.dm_channel_id,
                message_ts=offer.message_ts,
                request=summaries[offer.request_id],
                suggested_by_programme=offer.origin == OfferOrigin.PROGRAMME,
            )
        )
    return dms


# ------------------------------------------------------------------------------------------------------
# Offering


def offer_request(bot: BotContext, request_id: int) -> Outcome:
    """Offer an open request to as many mentors as it lacks: their DMs, as notices.

    No notice when the request is closed, already has its offers out, or nobody can take it now.
    """
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        request = queries.lock_open_request(session, request_id)
        if request is None:
            return Outcome()
        mentor_ids = _mentors_to_offer(session, request)
        offer_ids = [
            queries.add_offer(
                session, team_id=request.team_id, request_id=request.id, mentor_id=mentor_id, now=now
            ).id
            for mentor_id in mentor_ids
        ]
        dms = _offer_dms(bot, session, offer_ids)
    return Outcome(notices=tuple(_offer_notice(dm) for dm in dms))


def _mentors_to_offer(session: Session, request: MentoringRequest) -> list[int]:
    """Who gets the request now: the named mentor alone first, else the best ranked to fill the gaps."""
    pending = queries.pending_offer_count(session, request.id)
    named = request.preferred_mentor_id
    if named is not None:
        named_offer = queries.offer_status_of(session, request.id, named)
        if named_offer is OfferStatus.PENDING:
            return []  # the student's choice answers first
        if (
            named_offer is None
            and pending == 0
            and queries.is_available_mentor(
                session, team_id=request.team_id, member_id=named, student_id=request.student_id
            )
        ):
            return [named]
    settings = programme_settings(session, request.team_id)
    return queries.rank_mentors(
        session,
        team_id=request.team_id,
        request_id=request.id,
        student_id=request.student_id,
        topics=[item.topic for item in request.topics],
        language=request.language,
        limit=settings.offers_per_request - pending,
    )


def _offer_notice(dm: OfferDm) -> Notice:
    """An offer's DM: delivered, its place is kept on the offer; undeliverable, the offer is withdrawn
    so it blocks nothing (`bot.deliver`)."""
    return Notice(
        user_id=dm.mentor_user_id,
        message=offer_messages.offer_message(
            dm.locale, dm.request, dm.offer_id, suggested_by_programme=dm.suggested_by_programme
        ),
        kind=NoticeKind.OFFER,
        recipient_id=dm.mentor_member_id,
        about=(dm.student_member_id,),
        offer_id=dm.offer_id,
    )


def offer_notices(bot: BotContext, session: Session, offer_ids: Sequence[int]) -> tuple[Notice, ...]:
    """The DMs of offers just added (by the matching or by an admin's hand), as notices."""
    return tuple(_offer_notice(dm) for dm in _offer_dms(bot, session, offer_ids))


def offer_waiting_requests(bot: BotContext, team_id: str) -> Outcome:
    """Offer every open request nobody is looking at to whoever is available now, oldest first.

    Called when a mentor volunteers, resumes, or a place frees up. Safe to call at any time, and from
    several places at once: each request is topped up under its own lock.
    """
    with bot.sessions.begin() as session:
        request_ids = waiting_request_ids(session, team_id)
    outcome = Outcome()
    for request_id in request_ids:
        outcome += offer_request(bot, request_id)
    return outcome


def offer_updates(dms: Sequence[OfferDm], outcome: OfferOutcome) -> tuple[Update, ...]:
    """These offers' DMs, their buttons replaced with what happened. A DM never delivered has none; the
    database already says the offer is closed, and a click on it is refused."""
    return tuple(
        Update(dm.channel_id, dm.message_ts, offer_messages.answered_offer(dm.locale, dm.request, outcome))
        for dm in dms
        if dm.channel_id and dm.message_ts
    )


def withdrawn_offer_dms(bot: BotContext, session: Session, offer_ids: Sequence[int]) -> list[OfferDm]:
    """The DMs of offers just withdrawn, for `offer_updates`."""
    return _offer_dms(bot, session, offer_ids)


# Each expired offer's DM is rewritten with chat.update, Tier 3 (50+ a minute per workspace): a pass a
# minute that expires at most 50 offers a workspace keeps to that pace instead of counting on 429s.
OFFER_EXPIRIES_PER_PASS = 50


def expire_stale_offers(bot: BotContext, team_id: str, now: datetime) -> Outcome:
    """Offers unanswered too long expire (once: a conditional UPDATE); their request goes on to the next
    candidates, and the mentor's DM loses its buttons. The oldest `OFFER_EXPIRIES_PER_PASS` a pass."""
    with bot.sessions.begin() as session:
        settings = programme_settings(session, team_id)
        cutoff = now - timedelta(days=settings.offer_expiry_days)
        expired = [
            (offer.id, offer.request_id)
            for offer in queries.stale_offers(session, team_id, cutoff, OFFER_EXPIRIES_PER_PASS)
            if queries.expire_offer(session, offer.id, now)
        ]
        dms = withdrawn_offer_dms(bot, session, [offer_id for offer_id, _ in expired])
    return Outcome(
        updates=offer_updates(dms, OfferOutcome.EXPIRED),
        reoffer_requests=tuple(dict.fromkeys(request_id for _, request_id in expired)),
    )


# ------------------------------------------------------------------------------------------------------
# Accepting


class AcceptRefused(Exception):
    """An accept that must change nothing; `key` is the catalogue message telling the mentor why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Match:
    """What the DMs of a new match need, read inside the accept's transaction."""

    mentorship_id: int
    accepted: OfferDm
    withdrawn: list[OfferDm]
    student_user_id: str
    student_locale: str
    shared_topics: list[Topic]
    shared_language: str | None
    charter_text: str
    team_id: str = ""


def accept_offer(bot: BotContext, person: Person, offer_id: int) -> Outcome:
    """A mentor clicked Accept: make the match if they are first, and tell everyone concerned."""
    try:
        with bot.sessions.begin() as session:
            match = match_in_one_transaction(bot, session, offer_id, person.member_id, bot.clock.now())
    except AcceptRefused as refusal:
        if refusal.key == "common.not_for_you":
            logger.warning(
                "refused an accept of offer %s by member %s: not theirs", offer_id, person.member_id
            )
        return reply(offer_messages.offer_refusal(person.locale, refusal.key))
    accepted = match.accepted
    return Outcome(
        reply=offer_messages.answered_offer(accepted.locale, accepted.request, OfferOutcome.ACCEPTED),
        replace_original=True,
        updates=offer_updates(match.withdrawn, OfferOutcome.TAKEN),
        notices=match_notices(match),
    )


def match_in_one_transaction(
    bot: BotContext,
    session: Session,
    offer_id: int,
    mentor_id: int,
    now: datetime,
    *,
    confirmed_by_student: bool = False,
) -> Match:
    """Every claim of an accept, in the caller's transaction; raises AcceptRefused to roll it all back.

    The order matters: the request first (of several mentors accepting it, one passes), then the offer
    (still pending, and the clicking member's, checked by the database rather than the button), then a
    place of the mentor (of one mentor accepting two requests, no more than their capacity pass).

    An offer a mentor made from their Home's queue is accepted by the student (`confirmed_by_student`,
    the caller having checked the request is theirs), never by the mentor who made it; every other offer
    the other way round.
    """
    offer = session.get(Offer, offer_id)
    if offer is None or offer.mentor_id != mentor_id:
        raise AcceptRefused("common.not_for_you")
    if (offer.origin == OfferOrigin.MENTOR) != confirmed_by_student:
        raise AcceptRefused("common.not_for_you")
    if offer.status == OfferStatus.ACCEPTED:
        raise AcceptRefused("common.already_done")
    request_id = offer.request_id
    if not queries.claim_request_for_match(session, request_id, now):
        session.refresh(offer)
        if offer.status == OfferStatus.ACCEPTED:  # the same mentor's click, twice at once
            raise AcceptRefused("common.already_done")
        status = session.get(MentoringRequest, request_id).status  # type: ignore[union-attr]
        raise AcceptRefused(
            "offer.request_withdrawn" if status == RequestStatus.CANCELLED else "offer.already_taken"
        )
    if not queries.claim_offer_acceptance(session, offer_id, mentor_id, now):
        raise AcceptRefused("common.already_done")
    if not queries.take_mentor_place(session, mentor_id):
        raise AcceptRefused("offer.you_are_full")

    request = session.get(MentoringRequest, request_id)
    assert request is not None
    settings = programme_settings(session, request.team_id)
    mentorship = queries.create_mentorship(session, request, mentor_id, now, settings.mentorship_term_days)
    # Follow-ups of the match are planned here, in the same transaction:
    plan_match_followups(session, mentorship, settings, now)
    withdrawn_ids = queries.withdraw_pending_offers(session, request_id, now, except_offer_id=offer_id)
    return _match_facts(bot, session, request, mentorship, offer_id, withdrawn_ids)


def _match_facts(
    bot: BotContext,
    session: Session,
    request: MentoringRequest,
    mentorship: Mentorship,
    offer_id: int,
    withdrawn_ids: Sequence[int],
) -> Match:
    accepted = _offer_dms(bot, session, [offer_id])[0]
    withdrawn = _offer_dms(bot, session, withdrawn_ids)
    mentor_topics, mentor_languages = queries.mentor_topics_and_languages(session, accepted.mentor_member_id)
    request_topics = {topic.key for topic in accepted.request.topics}
    student = request.student
    student_locale = member_locale(bot, student)
    return Match(
        mentorship_id=mentorship.id,
        accepted=accepted,
        withdrawn=withdrawn,
        student_user_id=student.slack_user_id,
        student_locale=student_locale,
        shared_topics=[
            topic for topic in accepted.request.topics if topic.key in mentor_topics & request_topics
        ],
        shared_language=request.language if request.language in mentor_languages else None,
        charter_text=charter_text(charter_in_force(session, request.team_id), student_locale),
        team_id=request.team_id,
    )


def match_notices(match: Match) -> tuple[Notice, ...]:
    """The student learns who their mentor is and that they write first; the mentor, who will write.
    Both show the pair (the mentor's quotes the student's request), so both are about both."""
    accepted = match.accepted
    student_dm = match_messages.match_for_student(
        match.student_locale,
        mentor_user_id=accepted.mentor_user_id,
        shared_topics=match.shared_topics,
        shared_language=match.shared_language,
        charter_text=match.charter_text,
        mentorship_id=match.mentorship_id,
        team_id=match.team_id,
    )
    request = accepted.request
    mentor_dm = match_messages.match_for_mentor(
        accepted.locale,
        student_user_id=match.student_user_id,
        topics=request.topics,
        request_message=request.message,
        language=request.language,
    )
    pair = (accepted.student_member_id, accepted.mentor_member_id)
    return (
        Notice(
            match.student_user_id, student_dm, NoticeKind.MATCH_FOR_STUDENT, accepted.student_member_id, pair
        ),
        Notice(
            accepted.mentor_user_id, mentor_dm, NoticeKind.MATCH_FOR_MENTOR, accepted.mentor_member_id, pair
        ),
    )


# ------------------------------------------------------------------------------------------------------
# Declining


def decline_modal_for(bot: BotContext, person: Person, offer_id: int) -> Outcome:
    """The decline modal, opened at once (the trigger dies after 3 s): one quick read, no call to Slack
    before it. A refusal instead when the offer is not this member's or no longer pending."""
    with bot.sessions.begin() as session:
        member = session.get(Member, person.member_id)
        refusal = _answer_refusal(member, session.get(Offer, offer_id))
    if refusal is not None:
        if refusal == "common.not_for_you":
            logger.warning("refused a decline of offer %s by %s: not theirs", offer_id, person.user_id)
        return reply(offer_messages.offer_refusal(person.locale, refusal))
    return Outcome(modal=offer_messages.decline_modal(person.locale, offer_id))


def _answer_refusal(member: Member | None, offer: Offer | None) -> str | None:
    if member is None or offer is None or offer.mentor_id != member.id:
        return "common.not_for_you"
    if offer.status != OfferStatus.PENDING:
        return "common.already_done"
    return None


def decline_offer(bot: BotContext, person: Person, offer_id: int, reason: str | None) -> Outcome:
    """A mentor submitted the decline modal: close their offer, and offer the request on.

    Answers the mentor only when the decline changed nothing (already answered, not theirs).
    """
    now = bot.clock.now()
    reason = (reason or "").strip()[: offer_messages.DECLINE_REASON_MAX_LENGTH] or None
    with bot.sessions.begin() as session:
        declined = queries.claim_offer_decline(session, offer_id, person.member_id, reason, now)
        dms = _offer_dms(bot, session, [offer_id]) if declined else []
        member = session.get(Member, person.member_id)
        if not declined and _answer_refusal(member, session.get(Offer, offer_id)) == "common.not_for_you":
            logger.warning(
                "refused a decline submission for offer %s by %s: not theirs", offer_id, person.user_id
            )
    if not declined:
        return reply(offer_messages.offer_refusal(person.locale, "common.already_done"))
    return Outcome(
        updates=offer_updates(dms, OfferOutcome.DECLINED), reoffer_requests=(dms[0].request.request_id,)
    )


# ------------------------------------------------------------------------------------------------------
# After the match


def record_first_contact(bot: BotContext, person: Person, mentorship_id: int) -> Outcome:
    """The student says they wrote to their mentor: noted once, and the match DM says so."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        if mentorship is None or mentorship.student_id != person.member_id:
            logger.warning(
                "refused a first contact on mentorship %s by member %s", mentorship_id, person.member_id
            )
            return reply(offer_messages.offer_refusal(person.locale, "common.not_for_you"))
        if not queries.claim_first_contact(session, mentorship_id, person.member_id, now):
            return reply(offer_messages.offer_refusal(person.locale, "common.already_done"))
        request = mentorship.request
        mentor = mentorship.mentor
        assert request is not None and mentor is not None
        mentor_topics, mentor_languages = queries.mentor_topics_and_languages(session, mentor.id)
        summary = summary_of(session, request)
        shared_topics = [topic for topic in summary.topics if topic.key in mentor_topics]
        charter = charter_text(charter_in_force(session, mentorship.team_id), person.locale)
    return reply(
        match_messages.match_for_student(
            person.locale,
            mentor_user_id=mentor.slack_user_id,
            shared_topics=shared_topics,
            shared_language=request.language if request.language in mentor_languages else None,
            charter_text=charter,
            mentorship_id=mentorship_id,
            first_contact_recorded=True,
            team_id=mentorship.team_id,
        ),
        replace_original=True,
    )
