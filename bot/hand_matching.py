"""Matching by hand: an admin opens "Find a mentor" on a request (from its unmatched alert or from
`/mentoring-stats requests`), sees the ranked candidates and a search, and picks one mentor, who gets
the offer marked "suggested by the programme" and accepts it through the matching's own atomic accept.

Candidates who are paused, at capacity or already asked are listed, flagged, but cannot be picked: an
offer to them could not be accepted (the accept claims a free place) or would go against their pause, so
sending it would only leave the request waiting on it. The admin sees why and can ask them first.

A request closed unmatched (the sweep after `unmatched_report_days`) opens again when an admin sends it
an offer, in the same transaction as the offer, and only when its student has no other open request (the
partial unique index decides) and fewer live mentorships than the school allows at once.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from bot import ids
from bot.context import BotContext
from bot.i18n import SUPPORTED_LOCALES
from bot.matching import named_topics, offer_notices
from bot.members import Person, member_locale, person_of
from bot.messages import hand_matching as messages
from bot.messages import requests as request_messages
from bot.messages.hand_matching import CANDIDATE_BLOCK, SEARCH_BLOCK, CandidateCard, RequestCard
from bot.outcome import Outcome, reply
from bot.programme import programme_settings, topics_of
from bot.stats import refuse_non_admin
from storage.models import MentoringRequest, OfferOrigin, RequestStatus
from storage.queries import matching as queries
from storage.queries.members import find_member
from storage.queries.mentorships import live_mentorships_as_student
from storage.queries.requests import reopen_expired_request, requests_for_admins

logger = logging.getLogger(__name__)

REQUEST_WORDS = ("requests", "demandes")
CANDIDATES_SHOWN = 10
LISTED_PER_KIND = 20


class _Refused(Exception):
    """A hand match that must change nothing (a reopened request closes again); `key` says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _card(bot: BotContext, session, request: MentoringRequest) -> RequestCard:  # type: ignore[no-untyped-def]
    settings = programme_settings(session, request.team_id)
    return RequestCard(
        request_id=request.id,
        student_user_id=request.student.slack_user_id,
        topics=named_topics(topics_of(settings), [item.topic for item in request.topics]),
        message=request.message,
        created_at=request.created_at,
        expired=request.status == RequestStatus.EXPIRED,
    )


def _request_in_team(session, person: Person, request_id: int) -> MentoringRequest | None:  # type: ignore[no-untyped-def]
    request = session.get(MentoringRequest, request_id)
    return request if request is not None and request.team_id == person.team_id else None


def list_requests_for_admins(bot: BotContext, person: Person) -> Outcome:
    """`/mentoring-stats requests`: the open requests and those closed unmatched in the last
    `unmatched_report_days`, each with "Find a mentor"."""
    if not person.is_admin:
        return reply(refuse_non_admin(person, "the requests to match by hand"))
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        days = programme_settings(session, person.team_id).unmatched_report_days
        open_ones, expired = requests_for_admins(
            session, person.team_id, now - timedelta(days=days), LISTED_PER_KIND
        )
        cards = [_card(bot, session, request) for request in open_ones]
        expired_cards = [_card(bot, session, request) for request in expired]
    return reply(messages.request_list(person.locale, cards, expired_cards, days))


def open_find_mentor(bot: BotContext, person: Person, request_id: int) -> Outcome:
    """The "Find a mentor" modal, opened at once (one short read: the trigger dies after 3 s)."""
    if not person.is_admin:
        return reply(refuse_non_admin(person, "find a mentor"))
    with bot.sessions.begin() as session:
        request = _request_in_team(session, person, request_id)
        if request is None or request.status not in (RequestStatus.OPEN, RequestStatus.EXPIRED):
            return reply(messages.hand_match_refusal(person.locale, "handmatch.request_closed"))
        ranked = queries.hand_match_candidates(
            session,
            team_id=request.team_id,
            request_id=request.id,
            student_id=request.student_id,
            topics=[item.topic for item in request.topics],
            language=request.language,
            limit=CANDIDATES_SHOWN,
        )
        card = _card(bot, session, request)
    candidates = [
        CandidateCard(
            member_id=candidate.member_id,
            user_id=candidate.slack_user_id,
            display_name=candidate.display_name,
            paused=candidate.paused,
            full=candidate.full,
            already_asked=candidate.offered is not None,
        )
        for candidate in ranked
    ]
    return Outcome(modal=messages.find_mentor_modal(person.locale, card, candidates))


