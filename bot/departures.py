"""A member's Slack account deactivated or reactivated (the `user_change` event).

Slack does not fail a message to a deactivated user (python-slack-sdk #1156): it tells us with
`user_change` and `user.deleted: true`. The member then gets nothing more: their pending offers are
withdrawn (the requests go on to other mentors), an open request of theirs is cancelled, their waiting
follow-ups are skipped, and the other side of each live mentorship is told kindly. Mentorships and
counts stay as they were. A reactivation (`deleted: false`) undoes the stop: the follow-ups still to
come are put back.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.matching import offer_updates, withdrawn_offer_dms
from bot.members import member_locale
from bot.messages import mentorships as mentorship_messages
from bot.messages.offers import OfferOutcome
from bot.outcome import Notice, NoticeKind, Outcome
from storage.models import Member, Mentorship
from storage.queries.followups import resume_skipped_followups_of, skip_due_followups_of
from storage.queries.matching import withdraw_offers_to, withdraw_pending_offers
from storage.queries.members import find_member, mark_member_active, mark_member_inactive
from storage.queries.privacy import live_mentorship_ids
from storage.queries.requests import cancel_open_request
from storage.queries.status import open_request_of

logger = logging.getLogger(__name__)

DEACTIVATED = "recipient deactivated in Slack"


def member_changed(bot: BotContext, team_id: str, user: dict) -> Outcome:
    """React to a `user_change` event's user object; a member mentorbot does not know is left alone."""
    user_id = user.get("id")
    if not isinstance(user_id, str):
        return Outcome()
    if user.get("deleted"):
        return _deactivated(bot, team_id, user_id)
    _reactivated(bot, team_id, user_id)
    return Outcome()


def _deactivated(bot: BotContext, team_id: str, user_id: str) -> Outcome:
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        if member is None or not mark_member_inactive(session, member.id, now):
            return Outcome()  # unknown, or already known to be gone: nothing more to do
        withdrawn = withdraw_offers_to(session, member.id, now)
        request = open_request_of(session, member.id)
        if request is not None and cancel_open_request(session, request.id, member.id, now):
            withdrawn += [
                (offer_id, request.id) for offer_id in withdraw_pending_offers(session, request.id, now)
            ]
        skipped = skip_due_followups_of(session, member.id, DEACTIVATED)
        dms = withdrawn_offer_dms(bot, session, [offer_id for offer_id, _ in withdrawn])
        notices = [
            _partner_notice(bot, session, mentorship_id, member)
            for mentorship_id in live_mentorship_ids(session, member.id)
        ]
        reoffer = tuple(
            dict.fromkeys(
                request_id for _, request_id in withdrawn if request is None or request_id != request.id
            )
        )
    logger.info(
        "member %s deactivated in Slack: %d offers withdrawn, %d follow-ups skipped",
        member.id,
        len(dms),
        skipped,
    )
    return Outcome(
        notices=tuple(notice for notice in notices if notice is not None),
        updates=offer_updates(dms, OfferOutcome.WITHDRAWN),
        reoffer_requests=reoffer,
    )


def _partner_notice(bot: BotContext, session: Session, mentorship_id: int, gone: Member) -> Notice | None:
    mentorship = session.get(Mentorship, mentorship_id)
    partner_id = mentorship.mentor_id if mentorship.student_id == gone.id else mentorship.student_id
    partner = session.get(Member, partner_id) if partner_id is not None else None
    if partner is None or partner.inactive_since is not None:
        return None
    message = mentorship_messages.partner_deactivated(
        member_locale(bot, partner), gone.slack_user_id, mentorship_id
    )
    return Notice(
        partner.slack_user_id, message, NoticeKind.PARTNER_DEACTIVATED, partner.id, (gone.id, partner.id)
    )


def _reactivated(bot: BotContext, team_id: str, user_id: str) -> None:
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        if member is None or not mark_member_active(session, member.id):
            return
        resumed = resume_skipped_followups_of(session, member.id, DEACTIVATED, now)
    logger.info("member %s reactivated in Slack: %d follow-ups resumed", member.id, resumed)
