"""The dispatcher pass: plan what the clock made due, then claim, send and record due follow-ups.

Several passes may run at once (every `serve` process runs one a minute, an operator may run
`mentorbot dispatch`): the database decides who sends what. A pass claims rows with a lease
(`storage.queries.followups.claim_due_followups`), sends each one, and records the outcome only if it
still holds the claim; rows left claimed by a process that died are taken over once their lease runs out.

Slack trouble never loses a message (`bot.slack` reads what each failure means): a 429 puts the row back
until Retry-After has passed and ends the pass (the workspace is being rate limited, the next pass
carries on); a refused bot token pauses the workspace — its rows stay due, nothing is marked failed or
inactive — and each pass asks Slack (auth.test) whether the token works again before sending it
anything; 5xx and network errors retry with a growing backoff up to `MAX_ATTEMPTS`, then the row is
marked failed with its error; an account Slack says is gone marks the member inactive and skips what was
waiting for them, logged once.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from bot import slack
from bot.context import BotContext
from bot.followups import (
    DEFAULT_TIMEZONE,
    close_silent_mentorships,
    next_window_start,
    plan_weekly_digest,
    render_followup,
)
from bot.matching import expire_stale_offers
from bot.messages.kit import Message
from bot.programme import programme_settings
from bot.recognition import plan_year_end_notes
from bot.requests import expire_unmatched_requests, plan_never_asked_reminders
from bot.slack import SLACK_FAILURES, SlackFailure, Trouble
from bot.work import carry_out, run_work_pass
from storage.models import Followup, FollowupKind, FollowupState, Member, ProgrammeSettings
from storage.queries import followups as queries
from storage.queries.delivery import paused_workspaces
from storage.queries.followups import SentMessage
from storage.queries.members import mark_member_inactive
from storage.queries.requests import teams_with_students

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
CLAIM_BATCH = 25
MAX_ATTEMPTS = 5
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
MAX_ROWS_PER_PASS = 5000


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
    paused_teams: list[str] = field(default_factory=list)  # workspaces whose token Slack refuses
    work_rows: int = 0  # inbound and outbox rows carried out (`bot.work`)

    def lines(self) -> list[str]:
        lines = [
            f"dispatch as of {self.now.isoformat()}: planned {self.planned}, sent {len(self.sent)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)}, held {len(self.held)}, "
            f"retrying {len(self.retrying)}, inbound and outbox rows {self.work_rows}"
            + (" (rate limited: the rest waits)" if self.rate_limited else "")
        ]
        lines += [
            f"paused: workspace {team_id} (Slack refuses its bot token)" for team_id in self.paused_teams
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


def backoff(attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def run_dispatch_pass(
    bot: BotContext,
    now: datetime | None = None,
    *,
    dispatcher: str | None = None,
    sweep: bool = True,
    only: Sequence[int] | None = None,
) -> DispatchReport:
    """One pass as of `now` (the bot's clock by default): sweeps, then every due follow-up (with `only`,
    just these: an admin's re-send, which sweeps nothing).

    Due follow-ups go a batch at a time: one transaction claims the batch, one decides and renders it,
    Slack is called for each message outside any transaction, and one transaction records what was sent.
    """
    now = now or bot.clock.now()
    dispatcher = dispatcher or bot.process_name
    report = DispatchReport(now=now)
    report.paused_teams = _still_paused(bot)
    if only is None:
        # What was acknowledged and not carried out yet, or left by a process that died, goes first.
        report.work_rows = run_work_pass(bot, now, skip_teams=report.paused_teams)
    if sweep and only is None:
        report.planned = run_sweeps(bot, now, skip_teams=report.paused_teams)
    handled = 0
    while handled < MAX_ROWS_PER_PASS and not report.rate_limited and not bot.stopping.is_set():
        with bot.sessions.begin() as session:
            claimed = queries.claim_due_followups(
                session,
                dispatcher=dispatcher,
                now=now,
                lease_until=now + LEASE,
                batch=CLAIM_BATCH,
                skip_teams=report.paused_teams,
                only=only,
            )
        if not claimed:
            break
        handled += len(claimed)
        ready = _prepare_batch(bot, claimed, dispatcher, now, report)
        _send_batch(bot, ready, dispatcher, now, report)
    return report


def _still_paused(bot: BotContext) -> list[str]:
    """The paused workspaces whose token Slack still refuses; one auth.test each, so a token that works
    again resumes the workspace at the next pass without waiting for a message to fail or succeed."""
    with bot.sessions.begin() as session:
        paused = paused_workspaces(session)
    still = []
    for team_id in sorted(paused):
        try:
            slack.team_of_token(bot.slack_clients.without_retries(team_id))
        except SLACK_FAILURES as error:
            if slack.failure_of(error).trouble is Trouble.TOKEN:
                still.append(team_id)
                continue
        # Its outbox rows, offers' DMs among them, go out in this pass (`bot.work`).
        slack.resume_if_paused(bot.sessions, team_id)
    return still


@dataclass(frozen=True)
class _Ready:
    """A claimed follow-up cleared to go out now: whom it is for, and the message to post."""

    item: Delivered
    team_id: str
    member_id: int
    attempts: int
    message: Message
    # Where it goes: the recipient's DM (their user id), or the admins' channel planned with it.
    channel: str

    @property
    def to_channel(self) -> bool:
        return self.channel != self.item.user_id


def _prepare_batch(
    bot: BotContext,
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
    for item, member_id, team_id in zone_unknown:
        if member_id not in known_tz:  # None: Slack says the account is gone, this follow-up is skipped
            known_tz[member_id] = _time_zone_of(bot, team_id, member_id, item, dispatcher, now, report)
    found = {member_id: tz for member_id, tz in known_tz.items() if tz is not None}
    more, _ = _decide(bot, [item.followup_id for item, _, _ in zone_unknown], dispatcher, now, report, found)
    position = {followup_id: number for number, followup_id in enumerate(claimed)}
    return sorted(ready + more, key=lambda ready_one: position[ready_one.item.followup_id])


def _decide(
    bot: BotContext,
    followup_ids: Sequence[int],
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
    known_tz: dict[int, str],
) -> tuple[list[_Ready], list[tuple[Delivered, int, str]]]:
    """In one transaction, hold (quiet hours), skip (no longer relevant) or render each follow-up still
    held by `dispatcher`. Returns those ready to post, and (item, member id, team) of those whose recipient's
    time zone is unknown."""
    ready: list[_Ready] = []
    zone_unknown: list[tuple[Delivered, int, str]] = []
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
                zone_unknown.append((item, recipient.id, followup.team_id))
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
            if followup.kind == FollowupKind.MEETING_PROMPT and followup.mentorship_id is not None:
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
            channel = followup.channel_id or recipient.slack_user_id
            ready.append(
                _Ready(item, followup.team_id, recipient.id, followup.attempts, rendered.message, channel)
            )
    return ready, zone_unknown


def _send_batch(
    bot: BotContext,
    ready: Sequence[_Ready],
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> None:
    """Post each message; what went out is recorded in one transaction at the end, even if a post raised.
    Slack's errors are recorded as they come; after a 429 the rest of the batch is given back untried."""
    sent: list[tuple[_Ready, SentMessage]] = []
    gone: set[int] = set()
    paused: set[str] = set(report.paused_teams)
    try:
        for position, one in enumerate(ready):
            if one.team_id in paused:  # its token was refused earlier in this batch: it waits, untried
                _give_back(bot, [one.item.followup_id], dispatcher)
                continue
            if one.member_id in gone:  # Slack said so for an earlier message of this batch
                _skip_claim(bot, one.item, dispatcher, report, "recipient inactive")
                continue
            try:
                posted = slack.post_message(
                    bot.slack_clients.without_retries(one.team_id), one.channel, one.message
                )
            except SLACK_FAILURES as error:
                failure = slack.failure_of(error)
                _after_slack_failure(bot, failure, one, dispatcher, now, report)
                if failure.trouble is Trouble.RECIPIENT_GONE and not one.to_channel:
                    gone.add(one.member_id)
                elif failure.trouble is Trouble.TOKEN:
                    paused.add(one.team_id)
                elif report.rate_limited:
                    _give_back(bot, [later.item.followup_id for later in ready[position + 1 :]], dispatcher)
                    return
                continue
            sent.append((one, SentMessage(one.item.followup_id, posted.channel_id, posted.ts)))
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
    team_id: str,
    member_id: int,
    item: Delivered,
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> str | None:
    """The recipient's Slack time zone, looked up once and kept; the school's when Slack has none.
    None when Slack says the account is gone or deactivated (the follow-up is then skipped)."""
    try:
        user = slack.slack_user(bot.slack_clients.without_retries(team_id), item.user_id)
    except SLACK_FAILURES as error:
        failure = slack.failure_of(error)
        if failure.trouble is Trouble.RECIPIENT_GONE:
            _recipient_gone(bot, member_id, item, dispatcher, now, report, failure.code)
            return None
        return DEFAULT_TIMEZONE  # not worth holding a message for: send it in the school's hours
    if user.get("deleted"):
        _recipient_gone(bot, member_id, item, dispatcher, now, report, "deactivated")
        return None
    tz = user.get("tz") or DEFAULT_TIMEZONE
    with bot.sessions.begin() as session:
        member = session.get(Member, member_id)
        if member is not None:
            member.tz = tz
    return tz


def _after_slack_failure(
    bot: BotContext,
    failure: SlackFailure,
    one: _Ready,
    dispatcher: str,
    now: datetime,
    report: DispatchReport,
) -> None:
    item = one.item
    if failure.trouble is Trouble.RATE_LIMITED:
        retry_after = failure.retry_after_seconds
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
    elif failure.trouble is Trouble.TOKEN:
        # About our token, not the recipient: the row waits, its attempt not counted.
        _give_back(bot, [item.followup_id], dispatcher)
        slack.pause_workspace(bot.sessions, one.team_id, failure.code, now)
        if one.team_id not in report.paused_teams:
            report.paused_teams.append(one.team_id)
    elif failure.trouble is Trouble.RECIPIENT_GONE and one.to_channel:
        # The admins' channel is gone or the bot is not in it: the admin is not, so only this row fails
        # (the report's failed follow-ups show it).
        _fail(bot, item, dispatcher, report, f"{failure.code} (admins' channel {one.channel})")
    elif failure.trouble is Trouble.RECIPIENT_GONE:
        _recipient_gone(bot, one.member_id, item, dispatcher, now, report, failure.code)
    elif failure.trouble is Trouble.TRANSIENT:
        _retry_or_fail(bot, item, one.attempts, dispatcher, now, report, failure.code)
    else:
        _fail(bot, item, dispatcher, report, failure.code)


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
        newly_inactive = mark_member_inactive(session, member_id, now)
        skipped = queries.skip_due_followups_of(session, member_id, f"recipient inactive: {code}")
    if newly_inactive:
        logger.warning(
            "member %s marked inactive (%s); %d waiting follow-ups skipped", member_id, code, skipped
        )
    report.skipped.append(Delivered(item.followup_id, item.kind, item.user_id, code))


# ------------------------------------------------------------------------------------------------------
# Sweeps: what the passing of time, not an event, makes due — each done by the feature it belongs to


def run_sweeps(bot: BotContext, now: datetime, skip_teams: Sequence[str] = ()) -> int:
    """Expire unmatched requests and unanswered offers, plan student reminders, close silent pairs' ended
    terms and long-dormant mentorships, plan the school year's impact notes and the admins' weekly
    digest; how many rows planned.
    A paused workspace is left as it is: its offers' DMs could not be updated nor new ones sent."""
    with bot.sessions.begin() as session:
        teams = teams_with_students(session)
    planned = 0
    for team_id in (team for team in teams if team not in skip_teams):
        planned += expire_unmatched_requests(bot, team_id, now)
        carry_out(bot, partial(expire_stale_offers, team_id=team_id, now=now), team_id=team_id)
        planned += plan_never_asked_reminders(bot, team_id, now)
        carry_out(bot, partial(close_silent_mentorships, team_id=team_id, now=now), team_id=team_id)
        planned += plan_year_end_notes(bot, team_id, now)
        planned += plan_weekly_digest(bot, team_id, now)
    return planned