def suggest_hand_match_mentors(
    bot: BotContext, team_id: str, user_id: str, view: dict, typed: str
) -> list[dict]:
    """Options of the modal's search: every available mentor matching what the admin typed, never the
    request's student nor one excluded for them. Nothing for anyone but an admin. Runs inside the ack."""
    request_id = modal_metadata(view)[0]
    with bot.sessions.begin() as session:
        admin = _admin_member(bot, session, team_id, user_id)
        request = session.get(MentoringRequest, request_id) if request_id else None
        if admin is None or request is None or request.team_id != team_id:
            return []
        mentors = queries.search_available_mentors(
            session, team_id=team_id, student_user_id=request.student.slack_user_id, typed=typed
        )
        return request_messages.mentor_options(member_locale(bot, admin), mentors)


def _admin_member(bot: BotContext, session, team_id: str, user_id: str):  # type: ignore[no-untyped-def]
    member = find_member(session, team_id, user_id)
    return member if member is not None and person_of(bot, member).is_admin else None


def read_pick(view: dict) -> tuple[int | None, int | None]:
    """The mentor picked in the ranked list and the one picked in the search (member ids or None)."""
    values = (view.get("state") or {}).get("values") or {}

    def picked(block_id: str, action_id: str) -> int | None:
        option = ((values.get(block_id) or {}).get(action_id) or {}).get("selected_option") or {}
        value = str(option.get("value") or "")
        return int(value) if value.isdecimal() else None

    return picked(CANDIDATE_BLOCK, ids.HAND_MATCH_CANDIDATE), picked(SEARCH_BLOCK, ids.HAND_MATCH_SELECT)


def pick_errors(view: dict, default_locale: str) -> dict[str, str]:
    """The modal's field error when no mentor or two were picked, in the admin's language; checked in
    the ack from the view alone."""
    locale = modal_metadata(view, default_locale)[1]
    in_list, in_search = read_pick(view)
    return messages.pick_errors(
        locale, picked_in_list=in_list is not None, picked_in_search=in_search is not None
    )


def hand_match(bot: BotContext, person: Person, view: dict) -> Outcome:
    """The admin's pick: the request (opened again if it had expired) goes to that mentor alone, as an
    offer suggested by the programme, in one transaction; nothing changes if any step is refused."""
    if not person.is_admin:
        return reply(refuse_non_admin(person, "a hand match"))
    request_id = modal_metadata(view)[0]
    in_list, in_search = read_pick(view)
    mentor_id = in_list if in_search is None else in_search
    if mentor_id is None or (in_list is not None and in_search is not None):
        return Outcome()  # the ack already said to pick one
    now = bot.clock.now()
    try:
        with bot.sessions.begin() as session:
            request = _request_in_team(session, person, request_id)
            if request is None:
                raise _Refused("handmatch.request_closed")
            student_id, student_user_id = request.student_id, request.student.slack_user_id
            reopened = False
            if request.status == RequestStatus.EXPIRED:
                limit = max(programme_settings(session, person.team_id).max_mentorships_per_student, 1)
                if len(live_mentorships_as_student(session, student_id)) >= limit:
                    raise _Refused("handmatch.cannot_reopen")
                if not reopen_expired_request(session, request_id, now):
                    raise _Refused("handmatch.cannot_reopen")
                reopened = True
            if queries.lock_open_request(session, request_id) is None:
                raise _Refused("handmatch.request_closed")
            if queries.offer_status_of(session, request_id, mentor_id) is not None or not (
                queries.is_available_mentor(
                    session, team_id=person.team_id, member_id=mentor_id, student_id=student_id
                )
            ):
                raise _Refused("handmatch.mentor_unavailable")
            offer = queries.add_offer(
                session,
                team_id=person.team_id,
                request_id=request_id,
                mentor_id=mentor_id,
                now=now,
                origin=OfferOrigin.PROGRAMME,
            )
            notices = offer_notices(bot, session, [offer.id])
    except _Refused as refusal:
        return reply(messages.hand_match_refusal(person.locale, refusal.key))
    logger.info(
        "admin %s offered request %s to member %s by hand%s",
        person.user_id,
        request_id,
        mentor_id,
        " (reopened)" if reopened else "",
    )
    sent = messages.offer_sent(person.locale, notices[0].user_id, student_user_id, reopened=reopened)
    return Outcome(reply=sent, notices=notices)


def modal_metadata(view: dict, default_locale: str = "fr") -> tuple[int, str]:
    """The request id (0 when missing or forged) and the admin's language the modal carries."""
    try:
        metadata = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        metadata = {}
    if not isinstance(metadata, dict):
        metadata = {}
    request_id = metadata.get("request_id")
    locale = metadata.get("locale")
    return (
        request_id if isinstance(request_id, int) and request_id > 0 else 0,
        locale if locale in SUPPORTED_LOCALES else default_locale,
    )
