"""The mentors' queue: open requests in a mentor's topics that nobody took after a day, in their Home,
each with "I can take this". The student is then asked (Accept / No thanks); their Accept makes the match
through the matching's own atomic accept (claim the request, the offer, a place of the mentor, create the
mentorship, withdraw the other offers) and both are told as for any match.

The mentor's proposal is an offer whose origin is `mentor`: it counts among the request's pending
offers, keeps the mentor from being offered the same request twice, expires like any offer, and only the
request's student can accept it. Students who unticked "Let mentors in my topics see my request" are in
no queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.matching import (
    AcceptRefused,
    match_in_one_transaction,
    match_notices,
    named_topics,
    offer_updates,
)
from bot.members import Person, member_locale
from bot.messages import mentor_queue as messages
from bot.messages.kit import AnyBlock
from bot.messages.mentor_queue import QueuedRequest
from bot.messages.offers import OfferOutcome
from bot.outcome import Notice, NoticeKind, Outcome, reply
from bot.programme import programme_settings, topics_of
from storage.models import Member, Offer, OfferOrigin, OfferStatus, Role
from storage.queries import matching as queries

logger = logging.getLogger(__name__)

# A request enters the queue once the matching had a day to find someone.
QUEUE_AFTER = timedelta(days=1)
QUEUE_LENGTH = 10


def mentor_queue_section(bot: BotContext, session: Session, person: Person) -> list[AnyBlock]:
    """The Home section of an alumnus who can take a mentee now: up to ten waiting requests, oldest first;
    nothing for anyone else (a student, a paused or full mentor)."""
    if person.role is not Role.ALUMNUS:
        return []
    if not queries.is_available_mentor(
        session, team_id=person.team_id, member_id=person.member_id, student_id=0
    ):
        return []
    now = bot.clock.now()
    requests = queries.queued_requests(
        session,
        team_id=person.team_id,
        mentor_id=person.member_id,
        created_before=now - QUEUE_AFTER,
        limit=QUEUE_LENGTH,
    )
    if not requests:
        return []
    school_topics = topics_of(programme_settings(session, person.team_id))
    return messages.queue_section(
        person.locale,
        [
            QueuedRequest(
                request_id=request.id,
                topics=named_topics(school_topics, [item.topic for item in request.topics]),
                message=request.message,
                waiting_days=max(1, (now - request.created_at).days),
            )
            for request in requests
        ],
    )


def offer_to_take(bot: BotContext, person: Person, request_id: int) -> Outcome:
    """ "I can take this": the request is still in this mentor's queue and they can take a mentee, so an
    offer of theirs is recorded and the student asked. Their Home is refreshed either way."""
    now = bot.clock.now()
    refreshed = Outcome(homes=(person,))
    with bot.sessions.begin() as session:
        queued = queries.queued_requests(
            session,
            team_id=person.team_id,
            mentor_id=person.member_id,
            created_before=now - QUEUE_AFTER,
            limit=1,
            request_id=request_id,
        )
        if not queued:
            return reply(messages.queue_answer(person.locale, "queue.gone")) + refreshed
        request = queued[0]
        if not queries.is_available_mentor(
            session, team_id=person.team_id, member_id=person.member_id, student_id=request.student_id
        ):
            return reply(messages.queue_answer(person.locale, "queue.unavailable")) + refreshed
        if queries.lock_open_request(session, request_id) is None:
            return reply(messages.queue_answer(person.locale, "queue.gone")) + refreshed
        try:
            with session.begin_nested():  # a double click: the (request, mentor) unique key lets one in
                offer = queries.add_offer(
                    session,
                    team_id=person.team_id,
                    request_id=request_id,
                    mentor_id=person.member_id,
                    now=now,
                    origin=OfferOrigin.MENTOR,
                )
        except IntegrityError:
            return reply(messages.queue_answer(person.locale, "common.already_done")) + refreshed
        student = request.student
        topics = named_topics(
            topics_of(programme_settings(session, person.team_id)), [t.topic for t in request.topics]
        )
        ask = Notice(
            user_id=student.slack_user_id,
            message=messages.proposal_for_student(
                member_locale(bot, student), person.user_id, topics, offer.id
            ),
            kind=NoticeKind.MENTOR_PROPOSAL,
            recipient_id=student.id,
            about=(person.member_id,),
        )
    logger.info("mentor %s offered to take queued request %s", person.member_id, request_id)
    return (
        Outcome(reply=messages.queue_answer(person.locale, "queue.proposal_sent"), notices=(ask,)) + refreshed
    )


def _students_proposal(session: Session, person: Person, offer_id: int) -> Offer | None:
    """The offer if it is a mentor's proposal on this student's own request."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.origin != OfferOrigin.MENTOR or offer.request.student_id != person.member_id:
        logger.warning(
            "refused an answer to proposal %s by member %s: not theirs", offer_id, person.member_id
        )
        return None
    return offer


def confirm_proposal(bot: BotContext, person: Person, offer_id: int) -> Outcome:
    """The student's Accept: the match, made by the same accept as a mentor's, and both told."""
    now = bot.clock.now()
    mentor_user_id = ""
    try:
        with bot.sessions.begin() as session:
            offer = _students_proposal(session, person, offer_id)
            if offer is None:
                raise AcceptRefused("common.not_for_you")
            mentor_user_id = offer.mentor.slack_user_id
            match = match_in_one_transaction(
                bot, session, offer_id, offer.mentor_id, now, confirmed_by_student=True
            )
    except AcceptRefused as refusal:
        return reply(_refusal(bot, person, offer_id, refusal.key, mentor_user_id))
    return Outcome(
        reply=messages.proposal_answered(person.locale, mentor_user_id, accepted=True),
        replace_original=True,
        updates=offer_updates(match.withdrawn, OfferOutcome.TAKEN),
        notices=match_notices(match),
    )


def _refusal(bot: BotContext, person: Person, offer_id: int, key: str, mentor_user_id: str):  # type: ignore[no-untyped-def]
    if key == "common.not_for_you":
        return messages.queue_answer(person.locale, key)
    if key == "offer.you_are_full":
        return messages.queue_answer(person.locale, "queue.mentor_full", mentor=f"<@{mentor_user_id}>")
    with bot.sessions.begin() as session:
        offer = session.get(Offer, offer_id)
        accepted = offer is not None and offer.status == OfferStatus.ACCEPTED
    return messages.queue_answer(
        person.locale, "common.already_done" if accepted else "queue.proposal_closed"
    )


def refuse_proposal(bot: BotContext, person: Person, offer_id: int) -> Outcome:
    """The student's No thanks: the proposal is declined (the request stays open), the mentor thanked."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        offer = _students_proposal(session, person, offer_id)
        if offer is None:
            return reply(messages.queue_answer(person.locale, "common.not_for_you"))
        if not queries.claim_offer_decline(session, offer_id, offer.mentor_id, None, now):
            return reply(messages.queue_answer(person.locale, "queue.proposal_closed"))
        mentor: Member = offer.mentor
        told = Notice(
            user_id=mentor.slack_user_id,
            message=messages.queue_answer(member_locale(bot, mentor), "queue.mentor_told_refused"),
            kind=NoticeKind.MENTOR_PROPOSAL,
            recipient_id=mentor.id,
        )
        mentor_user_id = mentor.slack_user_id
    return Outcome(
        reply=messages.proposal_answered(person.locale, mentor_user_id, accepted=False),
        replace_original=True,
        notices=(told,),
    )
