"""Work owed since Slack got its ack, carried out so that nothing acknowledged is ever lost.

The ack records the payload as an inbound row (`record_inbound`, one short INSERT) before Slack gets
its answer. The work then runs as one unit of work (`carry_out`): the listener's every transaction is a
savepoint of one transaction (`JoinedSessions`), which also writes the outbox row of each message the
change caused (`bot.outbox`) and deletes the inbound row. Either all of it is committed, or none of it
and the inbound row is still there for another run. The outbox rows are then delivered at once by the
process that committed them (`deliver_outbox`).

Every row is claimed with a lease (`WORK_LEASE`) that a live process renews (`bot.runtime`); a process
that dies (kill -9, OOM, a lost machine) leaves its rows to whichever `serve`, `worker` or `mentorbot
dispatch` claims them once the lease ran out (`run_work_pass`), within a minute. A run whose claim was
lost meanwhile commits nothing (`LostClaim`), so a unit's change is made once. A message can be sent
twice only if its process dies after Slack took it and before the row is deleted — one message, and
only if the lease also ran out while it was being sent.

Outbox messages answer something a person just did: they go out at once, whatever the quiet hours.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from slack_bolt.request.internals import parse_body
from sqlalchemy.orm import Session

from bot.apology import apology_for
from bot.context import BotContext
from bot.deliver import deliver_item, given_up, post_notice, show_at_once
from bot.matching import offer_request, offer_waiting_requests
from bot.members import Person
from bot.outbox import Reoffer, item_of, outbox_items, payload_of
from bot.outcome import Outcome
from bot.slack import Trouble
from storage.models import Followup, FollowupKind, FollowupState
from storage.queries import work as queries
from storage.queries.followups import claim_due_followups, finish_claim

logger = logging.getLogger(__name__)
# Where a listener's failure is told, for every listener alike (as `handlers.background` names it).
listener_failures = logging.getLogger("mentorbot.listeners")

# Short, and renewed while the process lives (`bot.runtime.LeaseKeeper`): a dead process's rows are
# taken over within a minute.
WORK_LEASE = timedelta(seconds=45)
MAX_ATTEMPTS = 5
CLAIM_BATCH = 25


class LostClaim(Exception):
    """The row this run was carrying out was taken over by another process: this run commits nothing."""


class JoinedSessions:
    """The session factory of a unit of work: every `begin()` is a savepoint of one transaction, so that
    the programme's functions, written as several short transactions, commit together or not at all —
    together with the outbox rows of what they caused."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self._session.begin_nested():
            yield self._session


# ------------------------------------------------------------------------------------------------------
# The ack


def record_inbound(
    bot: BotContext,
    listener: str,
    team_id: str,
    user_id: str | None,
    payload: str | dict,
    content_type: str | None,
) -> int | None:
    """Record an acknowledged payload; its row id when this process carries it out at once (then it
    holds the claim), None when it is left to the workers (`serve --ack-only`)."""
    now = bot.clock.now()
    runs_here = bot.works_here
    stored = {"listener": listener, "user_id": user_id, "content_type": content_type}
    stored |= {"raw": payload} if isinstance(payload, str) else {"body": payload}
    with bot.sessions.begin() as session:
        (row_id,) = queries.record_work(
            session,
            FollowupKind.INBOUND,
            team_id,
            [stored],
            now=now,
            holder=bot.process_name if runs_here else None,
            lease_until=now + WORK_LEASE if runs_here else None,
        )
    return row_id if runs_here else None


# ------------------------------------------------------------------------------------------------------
# Units of work


