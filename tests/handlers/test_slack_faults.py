"""When Slack itself stumbles on the interactive path: a 5xx or a 429 is retried and the person never
notices; a DM Slack keeps refusing waits in the outbox, then is given up cleanly, leaving the request open for
another mentor."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox
from bot.work import MAX_ATTEMPTS
from storage.models import MentoringRequest, Offer, OfferStatus, RequestStatus
from tests.factories import action_ids, ask_for_mentor, mentor_in_sandbox, student_in_sandbox
from tests.factories_followups import dispatch


def attempts(sandbox: Sandbox, method: str) -> list[int]:
    return [call.status for call in sandbox.slack.calls_to(method)]


def test_an_offer_dm_answered_500_once_is_retried_and_delivered_once(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UMENTOR", locale="en")
    sandbox.slack.fail_next("chat.postMessage", status=500)

    ask_for_mentor(sandbox, "USTU")

    offers = [m for m in sandbox.slack.messages_to("UMENTOR") if ids.ACCEPT_OFFER in action_ids(m)]
    assert len(offers) == 1
    assert attempts(sandbox, "chat.postMessage")[0] == 500


def test_a_rate_limited_modal_opening_waits_and_opens(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    sandbox.slack.fail_next("views.open", status=429, retry_after=0)

    sandbox.command("USTU", "request")

    assert attempts(sandbox, "views.open") == [429, 200]
    assert sandbox.slack.last_view_opened()["callback_id"] == ids.REQUEST_VIEW


def test_an_offer_that_slack_keeps_refusing_waits_then_is_withdrawn_and_the_request_stays_open(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UMENTOR", locale="en")
    sandbox.slack.fail_next("chat.postMessage", status=500, times=1000)

    ask_for_mentor(sandbox, "USTU")

    assert offer_and_request(sandbox) == (OfferStatus.PENDING, RequestStatus.OPEN)  # a passing failure
    for _ in range(MAX_ATTEMPTS * 2):  # the outbox row's backoff, hour after hour
        clock.advance(timedelta(hours=1))
        dispatch(sandbox)
    assert offer_and_request(sandbox) == (OfferStatus.WITHDRAWN, RequestStatus.OPEN)


def offer_and_request(sandbox: Sandbox) -> tuple[str | None, str | None]:
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(Offer.status)), session.scalar(select(MentoringRequest.status))
