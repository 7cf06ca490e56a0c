"""The dispatcher pass: plan what the clock made due, then claim, send and record due follow-ups.

Several passes may run at once (every `serve` process runs one a minute, an operator may run
`mentorbot dispatch`): the database decides who sends what. A pass claims rows with a lease
(`storage.queries.followups.claim_due_followups`), sends each one, and records the outcome only if it
still holds the claim; rows left claimed by a process that died are taken over once their lease runs out.
It claims scheduled follow-ups only, never `bot.work`'s inbound and outbox rows.

One workspace's trouble never holds another's follow-ups (`bot.fairness`):
- a pass shares itself between workspaces: it counts each workspace's due rows, then claims them in
  turn, round-robin, a share of up to `CLAIM_BATCH` of a workspace's oldest rows at a time, not the oldest
  rows of the whole table, so fifty schools with a term start's backlog each progress together. What the
  pass's own lanes make due (an escalation's notice to the admins) is counted again once the turns are
  done, and goes in the same pass;
- each share is a lane, run on one of `MENTORBOT_DISPATCH_THREADS` threads beside other workspaces'
  lanes, and a workspace is claimed again only once its lane is back: a workspace whose Slack answers
  slowly holds one thread, not the pass;
- each workspace is posted to at its own pace (`WorkspacePace`, `MENTORBOT_WORKSPACE_POSTS_PER_MINUTE`:
  Slack counts its limits per app and workspace, a minute at a time). A workspace whose budget is spent
  waits, its rows untouched, while others go on; when only such workspaces are left the pass ends rather
  than sleep, and the next pass carries on. A pass also ends once it has run for the dispatch interval
  or handled `MAX_ROWS_PER_PASS` rows.

Slack trouble never loses a message (`bot.slack` reads what each failure means): a 429 puts the row back
until Retry-After has passed and gives the rest of that workspace's lane back untried; the workspace sits
out the rest of the pass, and this process's passes send it nothing more until Retry-After, while the
other workspaces go on. A refused bot token pauses the workspace — its rows stay due, nothing is marked
failed or inactive — and each pass asks Slack (auth.test) whether the token works again before sending
it anything. 5xx and network errors retry with a growing backoff up to `MAX_ATTEMPTS`, then the row is
marked failed with its error; an account Slack says is gone marks the member inactive and skips what was
waiting for them, logged once.

Quiet hours: a message goes out on a weekday within the school's hours in the recipient's time zone,
else it is held (its `due_at` moved to the next window), not sent.

A lane goes through two transactions (decide and render; record what was sent) after the claim that
several lanes share, not one or two a message: that is what keeps the pass's own work small beside
Slack's round trip.

The one uncovered gap: a process that dies between Slack's answers and recording "sent" leaves rows that
are sent again after their lease. That window is the posting of the lanes under way (at most
`CLAIM_BATCH` messages each, one lane a thread; what was sent is recorded even when a post raises); the
lease is long enough for a lane, so a slow pass never loses its rows to another.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from bot import slack
from bot.context import BotContext
from bot.fairness import ClaimTurns
from bot.followups import (
    DEFAULT_TIMEZONE,
    close_silent_mentorships,
    next_window_start,
    plan_weekly_digest,
    render_followup,
)
from bot.matching import expire_stale_offers
from bot.messages.kit import Message
from bot.metrics import count_delivery
from bot.programme import programme_settings
from bot.recognition import plan_year_end_notes
from bot.requests import expire_unmatched_requests, plan_never_asked_reminders
from bot.slack import SLACK_FAILURES, SlackFailure, Trouble
from bot.work import carry_out, run_work_pass
from storage.models import Followup, FollowupKind, FollowupState, Member, ProgrammeSettings
from storage.queries import followups as queries
from storage.queries.delivery import UNINSTALLED, paused_workspaces
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
    paused_teams: list[str] = field(default_factory=list)  # workspaces whose token Slack refuses
    work_rows: int = 0  # inbound and outbox rows carried out (`bot.work`)
    # Workspaces Slack answered 429, and the Retry-After it gave: they sat out the rest of the pass.
    rate_limited_teams: dict[str, int] = field(default_factory=dict)
    # Claims given back untried, due again at once (the pair's other prompt waits for this one's record).
    given_back: int = 0

    def lines(self) -> list[str]:
        lines = [
            f"dispatch as of {self.now.isoformat()}: planned {self.planned}, sent {len(self.sent)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)}, held {len(self.held)}, "
            f"retrying {len(self.retrying)}, inbound and outbox rows {self.work_rows}"
        ]
        lines += [
            f"paused: workspace {team_id} (Slack refuses its bot token)" for team_id in self.paused_teams
        ]
        lines += [
            f"rate limited: workspace {team_id} (Slack asked to wait {seconds} s): its follow-ups wait, "
            "the other workspaces' went on"
            for team_id, seconds in self.rate_limited_teams.items()
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

    def add(self, lane: DispatchReport) -> None:
        """What one lane of this pass did (`_send_lane`)."""
        self.sent += lane.sent
        self.skipped += lane.skipped
        self.failed += lane.failed
        self.held += lane.held
        self.retrying += lane.retrying
        self.paused_teams += [team_id for team_id in lane.paused_teams if team_id not in self.paused_teams]
        self.rate_limited_teams.update(lane.rate_limited_teams)
        self.given_back += lane.given_back


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
    """One pass as of `now` (the bot's clock by default): sweeps, then the due follow-ups (with `only`,
    just these: an admin's re-send, which sweeps nothing), each workspace's share in turn.

    A share is a lane: one transaction claims the shares of a few workspaces, then each workspace's lane
    runs on a thread of its own, deciding and rendering in one transaction, calling Slack for each message
    outside any transaction, and recording what was sent in one more.
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
    _send_due_followups(bot, now, dispatcher, report, only)
    return report


def _send_due_followups(
    bot: BotContext, now: datetime, dispatcher: str, report: DispatchReport, only: Sequence[int] | None
) -> None:
    """Claim each workspace's share in turn and send it on a lane of its own, up to a lane a thread: a
    workspace is claimed again only once its last lane is back, so a slow one holds a thread, not the
    pass; one rate limited or paused sits out the rest of the pass."""
    turns = _turns(bot, now, report, only)
    # A pass ends in time for the next: what a workspace's pace left waiting goes then.
    ends_at = bot.clock.now() + timedelta(seconds=bot.config.dispatch_interval_seconds)
    threads = bot.config.dispatch_threads
    handled = handled_when_counted = 0
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mentorbot-dispatch") as pool:
        lanes: dict[Future[DispatchReport], str] = {}
        while True:
            if (
                len(lanes) < threads
                and handled < MAX_ROWS_PER_PASS
                and bot.clock.now() < ends_at
                and not bot.stopping.is_set()  # a graceful stop: the lanes running finish, no new claim
            ):
                shares = turns.next_shares(
                    lanes=threads - len(lanes),
                    share=CLAIM_BATCH,
                    rows=MAX_ROWS_PER_PASS - handled,
                    allowance=bot.pace.allowance,
                    busy=set(lanes.values()),
                )
                if shares:
                    with bot.sessions.begin() as session:
                        claimed = queries.claim_due_followups(
                            session,
                            dispatcher=dispatcher,
                            now=now,
                            lease_until=now + LEASE,
                            shares=shares,
                            only=only,
                        )
                    for team_id, share in shares.items():
                        turns.claimed(team_id, share, len(claimed.get(team_id, [])))
                    for team_id, followup_ids in claimed.items():
                        handled += len(followup_ids)
                        lanes[pool.submit(_send_lane, bot, followup_ids, dispatcher, now)] = team_id
                    continue
            if not lanes:
                if handled == handled_when_counted:
                    return
                # What the pass's own lanes made due meanwhile (an escalation's notice to the admins, a
                # survey's fit check) goes in this pass too: counted again, each workspace claimed while
                # its pace allows it a whole share.
                turns = _turns(bot, now, report, only, whole_shares=True)
                handled_when_counted = handled
                continue
            done, _ = wait(lanes, return_when=FIRST_COMPLETED)
            for lane in done:
                team_id = lanes.pop(lane)
                lane_report = lane.result()
                report.add(lane_report)
                turns.given_back(team_id, lane_report.given_back)
                if team_id in lane_report.rate_limited_teams or team_id in lane_report.paused_teams:
                    turns.leave_out(team_id)


def _turns(
    bot: BotContext,
    now: datetime,
    report: DispatchReport,
    only: Sequence[int] | None,
    *,
    whole_shares: bool = False,
) -> ClaimTurns:
    """Turns over the workspaces with follow-ups to claim, but those paused or rate limited."""
    with bot.sessions.begin() as session:
        waiting = queries.due_followup_counts(
            session, now=now, skip_teams=[*report.paused_teams, *report.rate_limited_teams], only=only
        )
    return ClaimTurns(waiting, whole_shares=whole_shares)


def _send_lane(bot: BotContext, claimed: Sequence[int], dispatcher: str, now: datetime) -> DispatchReport:
    """One workspace's share of the pass, claimed: decided, rendered, posted at its pace and recorded.
    Runs on a thread of the pass's pool, beside other workspaces' lanes; what it did, in a report of its
    own for the pass to add up."""
    report = DispatchReport(now=now)
    ready = _prepare_batch(bot, claimed, dispatcher, now, report)
    _send_batch(bot, ready, dispatcher, now, report)
    return report


def _still_paused(bot: BotContext) -> list[str]:
    """The paused workspaces whose token Slack still refuses; one auth.test each, so a token that works
    again resumes the workspace at the next pass without waiting for a message to fail or succeed.
    A workspace that uninstalled the app stays paused unasked: it has no token to try, and only its
    return (`bot.lifecycle.workspace_returned`) resumes it."""
    with bot.sessions.begin() as session:
        paused = paused_workspaces(session)
    still = []
    for team_id, reason in sorted(paused.items()):
        if reason == UNINSTALLED:
            still.append(team_id)
            continue
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
                count_delivery("recipient_gone")
                continue
            if tz is None:
                zone_unknown.append((item, recipient.id, followup.team_id))
                continue
            if followup.mentorship_id in pairs_prompted:
                # A meeting prompt looks back at the pair's earlier prompts: one rendered in this batch is
                # not recorded yet, so this one waits for the next batch, as if they had gone one by one.
                _give_back_in(session, [followup.id], dispatcher, report)
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
    """Post each of a workspace's messages, spending its pace; what went out is recorded in one
    transaction at the end, even if a post raised. Slack's errors are recorded as they come; once Slack
    refuses the workspace's token or rate limits it, the rest is given back untried."""
    sent: list[tuple[_Ready, SentMessage]] = []
    gone: set[int] = set()
    try:
        for position, one in enumerate(ready):
            if one.member_id in gone:  # Slack said so for an earlier message of this batch
                _skip_claim(bot, one.item, dispatcher, report, "recipient inactive")
                count_delivery("recipient_gone")
                continue
            bot.pace.spend(one.team_id)
            try:
                posted = slack.post_message(
                    bot.slack_clients.without_retries(one.team_id), one.channel, one.message
                )
            except SLACK_FAILURES as error:
                failure = slack.failure_of(error)
                _after_slack_failure(bot, failure, one, dispatcher, now, report)
                if failure.trouble is Trouble.RECIPIENT_GONE and not one.to_channel:
                    gone.add(one.member_id)
                elif failure.trouble in (Trouble.TOKEN, Trouble.RATE_LIMITED):
                    later = [waiting.item.followup_id for waiting in ready[position + 1 :]]
                    _give_back(bot, later, dispatcher, report)
                    return
                continue
            sent.append((one, SentMessage(one.item.followup_id, posted.channel_id, posted.ts)))
            count_delivery("sent")
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


def _give_back(bot: BotContext, followup_ids: Sequence[int], dispatcher: str, report: DispatchReport) -> None:
    """Claims not tried (Slack asked us to slow down, or refuses the token): due again at once, the
    attempt not counted."""
    if not followup_ids:
        return
    with bot.sessions.begin() as session:
        _give_back_in(session, followup_ids, dispatcher, report)


def _give_back_in(
    session: Session, followup_ids: Sequence[int], dispatcher: str, report: DispatchReport
) -> None:
    for followup_id in followup_ids:
        queries.finish_claim(
            session, followup_id, dispatcher, state=FollowupState.DUE, attempts=Followup.attempts - 1
        )
    report.given_back += len(followup_ids)


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
        report.rate_limited_teams[one.team_id] = retry_after
        bot.pace.hold(one.team_id, retry_after)
        count_delivery("rate_limited")
    elif failure.trouble is Trouble.TOKEN:
        # About our token, not the recipient: the row waits, its attempt not counted.
        _give_back(bot, [item.followup_id], dispatcher, report)
        slack.pause_workspace(bot.sessions, one.team_id, failure.code, now)
        if one.team_id not in report.paused_teams:
            report.paused_teams.append(one.team_id)
        count_delivery("paused")
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
    count_delivery("retrying")


def _fail(bot: BotContext, item: Delivered, dispatcher: str, report: DispatchReport, problem: str) -> None:
    logger.error("follow-up %s (%s) failed: %s", item.followup_id, item.kind, problem)
    with bot.sessions.begin() as session:
        queries.finish_claim(
            session, item.followup_id, dispatcher, state=FollowupState.FAILED, last_error=problem
        )
    report.failed.append(Delivered(item.followup_id, item.kind, item.user_id, problem))
    count_delivery("failed")


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
    count_delivery("recipient_gone")


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