def carry_out(
    bot: BotContext,
    work: Callable[[BotContext], Outcome],
    *,
    team_id: str,
    person: Person | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    finishing: int | None = None,
) -> None:
    """Run `work` as one unit: its change, the outbox rows of its messages and the end of the row it
    carries out (`finishing`, an inbound or a reoffer row this process holds) in one transaction; then
    show what cannot wait and deliver the outbox rows."""
    holder = bot.process_name
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        outcome = work(dataclasses.replace(bot, sessions=JoinedSessions(session)))
        queued = queries.record_work(
            session,
            FollowupKind.OUTBOX,
            team_id,
            [payload_of(item) for item in outbox_items(outcome, person, response_url)],
            now=now,
            holder=holder,
            lease_until=now + WORK_LEASE,
        )
        if finishing is not None and not queries.finish_work(session, finishing, holder):
            raise LostClaim(finishing)
    show_at_once(
        bot, outcome, team_id=team_id, person=person, response_url=response_url, trigger_id=trigger_id
    )
    deliver_outbox(bot, queued)


def deliver(bot: BotContext, outcome: Outcome, *, team_id: str) -> None:
    """Carry out an outcome already decided (a sweep's, a test's): its messages through the outbox."""
    carry_out(bot, lambda _: outcome, team_id=team_id)


def run_inbound(bot: BotContext, row_id: int) -> None:
    """Handle an inbound row this process holds: resolve who acted, then the unit of work."""
    with bot.sessions.begin() as session:
        row = queries.held_work(session, row_id, bot.process_name)
    if row is None:
        return  # done meanwhile, or another process took it over
    payload = row.payload
    handler = bot.inbound_handlers.get(payload.get("listener", ""))
    if handler is None:  # a payload recorded by another version of the bot
        _give_up(bot, row_id, f"no listener named {payload.get('listener')!r}")
        return
    body = payload["body"] if "body" in payload else parse_body(payload["raw"], payload.get("content_type"))
    try:
        person = handler.resolve(bot, body)
        trigger_id = body.get("trigger_id")
        response_url = body.get("response_url") or _first_response_url(body)
        carry_out(
            bot,
            lambda joined: handler.act(joined, person, body),
            team_id=row.team_id,
            person=person,
            response_url=response_url if isinstance(response_url, str) else None,
            trigger_id=trigger_id if isinstance(trigger_id, str) else None,
            finishing=row_id,
        )
    except LostClaim:
        logger.info("inbound %s was taken over by another process: left to it", row_id)
    except Exception as error:
        report_failure(bot, error, row.team_id, payload.get("user_id"))
        with bot.sessions.begin() as session:  # logged once, above: a second run would only fail again
            queries.fail_work(session, row_id, bot.process_name, f"listener failed: {type(error).__name__}")


def _first_response_url(body: dict) -> str | None:
    """A view submission's response_url, when its modal asked for one (`response_url_enabled`)."""
    urls = body.get("response_urls")
    if isinstance(urls, list) and urls and isinstance(urls[0], dict):
        return urls[0].get("response_url")
    return None


def report_failure(bot: BotContext, error: Exception, team_id: str | None, user_id: str | None) -> None:
    """The one error path: the traceback logged once, the person who acted told in their language."""
    listener_failures.error("listener failed: %s", type(error).__name__, exc_info=error)
    if team_id and user_id:
        post_notice(bot, team_id, apology_for(bot, team_id, user_id))


def _give_up(bot: BotContext, row_id: int, problem: str) -> None:
    logger.error("work %s given up: %s", row_id, problem)
    with bot.sessions.begin() as session:
        queries.fail_work(session, row_id, bot.process_name, problem)


# ------------------------------------------------------------------------------------------------------
# The outbox


