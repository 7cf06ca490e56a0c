"""How a dispatcher pass shares Slack between workspaces: claims in turn, and each workspace's own pace.

Every school's follow-ups share one dispatcher, and one school's term-start reminders (a thousand DMs due
at once) must not make every other school wait behind them. So a pass takes turns (`ClaimTurns`): each
workspace with due follow-ups gets a share of the pass in round-robin order, the oldest of its own first,
instead of the pass taking the oldest rows of the whole table.

And Slack limits each app in each workspace on its own (docs.slack.dev, "Rate limits": limits apply per
method, per app, per workspace, counted in one-minute windows; chat.postMessage allows about one message
per second per channel, bursts above that, and a workspace-wide limit). `WorkspacePace` keeps each
workspace within its own budget of posts a minute, so one workspace's backlog spends its own budget and
no other's, and Slack never needs to answer 429; when it does anyway, that workspace alone waits out
Retry-After.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta

from bot.clock import Clock


class WorkspacePace:
    """How many messages each workspace may be sent now: at most `per_minute` a minute.

    A token bucket per workspace, holding at most a minute's worth (Slack counts a minute at a time, so a
    minute's budget may go out at once) and refilled continuously by the bot's clock. Kept by the
    process, across its passes: with several processes each keeps its own, so set `per_minute` to the
    workspace's budget divided between them. Thread-safe: a pass's lanes spend from it side by side.
    """

    def __init__(self, per_minute: int, clock: Clock) -> None:
        if per_minute < 1:
            raise ValueError("a workspace's pace is at least one message a minute")
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[float, datetime]] = {}  # workspace -> (tokens, as of when)
        self._held_until: dict[str, datetime] = {}

    def allowance(self, team_id: str) -> int:
        """How many messages `team_id` may be sent now (none while it waits out a Retry-After)."""
        with self._lock:
            now = self._clock.now()
            if self._held_until.get(team_id, now) > now:
                return 0
            return int(self._refilled(team_id, now))

    def spend(self, team_id: str) -> None:
        """One message to `team_id` is going out."""
        with self._lock:
            now = self._clock.now()
            self._tokens[team_id] = (self._refilled(team_id, now) - 1, now)

    def hold(self, team_id: str, seconds: int) -> None:
        """Slack answered 429: nothing more for `team_id` until Retry-After has passed."""
        with self._lock:
            self._held_until[team_id] = self._clock.now() + timedelta(seconds=seconds)

    def _refilled(self, team_id: str, now: datetime) -> float:
        tokens, as_of = self._tokens.get(team_id, (float(self.per_minute), now))
        gained = max((now - as_of).total_seconds(), 0.0) * self.per_minute / 60
        return min(tokens + gained, float(self.per_minute))


class ClaimTurns:
    """Whose turn it is to be claimed in a pass, and how much: round-robin over the workspaces with due
    follow-ups, each getting up to a share of the pass's lanes in turn, as far as its pace allows.

    Starts from how many rows each workspace has to claim (`storage.queries.followups.due_followup_counts`)
    and keeps the count as shares are claimed; a workspace that got fewer rows than asked has no more
    (another process took them), one that was rate limited or paused is out of the pass. A workspace
    served goes to the back of the queue; one passed over (busy, or out of allowance) keeps its place.
    """

    def __init__(self, waiting: Mapping[str, int], *, whole_shares: bool = False) -> None:
        """`whole_shares`: a workspace whose allowance is less than a whole share (`share` rows, or all it
        has waiting) waits for a later pass instead of taking what its pace has just refilled, one row at
        a time."""
        self._whole_shares = whole_shares
        self._waiting = {team_id: count for team_id, count in sorted(waiting.items()) if count > 0}
        self._queue = list(self._waiting)
        self._left_out: set[str] = set()

    def next_shares(
        self,
        *,
        lanes: int,
        share: int,
        rows: int,
        allowance: Callable[[str], int],
        busy: Collection[str] = (),
    ) -> dict[str, int]:
        """Shares for up to `lanes` workspaces in turn, each up to `share` rows and `rows` in all: as many
        of a workspace's waiting rows as `allowance` lets it be sent now. Those `busy` (a lane of theirs
        is still out) wait, keeping their place."""
        shares: dict[str, int] = {}
        for team_id in self._queue:
            left = rows - sum(shares.values())
            if len(shares) == lanes or left <= 0:
                break
            if team_id in busy or not self._waiting[team_id]:
                continue
            whole = min(share, self._waiting[team_id])
            allowed = allowance(team_id)
            if self._whole_shares and allowed < whole:
                continue
            rows_now = min(whole, left, allowed)
            if rows_now > 0:
                shares[team_id] = rows_now
        self._queue = [team for team in self._queue if team not in shares] + list(shares)
        return shares

    def claimed(self, team_id: str, asked: int, got: int) -> None:
        self._waiting[team_id] = 0 if got < asked else self._waiting[team_id] - got

    def given_back(self, team_id: str, rows: int) -> None:
        """Rows claimed but given back untried (due again now): they wait for the workspace's next turn."""
        if team_id in self._waiting and team_id not in self._left_out:
            self._waiting[team_id] += rows

    def leave_out(self, team_id: str) -> None:
        """Nothing more for this workspace in this pass (Slack rate limits it, or refuses its token)."""
        self._left_out.add(team_id)
        self._waiting[team_id] = 0
