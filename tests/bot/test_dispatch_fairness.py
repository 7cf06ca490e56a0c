"""One workspace's trouble never holds another: a 429, a refused token or a slow Slack delays only that
workspace's follow-ups, a pass shares itself between workspaces, and each is posted to at its own pace."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

import bot.dispatch
from bot.clock import ManualClock
from bot.context import BotContext
from bot.dispatch import run_dispatch_pass
from bot.fairness import ClaimTurns, WorkspacePace
from bot.sandbox import Sandbox, TokenPerWorkspaceClients
from storage.models import Followup, FollowupKind, FollowupState
from storage.queries.followups import PlannedFollowup, plan_followups
from tests.factories import make_student

TOKENS = {"TA": "xoxb-school-a", "TB": "xoxb-school-b"}


def schools_with_due_reminders(sandbox: Sandbox, clock: ManualClock, each: int) -> dict[str, list[int]]:
    """A student in each of workspaces TA and TB, with `each` reminders due now; their ids by workspace,
    TA's planned first (the oldest rows of the table)."""
    planned: dict[str, list[int]] = {}
    for team_id in TOKENS:
        user_id = f"U{team_id}STU"
        sandbox.slack.add_user(user_id, locale="en-GB")
        with sandbox.bot.sessions.begin() as session:
            student = make_student(session, team_id, user_id, locale="en")
            student.tz = "Europe/Paris"
            session.flush()
            plan_followups(
                session,
                [
                    PlannedFollowup(team_id, FollowupKind.STUDENT_REMINDER, student.id, f"w{n}", clock.now())
                    for n in range(each)
                ],
                clock.now(),
            )
            planned[team_id] = list(
                session.scalars(select(Followup.id).where(Followup.team_id == team_id).order_by(Followup.id))
            )
    return planned


def two_schools_bot(sandbox: Sandbox, **settings: object) -> BotContext:
    """The sandbox's bot with a bot token for each workspace, and these settings changed."""
    config = dataclasses.replace(sandbox.bot.config, **settings)
    return dataclasses.replace(
        sandbox.bot, config=config, slack_clients=TokenPerWorkspaceClients(config, TOKENS)
    )


def sent_by_team(sandbox: Sandbox) -> Counter[str]:
    with sandbox.bot.sessions.begin() as session:
        rows = session.execute(
            select(Followup.team_id, func.count())
            .where(Followup.state == FollowupState.SENT)
            .group_by(Followup.team_id)
        )
        return Counter(dict(rows.all()))


def posts_accepted_for(sandbox: Sandbox, team_id: str) -> int:
    return sum(
        1
        for call in sandbox.slack.calls_to("chat.postMessage")
        if call.ok and call.params["channel"] == f"U{team_id}STU"
    )