def deliver_outbox(bot: BotContext, row_ids: Sequence[int]) -> None:
    """Deliver outbox rows this process holds, in order. A refused token or a 429 puts the workspace's
    remaining rows back, due when Slack allows; a passing failure retries the row with a backoff."""
    waiting: dict[str, datetime] = {}  # team → when its rows may go again
    for row_id in row_ids:
        with bot.sessions.begin() as session:
            row = queries.held_work(session, row_id, bot.process_name)
        if row is None:
            continue
        if row.team_id in waiting:
            _put_back(bot, row_id, waiting[row.team_id])
            continue
        item = item_of(row.payload)
        if isinstance(item, Reoffer):
            _reoffer(bot, row.team_id, row_id, item)
            continue
        failure = deliver_item(bot, row.team_id, item)
        now = bot.clock.now()
        if failure is None or failure.trouble in (Trouble.RECIPIENT_GONE, Trouble.REFUSED):
            with bot.sessions.begin() as session:  # delivered, or never will be (already acted on)
                queries.finish_work(session, row_id, bot.process_name)
        elif failure.trouble is Trouble.TOKEN:
            waiting[row.team_id] = now
            _put_back(bot, row_id, now)
        elif failure.trouble is Trouble.RATE_LIMITED:
            waiting[row.team_id] = now + timedelta(seconds=failure.retry_after_seconds)
            _put_back(bot, row_id, waiting[row.team_id])
        elif row.attempts >= MAX_ATTEMPTS:
            given_up(bot, item)
            _give_up(bot, row_id, f"{failure.code} (after {row.attempts} attempts)")
        else:
            _retry(bot, row_id, now + _backoff(row.attempts), failure.code)


def _reoffer(bot: BotContext, team_id: str, row_id: int, item: Reoffer) -> None:
    request_id = item.request_id
    try:
        carry_out(
            bot,
            lambda joined: (
                offer_request(joined, request_id)
                if request_id is not None
                else offer_waiting_requests(joined, team_id)
            ),
            team_id=team_id,
            finishing=row_id,
        )
    except LostClaim:
        logger.info("outbox %s was taken over by another process: left to it", row_id)


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30) * 2 ** max(attempts - 1, 0), timedelta(minutes=30))


def _put_back(bot: BotContext, row_id: int, due_at: datetime) -> None:
    """Due again at `due_at`, the attempt not counted: the workspace, not the message, had trouble."""
    with bot.sessions.begin() as session:
        finish_claim(
            session,
            row_id,
            bot.process_name,
            state=FollowupState.DUE,
            due_at=due_at,
            attempts=Followup.attempts - 1,
        )


def _retry(bot: BotContext, row_id: int, due_at: datetime, problem: str) -> None:
    with bot.sessions.begin() as session:
        finish_claim(
            session, row_id, bot.process_name, state=FollowupState.DUE, due_at=due_at, last_error=problem
        )


# ------------------------------------------------------------------------------------------------------
# Workers: whatever is due, or left by a process that died


def run_work_pass(
    bot: BotContext,
    now: datetime | None = None,
    *,
    skip_teams: Sequence[str] = (),
    run: Executor | None = None,
) -> int:
    """Claim due inbound rows, then due outbox rows (not of `skip_teams`, whose token Slack refuses), and
    carry them out — on `run` when given, waiting for all; how many rows were claimed."""
    now = now or bot.clock.now()
    claimed = 0
    for kinds, skip in (((FollowupKind.INBOUND,), ()), ((FollowupKind.OUTBOX,), skip_teams)):
        with bot.sessions.begin() as session:
            row_ids = claim_due_followups(
                session,
                dispatcher=bot.process_name,
                now=now,
                lease_until=now + WORK_LEASE,
                batch=CLAIM_BATCH,
                skip_teams=skip,
                kinds=kinds,
            )
        claimed += len(row_ids)
        if kinds == (FollowupKind.INBOUND,):
            jobs = [partial(run_inbound, bot, row_id) for row_id in row_ids]
        else:
            jobs = [partial(deliver_outbox, bot, row_ids)] if row_ids else []
        if run is None:
            for job in jobs:
                job()
        else:
            for future in [run.submit(job) for job in jobs]:
                future.result()
    return claimed


def hand_back(bot: BotContext) -> int:
    """At a graceful stop, after in-flight work had its time: every claim left, due again for another."""
    with bot.sessions.begin() as session:
        handed = queries.hand_back_claims(session, bot.process_name)
    if handed:
        logger.info("handed back %d unfinished rows to the other processes", handed)
    return handed
