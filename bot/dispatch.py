"""The dispatcher pass: plan what the clock made due, then claim, send and record due follow-ups.

Several passes may run at once (every `serve` process runs one a minute, an operator may run
`mentorbot dispatch`): the database decides who sends what. A pass claims rows with a lease
(`storage.queries.followups.claim_due_followups`), sends each one, and records the outcome only if it
still holds the claim; rows left claimed by a process that died are taken over once their lease runs out.

Slack trouble never loses a message: a 429 puts the row back until Retry-After has passed and ends the
pass (the workspace is being rate limited, the next pass carries on); 5xx and network errors retry with
a growing backoff up to `MAX_ATTEMPTS`, then the row is marked failed with its error; an account Slack
says is gone marks the member inactive and skips what was waiting for them, logged once.

Quiet hours: a message goes out on a weekday within the school's hours in the recipient's time zone,
else it is held (its `due_at` moved to the next window), not sent.

A batch goes through three transactions (claim; decide and render; record what was sent), not one or
two a message: that is what keeps the pass's own work small beside Slack's round trip.

The one uncovered gap: a process that dies between Slack's answers and recording "sent" leaves rows that
are sent again after their lease. That window is the posting of one batch (at most `CLAIM_BATCH`
messages; what was sent is recorded even when a post raises); the lease is long enough for a claim batch,
so a slow pass never loses its rows to another.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.followups import (
    DEFAULT_TIMEZONE,
    Kind,
    PlannedFollowup,
    next_window_start,
    plan_admin_notices,
    render_followup,
)
from bot.matching import offer_to_next_candidates, update_offer_dms, withdrawn_offer_dms
from bot.messages.kit import Message
from bot.messages.offers import OfferOutcome
from bot.programme import programme_settings
from storage.models import Followup, FollowupState, Member, ProgrammeSettings
from storage.queries import followups as queries
from storage.queries.followups import SentMessage

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
CLAIM_BATCH = 25
MAX_ATTEMPTS = 5
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
MAX_ROWS_PER_PASS = 5000
SWEEP_LIMIT = 500
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

# Slack's answers meaning the person cannot be reached any more: stop writing to them.
GONE_ERRORS = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "user_not_visible",
        "users_not_found",
    }
)
# Slack's answers worth another try later, beside 5xx statuses and network errors.
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})


@dataclass(frozen=True)
class Delivered:
    followup_id: int
    kind: str
    user_id: str
    detail: str = ""

    def line(self, outcome: str) -> str:
        return f"{outcome} #{self.followup_id} {self.kind} to {self.user_id}" + (
            f": {self.detail}" if self.detail else ""
        )


@dataclass
class DispatchReport:
    """What one pass did, for the operator (`mentorbot dispatch`) and for tests."""

    now: datetime
    planned: int = 0
    sent: list[Delivered] = field(default_factory=list)
    skipped: list[Delivered] = field(default_factory=list)
    failed: list[Delivered] = field(default_factory=list)
    held: list[Delivered] = field(default_factory=list)
    retrying: list[Delivered] = field(default_factory=list)
    rate_limited: bool = False

    def lines(self) -> list[str]:
        lines = [
            f"dispatch as of {self.now.isoformat()}: planned {self.planned}, sent {len(self.sent)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)}, held {len(self.held)}, "
            f"retrying {len(self.retrying)}"
            + (" (rate limited: the rest waits)" if self.rate_limited else "")
        ]
        for outcome, items in (
            ("sent", self.sent),
            ("skipped", self.skipped),
            ("failed", self.failed),
            ("held", self.held),
            ("retrying", self.retrying),
        ):
            lines += [item.line(outcome) for item in items]
        return lines


def dispatcher_name() -> str:
    """Who holds a claim: host, process and a random part, so two passes of one process differ too."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dispatch_client(bot: BotContext) -> WebClient:
    """The bot's client without its retry handlers: the dispatcher retries through the database, by
    moving `due_at`, rather than by sleeping in the pass."""
    return WebClient(token=bot.client.token, base_url=bot.client.base_url, timeout=10)