def test_a_429_in_one_workspace_delays_only_its_followups_and_the_others_go_in_the_same_pass(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    planned = schools_with_due_reminders(sandbox, clock, each=3)
    bot = two_schools_bot(sandbox)
    # School A may post once; its second post is answered 429 with Retry-After: 60.
    sandbox.slack.limit_rate("chat.postMessage", per_minute=1, burst=1, token=TOKENS["TA"])

    report = run_dispatch_pass(bot, sweep=False)

    assert sent_by_team(sandbox) == Counter({"TA": 1, "TB": 3})
    assert report.rate_limited_teams == {"TA": 60}
    assert "rate limited: workspace TA (Slack asked to wait 60 s)" in "\n".join(report.lines())
    with sandbox.bot.sessions.begin() as session:
        waiting = {row.id: row for row in session.scalars(select(Followup).where(Followup.team_id == "TA"))}
    limited, untried = waiting[planned["TA"][1]], waiting[planned["TA"][2]]
    assert (limited.state, limited.due_at, limited.attempts) == (
        FollowupState.DUE,
        clock.now() + timedelta(seconds=60),
        0,
    )
    assert (untried.state, untried.due_at, untried.attempts) == (FollowupState.DUE, clock.now(), 0)
    assert len(sandbox.slack.calls_to("chat.postMessage")) == 5  # the third of A's was never tried


def test_a_rate_limited_workspace_waits_until_retry_after_before_anything_else_is_tried(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    schools_with_due_reminders(sandbox, clock, each=3)
    bot = two_schools_bot(sandbox)
    sandbox.slack.limit_rate("chat.postMessage", per_minute=1, burst=1, token=TOKENS["TA"])
    run_dispatch_pass(bot, sweep=False)
    calls_after_the_429 = len(sandbox.slack.calls_to("chat.postMessage"))

    clock.advance(timedelta(seconds=59))
    early = run_dispatch_pass(bot, sweep=False)
    calls_before_retry_after = len(sandbox.slack.calls_to("chat.postMessage"))
    sandbox.slack.limit_rate("chat.postMessage", per_minute=60, token=TOKENS["TA"])  # Slack lets it through
    clock.advance(timedelta(seconds=1))
    on_time = run_dispatch_pass(bot, sweep=False)

    assert early.sent == [] and calls_before_retry_after == calls_after_the_429
    assert len(on_time.sent) == 2 and on_time.rate_limited_teams == {}
    assert sent_by_team(sandbox) == Counter({"TA": 3, "TB": 3})


def test_a_workspace_whose_token_is_refused_pauses_alone(sandbox: Sandbox, clock: ManualClock) -> None:
    schools_with_due_reminders(sandbox, clock, each=3)
    bot = two_schools_bot(sandbox)
    sandbox.slack.revoke_token(TOKENS["TA"])

    first = run_dispatch_pass(bot, sweep=False)
    second = run_dispatch_pass(bot, sweep=False)

    assert first.paused_teams == second.paused_teams == ["TA"]
    assert sent_by_team(sandbox) == Counter({"TB": 3})
    assert posts_accepted_for(sandbox, "TB") == 3


def test_a_pass_shares_its_capacity_between_workspaces_in_turn(
    sandbox: Sandbox, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    schools_with_due_reminders(sandbox, clock, each=100)
    monkeypatch.setattr(bot.dispatch, "MAX_ROWS_PER_PASS", 50)
    # One lane at a time: the turns share the pass, not threads running side by side.
    one_lane = two_schools_bot(sandbox, dispatch_threads=1)

    run_dispatch_pass(one_lane, sweep=False)

    # Oldest first over the whole table would have sent 50 of TA's, planned first, and none of TB's.
    assert sent_by_team(sandbox) == Counter({"TA": 25, "TB": 25})


def test_each_workspace_is_posted_to_at_its_own_pace(sandbox: Sandbox, clock: ManualClock) -> None:
    schools_with_due_reminders(sandbox, clock, each=30)
    paced = dataclasses.replace(two_schools_bot(sandbox), pace=WorkspacePace(10, clock))

    first = run_dispatch_pass(paced, sweep=False)  # a minute's worth each, at once
    again = run_dispatch_pass(paced, sweep=False)
    clock.advance(timedelta(seconds=30))
    half_a_minute_later = run_dispatch_pass(paced, sweep=False)
    clock.advance(timedelta(minutes=5))
    long_after = run_dispatch_pass(paced, sweep=False)  # a bucket holds a minute's worth, no more

    assert [len(report.sent) for report in (first, again, half_a_minute_later, long_after)] == [20, 0, 10, 20]
    assert sent_by_team(sandbox) == Counter({"TA": 25, "TB": 25})


class GatedClient(WebClient):
    """A workspace's client whose posts wait for `gate` (a Slack that is slow for this workspace only);
    the other workspace's client opens it once its own posts are all accepted."""

    def __init__(self, gate: threading.Event, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.gate = gate

    def chat_postMessage(self, **kwargs: object):  # type: ignore[no-untyped-def, override]
        if not self.gate.wait(timeout=10):
            raise AssertionError("the slow workspace's post was held for the others' and they never went")
        return super().chat_postMessage(**kwargs)


class OpensGateAfter(WebClient):
    def __init__(self, gate: threading.Event, posts: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.gate, self.posts = gate, posts

    def chat_postMessage(self, **kwargs: object):  # type: ignore[no-untyped-def, override]
        answer = super().chat_postMessage(**kwargs)
        self.posts -= 1
        if self.posts == 0:
            self.gate.set()
        return answer


class SlowForTA:
    def __init__(self, url: str) -> None:
        gate = threading.Event()
        self.clients = {
            "TA": GatedClient(gate, token=TOKENS["TA"], base_url=url),
            "TB": OpensGateAfter(gate, 3, token=TOKENS["TB"], base_url=url),
        }

    def for_team(self, team_id: str) -> WebClient:
        return self.clients[team_id]

    def without_retries(self, team_id: str) -> WebClient:
        return self.clients[team_id]


def test_a_slow_workspace_holds_only_its_own_lane(sandbox: Sandbox, clock: ManualClock) -> None:
    schools_with_due_reminders(sandbox, clock, each=3)
    slow_for_ta = dataclasses.replace(two_schools_bot(sandbox), slack_clients=SlowForTA(sandbox.slack.url))

    # TA's turn comes first; its posts can only finish once TB's have all gone out.
    report = run_dispatch_pass(slow_for_ta, sweep=False)

    assert len(report.sent) == 6
    assert sent_by_team(sandbox) == Counter({"TA": 3, "TB": 3})


# ------------------------------------------------------------------------------------------------------
# Turns


def plenty(team_id: str) -> int:
    return 1000


def test_turns_go_round_the_workspaces_and_one_passed_over_keeps_its_place() -> None:
    turns = ClaimTurns({"TA": 100, "TB": 100, "TC": 100})

    first = turns.next_shares(lanes=2, share=25, rows=1000, allowance=plenty)
    second = turns.next_shares(lanes=1, share=25, rows=1000, allowance=plenty, busy={"TC"})
    third = turns.next_shares(lanes=3, share=25, rows=1000, allowance=plenty)

    assert (first, second) == ({"TA": 25, "TB": 25}, {"TA": 25})
    assert list(third) == ["TC", "TB", "TA"]


def test_a_turn_takes_no_more_than_the_workspace_has_waiting_nor_its_allowance() -> None:
    turns = ClaimTurns({"TA": 3, "TB": 100, "TC": 100})

    shares = turns.next_shares(lanes=3, share=25, rows=1000, allowance={"TA": 50, "TB": 50, "TC": 7}.get)

    assert shares == {"TA": 3, "TB": 25, "TC": 7}


def test_a_workspace_that_got_less_than_asked_or_was_left_out_gets_no_more_turns() -> None:
    turns = ClaimTurns({"TA": 100, "TB": 100})
    turns.next_shares(lanes=2, share=25, rows=1000, allowance=plenty)

    turns.claimed("TA", 25, 10)  # another dispatcher took the rest
    turns.claimed("TB", 25, 25)
    turns.leave_out("TB")
    turns.given_back("TB", 5)

    assert turns.next_shares(lanes=2, share=25, rows=1000, allowance=plenty) == {}


def test_with_whole_shares_only_a_workspace_whose_pace_allows_less_waits() -> None:
    turns = ClaimTurns({"TA": 100, "TB": 2, "TC": 100}, whole_shares=True)

    shares = turns.next_shares(lanes=3, share=25, rows=1000, allowance={"TA": 24, "TB": 2, "TC": 25}.get)

    assert shares == {"TB": 2, "TC": 25}
