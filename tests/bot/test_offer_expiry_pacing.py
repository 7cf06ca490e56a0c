"""Expiring offers rewrites each one's DM with chat.update (Tier 3, 50+ a minute per workspace): a
dispatcher pass expires at most `OFFER_EXPIRIES_PER_PASS` a workspace, so a backlog goes at Slack's pace
over successive passes (one a minute) instead of a burst that would draw 429s."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.dispatch import run_sweeps
from bot.matching import OFFER_EXPIRIES_PER_PASS
from bot.sandbox import Sandbox
from storage.models import Offer, OfferStatus
from tests.factories import make_mentor, make_offer, make_request, make_student


def expired_count(sandbox: Sandbox) -> int:
    with sandbox.bot.sessions.begin() as session:
        return (
            session.scalar(select(func.count()).select_from(Offer).where(Offer.status == OfferStatus.EXPIRED))
            or 0
        )


def test_a_backlog_of_stale_offers_expires_at_most_one_tier_3_minute_a_pass(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    backlog = OFFER_EXPIRIES_PER_PASS + 10
    with sandbox.bot.sessions.begin() as session:
        for n in range(backlog):
            student = make_student(session, sandbox.team_id, f"US{n}")
            mentor = make_mentor(session, sandbox.team_id, f"UM{n}")
            request = make_request(session, sandbox.team_id, student)
            make_offer(session, request, mentor, offered_at=clock.now())
    clock.advance(timedelta(days=4))  # past the 3 days an offer waits, before a request expires

    run_sweeps(sandbox.bot, clock.now())
    assert expired_count(sandbox) == OFFER_EXPIRIES_PER_PASS

    run_sweeps(sandbox.bot, clock.now() + timedelta(minutes=1))
    assert expired_count(sandbox) == backlog