def backoff(attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def run_dispatch_pass(
    bot: BotContext,
    now: datetime | None = None,
    *,
    dispatcher: str | None = None,
    client: WebClient | None = None,
    sweep: bool = True,
) -> DispatchReport:
    """One pass as of `now` (the bot's clock by default): sweeps, then every due follow-up.

    Due follow-ups go a batch at a time: one transaction claims the batch, one decides and renders it,
    Slack is called for each message outside any transaction, and one transaction records what was sent.
    """
    now = now or bot.clock.now()
    dispatcher = dispatcher or dispatcher_name()
    client = client or dispatch_client(bot)
    report = DispatchReport(now=now)
    if sweep:
        report.planned = run_sweeps(bot, now)
    handled = 0
    while handled < MAX_ROWS_PER_PASS and not report.rate_limited:
        with bot.sessions.begin() as session:
            claimed = queries.claim_due_followups(
                session, dispatcher=dispatcher, now=now, lease_until=now + LEASE, batch=CLAIM_BATCH
            )
        if not claimed:
            break
        handled += len(claimed)
        ready = _prepare_batch(bot, client, claimed, dispatcher, now, report)
        _send_batch(bot, client, ready, dispatcher, now, report)
    return report


@dataclass(frozen=True)
class _Ready:
    """A claimed follow-up cleared to go out now: whom it is for, and the message to post."""

    item: Delivered
    member_id: int
    attempts: int
    message: Message


def _prepare_batch(
    bot: BotContext,
    client: WebClient,
    claimed: Sequence[int],
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> list[_Ready]:
    """Decide and render a claimed batch; those whose recipient's time zone is unknown are decided again
    once Slack has told it (asked once a member)."""
    ready, zone_unknown = _decide(bot, claimed, dispatcher, now, report, known_tz={})
    if not zone_unknown:
        return ready
    known_tz: dict[int, str | None] = {}
    for item, member_id in zone_unknown:
        if member_id not in known_tz:  # None: Slack says the account is gone, this follow-up is skipped
            known_tz[member_id] = _time_zone_of(bot, client, member_id, item, dispatcher, now, report)
    found = {member_id: tz for member_id, tz in known_tz.items() if tz is not None}
    more, _ = _decide(bot, [item.followup_id for item, _ in zone_unknown], dispatcher, now, report, found)
    position = {followup_id: number for number, followup_id in enumerate(claimed)}
    return sorted(ready + more, key=lambda ready_one: position[ready_one.item.followup_id])


def _decide(
    bot: BotContext,
    followup_ids: Sequence[int],
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
    known_tz: dict[int, str],
) -> tuple[list[_Ready], list[tuple[Delivered, int]]]:
    """In one transaction, hold (quiet hours), skip (no longer relevant) or render each follow-up still
    held by `dispatcher`. Returns those ready to post, and (item, member id) of those whose recipient's
    time zone is unknown."""
    ready: list[_Ready] = []
    zone_unknown: list[tuple[Delivered, int]] = []
    pairs_prompted: set[int] = set()
    with bot.sessions.begin() as session:
        settings_of_team: dict[str, ProgrammeSettings] = {}
        followups = queries.claimed_followups(session, followup_ids, dispatcher)
        meetings_by_pair = queries.meetings_held_by_pair(
            session, {followup.mentorship_id for followup in followups if followup.mentorship_id is not None}
        )
        for followup in followups:
            recipient = followup.recipient
            item = Delivered(followup.id, followup.kind, recipient.slack_user_id)
            tz = known_tz.get(recipient.id) or recipient.tz
            if recipient.inactive_since is not None:
                queries.finish_claim(
                    session,
                    followup.id,
                    dispatcher,
                    state=FollowupState.SKIPPED,
                    last_error="recipient inactive",
                )
                report.skipped.append(dataclasses.replace(item, detail="recipient inactive"))
                continue
            if tz is None:
                zone_unknown.append((item, recipient.id))
                continue
            if followup.mentorship_id in pairs_prompted:
                # A meeting prompt looks back at the pair's earlier prompts: one rendered in this batch is
                # not recorded yet, so this one waits for the next batch, as if they had gone one by one.
                _give_back_in(session, [followup.id], dispatcher)
                continue
            if followup.team_id not in settings_of_team:
                settings_of_team[followup.team_id] = programme_settings(session, followup.team_id)
            settings = settings_of_team[followup.team_id]
            opens_at = next_window_start(now, tz, settings.quiet_hours_start, settings.quiet_hours_end)
            if opens_at > now:
                queries.finish_claim(
                    session,
                    followup.id,
                    dispatcher,
                    state=FollowupState.DUE,
                    due_at=opens_at,
                    attempts=Followup.attempts - 1,
                )
                report.held.append(dataclasses.replace(item, detail=f"until {opens_at.isoformat()}"))
                continue
            if followup.kind == Kind.MEETING_PROMPT and followup.mentorship_id is not None:
                pairs_prompted.add(followup.mentorship_id)
            meetings_held = (
                meetings_by_pair.get(followup.mentorship_id, 0) if followup.mentorship_id else None
            )
            rendered = render_followup(bot, session, followup, now, meetings_held)
            if rendered.message is None:
                queries.finish_claim(
                    session,
                    followup.id,
                    dispatcher,
                    state=FollowupState.SKIPPED,
                    last_error=rendered.skip_reason,
                )
                report.skipped.append(dataclasses.replace(item, detail=rendered.skip_reason or ""))
                continue
            ready.append(_Ready(item, recipient.id, followup.attempts, rendered.message))
    return ready, zone_unknown


def _send_batch(
    bot: BotContext,
    client: WebClient,
    ready: Sequence[_Ready],
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> None:
    """Post each message; what went out is recorded in one transaction at the end, even if a post raised.
    Slack's errors are recorded as they come; after a 429 the rest of the batch is given back untried."""
    sent: list[tuple[_Ready, SentMessage]] = []
    gone: set[int] = set()
    try:
        for position, one in enumerate(ready):
            if one.member_id in gone:  # Slack said so for an earlier message of this batch
                _skip_claim(bot, one.item, dispatcher, report, "recipient inactive")
                continue
            try:
                answer = client.chat_postMessage(channel=one.item.user_id, **one.message.as_kwargs())
            except SlackApiError as error:
                _after_slack_error(bot, error, one.item, one.member_id, one.attempts, dispatcher, now, report)
                if error.response.get("error") in GONE_ERRORS:
                    gone.add(one.member_id)
                if report.rate_limited:
                    _give_back(bot, [later.item.followup_id for later in ready[position + 1 :]], dispatcher)
                    return
                continue
            except OSError as error:  # network trouble: refused, reset, timed out
                _retry_or_fail(
                    bot, one.item, one.attempts, dispatcher, now, report, f"network: {type(error).__name__}"
                )
                continue
            sent.append((one, SentMessage(one.item.followup_id, answer.get("channel"), answer.get("ts"))))
    finally:
        _record_sent(bot, sent, dispatcher, now, report)


def _record_sent(
    bot: BotContext,
    sent: Sequence[tuple[_Ready, SentMessage]],
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> None:
    if not sent:
        return
    with bot.sessions.begin() as session:
        recorded = queries.record_sent(session, [where for _, where in sent], dispatcher, now)
    if recorded < len(sent):
        logger.warning(
            "%d follow-ups were sent after their claim was lost; the lease is too short", len(sent) - recorded
        )
    report.sent.extend(one.item for one, _ in sent)


def _give_back(bot: BotContext, followup_ids: Sequence[int], dispatcher: str) -> None:
    """Claims not tried because Slack asked us to slow down: due again at once, the attempt not counted."""
    if not followup_ids:
        return
    with bot.sessions.begin() as session:
        _give_back_in(session, followup_ids, dispatcher)


def _give_back_in(session: Session, followup_ids: Sequence[int], dispatcher: str) -> None:
    for followup_id in followup_ids:
        queries.finish_claim(
            session, followup_id, dispatcher, state=FollowupState.DUE, attempts=Followup.attempts - 1
        )


def _skip_claim(
    bot: BotContext, item: Delivered, dispatcher: str, report: DispatchReport, reason: str
) -> None:
    with bot.sessions.begin() as session:
        queries.finish_claim(
            session, item.followup_id, dispatcher, state=FollowupState.SKIPPED, last_error=reason
        )
    report.skipped.append(dataclasses.replace(item, detail=reason))


def _time_zone_of(
    bot: BotContext,
    client: WebClient,
    member_id: int,
    item: Delivered,
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> str | None:
    """The recipient's Slack time zone, looked up once and kept; the school's when Slack has none.
    None when Slack says the account is gone (the follow-up is then skipped)."""
    try:
        user = client.users_info(user=item.user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") in GONE_ERRORS:
            _recipient_gone(bot, member_id, item, dispatcher, now, report, error.response.get("error"))
            return None
        return DEFAULT_TIMEZONE  # not worth holding a message for: send it in the school's hours
    except OSError:
        return DEFAULT_TIMEZONE
    if user.get("deleted"):
        _recipient_gone(bot, member_id, item, dispatcher, now, report, "account_inactive")
        return None
    tz = user.get("tz") or DEFAULT_TIMEZONE
    with bot.sessions.begin() as session:
        member = session.get(Member, member_id)
        if member is not None:
            member.tz = tz
    return tz


def _after_slack_error(
    bot: BotContext,
    error: SlackApiError,
    item: Delivered,
    member_id: int,
    attempts: int,
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> None:
    code = error.response.get("error") or "unknown_error"
    status = error.response.status_code
    if status == 429 or code == "ratelimited":
        retry_after = int(
            error.response.headers.get("Retry-After") or error.response.headers.get("retry-after") or 1
        )
        with bot.sessions.begin() as session:
            queries.finish_claim(
                session,
                item.followup_id,
                dispatcher,
                state=FollowupState.DUE,
                due_at=now + timedelta(seconds=retry_after),
                attempts=Followup.attempts - 1,
                last_error="ratelimited",
            )
        report.retrying.append(
            Delivered(item.followup_id, item.kind, item.user_id, f"429, retry after {retry_after} s")
        )
        report.rate_limited = True
    elif code in GONE_ERRORS:
        _recipient_gone(bot, member_id, item, dispatcher, now, report, code)
    elif status >= 500 or code in TRANSIENT_ERRORS:
        _retry_or_fail(bot, item, attempts, dispatcher, now, report, f"{status} {code}")
    else:
        _fail(bot, item, dispatcher, report, code)


def _retry_or_fail(
    bot: BotContext,
    item: Delivered,
    attempts: int,
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
    problem: str,
) -> None:
    if attempts >= MAX_ATTEMPTS:
        _fail(bot, item, dispatcher, report, f"{problem} (after {attempts} attempts)")
        return
    retry_at = now + backoff(attempts)
    with bot.sessions.begin() as session:
        queries.finish_claim(
            session,
            item.followup_id,
            dispatcher,
            state=FollowupState.DUE,
            due_at=retry_at,
            last_error=problem,
        )
    report.retrying.append(
        Delivered(item.followup_id, item.kind, item.user_id, f"{problem}, again at {retry_at}")
    )


def _fail(bot: BotContext, item: Delivered, dispatcher: str, report: DispatchReport, problem: str) -> None:
    logger.error("follow-up %s (%s) failed: %s", item.followup_id, item.kind, problem)
    with bot.sessions.begin() as session:
        queries.finish_claim(
            session, item.followup_id, dispatcher, state=FollowupState.FAILED, last_error=problem
        )
    report.failed.append(Delivered(item.followup_id, item.kind, item.user_id, problem))


def _recipient_gone(
    bot: BotContext,
    member_id: int,
    item: Delivered,
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
    code: str,
) -> None:
    with bot.sessions.begin() as session:
        queries.finish_claim(
            session, item.followup_id, dispatcher, state=FollowupState.SKIPPED, last_error=code
        )
        newly_inactive = queries.mark_member_inactive(session, member_id, now)
        skipped = queries.skip_due_followups_of(session, member_id, f"recipient inactive: {code}")
    if newly_inactive:
        logger.warning(
            "member %s marked inactive (%s); %d waiting follow-ups skipped", member_id, code, skipped
        )
    report.skipped.append(Delivered(item.followup_id, item.kind, item.user_id, code))


# ------------------------------------------------------------------------------------------------------
# Sweeps: follow-ups that the passing of time, not an event, makes due


def run_sweeps(bot: BotContext, now: datetime) -> int:
    """Expire unmatched requests and unanswered offers, plan student reminders; how many rows planned."""
    with bot.sessions.begin() as session:
        teams = queries.teams_with_students(session)
    planned = 0
    for team_id in teams:
        planned += _expire_unmatched_requests(bot, team_id, now)
        _expire_stale_offers(bot, team_id, now)
        planned += _plan_student_reminders(bot, team_id, now)
    return planned


def _expire_unmatched_requests(bot: BotContext, team_id: str, now: datetime) -> int:
    planned = 0
    with bot.sessions.begin() as session:
        settings = programme_settings(session, team_id)
        cutoff = now - timedelta(days=settings.unmatched_report_days)
        for request in queries.unmatched_requests(session, team_id, cutoff, SWEEP_LIMIT):
            if not queries.expire_request(session, request.id, now):
                continue
            logger.info(
                "request %s unmatched after %d days: closed", request.id, settings.unmatched_report_days
            )
            period = f"r{request.id}"
            planned += queries.plan_followups(
                session,
                [
                    PlannedFollowup(
                        team_id=team_id,
                        kind=Kind.REQUEST_UNMATCHED,
                        recipient_id=request.student_id,
                        period=period,
                        due_at=now,
                        request_id=request.id,
                    )
                ],
                now,
            )
            planned += plan_admin_notices(
                bot,
                session,
                Kind.ADMIN_REQUEST_UNMATCHED,
                team_id=team_id,
                period=period,
                now=now,
                request_id=request.id,
            )
    return planned


def _expire_stale_offers(bot: BotContext, team_id: str, now: datetime) -> None:
    """Offers unanswered too long expire (once: a conditional UPDATE); their request goes on to the next
    candidates, and the mentor's DM loses its buttons."""
    with bot.sessions.begin() as session:
        settings = programme_settings(session, team_id)
        cutoff = now - timedelta(days=settings.offer_expiry_days)
        expired = [
            (offer.id, offer.request_id)
            for offer in queries.stale_offers(session, team_id, cutoff, SWEEP_LIMIT)
            if queries.expire_offer(session, offer.id, now)
        ]
        dms = withdrawn_offer_dms(bot, session, [offer_id for offer_id, _ in expired])
    update_offer_dms(bot, dms, OfferOutcome.EXPIRED)
    for request_id in dict.fromkeys(request_id for _, request_id in expired):
        offer_to_next_candidates(bot, request_id)


def _plan_student_reminders(bot: BotContext, team_id: str, now: datetime) -> int:
    with bot.sessions.begin() as session:
        interval_days = programme_settings(session, team_id).student_reminder_interval_days
        if interval_days <= 0:
            return 0
        period = f"w{(now - EPOCH).days // interval_days}"
        students = queries.students_to_remind(session, team_id, now - timedelta(days=interval_days))
        return queries.plan_followups(
            session,
            [
                PlannedFollowup(
                    team_id=team_id,
                    kind=Kind.STUDENT_REMINDER,
                    recipient_id=student_id,
                    period=period,
                    due_at=now,
                )
                for student_id in students
            ],
            now,
        )
