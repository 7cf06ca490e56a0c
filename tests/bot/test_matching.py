"""Offering as a top-up: never more than `offers_per_request` pending, whoever calls and however often."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, update

from bot.matching import offer_request, offer_waiting_requests
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from bot.work import deliver
from storage.models import Member, Offer, OfferStatus, RequestStatus
from tests.factories import make_mentor, make_request, make_student


def offer_statuses(sandbox: Sandbox) -> dict[str, OfferStatus]:
    with sandbox.bot.sessions.begin() as session:
        return {o.mentor.slack_user_id: OfferStatus(o.status) for o in session.scalars(select(Offer))}


def open_request_with_mentors(sandbox: Sandbox, mentors: list[str], *, status=RequestStatus.OPEN) -> int:  # type: ignore[no-untyped-def]
    with sandbox.bot.sessions.begin() as session:
        for n, user_id in enumerate(mentors):
            sandbox.slack.add_user(user_id)
            make_mentor(session, sandbox.team_id, user_id, capacity=2 + n)  # distinct scores, known order
        student = make_student(session, sandbox.team_id, "USTU")
        return make_request(session, sandbox.team_id, student, status=status).id


def test_offering_again_tops_up_to_the_limit_and_no_further(sandbox: Sandbox) -> None:
    request_id = open_request_with_mentors(sandbox, ["UA", "UB", "UC", "UD", "UE"])

    deliver(sandbox.bot, offer_request(sandbox.bot, request_id), team_id=sandbox.team_id)
    deliver(sandbox.bot, offer_request(sandbox.bot, request_id), team_id=sandbox.team_id)

    assert offer_statuses(sandbox) == {u: OfferStatus.PENDING for u in ("UE", "UD", "UC")}

    with sandbox.bot.sessions.begin() as session:  # one offer expires (the follow-ups' job)
        session.execute(
            update(Offer).where(Offer.mentor.has(Member.slack_user_id == "UD")).values(status="expired")
        )
    deliver(sandbox.bot, offer_request(sandbox.bot, request_id), team_id=sandbox.team_id)

    assert offer_statuses(sandbox) == {
        "UE": OfferStatus.PENDING,
        "UD": OfferStatus.EXPIRED,
        "UC": OfferStatus.PENDING,
        "UB": OfferStatus.PENDING,
    }


def test_a_closed_request_is_never_offered(sandbox: Sandbox) -> None:
    request_id = open_request_with_mentors(sandbox, ["UA"], status=RequestStatus.CANCELLED)

    deliver(sandbox.bot, offer_request(sandbox.bot, request_id), team_id=sandbox.team_id)
    offer_waiting_requests(sandbox.bot, sandbox.team_id)

    assert offer_statuses(sandbox) == {}


def test_an_offer_that_cannot_be_delivered_is_withdrawn_and_the_departed_mentor_skipped(
    sandbox: Sandbox,
) -> None:
    request_id = open_request_with_mentors(sandbox, ["UA", "UGONE"])
    with sandbox.bot.sessions.begin() as session:
        programme_settings(session, sandbox.team_id).offers_per_request = 1
    # chat.postMessage to a user id that can no longer be written to (account_inactive would be about
    # our own token, not the mentor).
    sandbox.slack.fail_next("chat.postMessage", error="channel_not_found")

    deliver(sandbox.bot, offer_request(sandbox.bot, request_id), team_id=sandbox.team_id)

    assert offer_statuses(sandbox) == {"UGONE": OfferStatus.WITHDRAWN}
    with sandbox.bot.sessions.begin() as session:
        gone = session.scalar(select(Member).where(Member.slack_user_id == "UGONE"))
        assert gone is not None and gone.inactive_since is not None

    deliver(sandbox.bot, offer_waiting_requests(sandbox.bot, sandbox.team_id), team_id=sandbox.team_id)

    assert offer_statuses(sandbox) == {"UGONE": OfferStatus.WITHDRAWN, "UA": OfferStatus.PENDING}


def test_offering_from_several_threads_at_once_still_stops_at_the_limit(sandbox: Sandbox) -> None:
    request_id = open_request_with_mentors(sandbox, [f"UM{n}" for n in range(8)])
    barrier = threading.Barrier(6)

    def offer() -> None:
        barrier.wait()
        deliver(sandbox.bot, offer_request(sandbox.bot, request_id), team_id=sandbox.team_id)

    with ThreadPoolExecutor(max_workers=6) as pool:
        for future in [pool.submit(offer) for _ in range(6)]:
            future.result()

    assert list(offer_statuses(sandbox).values()) == [OfferStatus.PENDING] * 3
