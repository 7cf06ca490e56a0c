"""Benchmark 7: fifty schools in one deployment, each with its term-start reminders due at once.

50 workspaces of 2,000 members (`bench.seed.seed_school`: 1,400 students each, two years of history),
a bot token each, and a student reminder to every student due at the same moment. The stand-in (its own
process) rate-limits chat.postMessage per workspace as Slack does (`SlackStandIn.limit_rate`), and the
bot paces each workspace to the same budget (`MENTORBOT_WORKSPACE_POSTS_PER_MINUTE`): passes of
`bot.dispatch.run_dispatch_pass`, back to back as a scheduler with a short interval would run them, until
every reminder is sent or skipped (a student who has asked for a mentor since is skipped, as the
dispatcher would). Measured: messages a second, and each workspace's delay (when the stand-in took a
message, minus when it fell due). Goal: the slowest workspace's p99 delay within 2x the median
workspace's p99. Baseline, same run and same tables: one workspace's reminders alone.

Then the other side of sharing the tables: ranking mentors (`bench.matching`) and the statistics
(`bench.stats`) for one workspace of that size, measured with that workspace alone in the database and
again once the 49 others are seeded; the ratio between the two, and each benchmark's own goal.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench.common import (
    Section,
    Timings,
    analyse,
    bench_database,
    goal_verdict,
    markdown_table,
    ratio,
    time_calls,
)
from bench.matching import GOAL_MS_AT_10K, add_open_request, rank_for_request
from bench.seed import add_members, insert_rows, prepare_programme, seed_school
from bench.serve_target import bench_config
from bench.slack_side import SlackSide
from bench.stats import GOAL_MS_AT_100K
from bot.app import build_context
from bot.dispatch import run_dispatch_pass
from bot.sandbox import TokenPerWorkspaceClients
from bot.stats import DEFAULT_PERIOD, programme_stats
from storage.db import SessionFactory, create_database_engine, create_session_factory
from storage.models import Followup, FollowupKind, FollowupState, Member, Role

# A Monday, 10:00 in Paris: inside the default hours, so nothing is held for quiet hours.
NOW = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
FULL = (50, 2_000)  # workspaces, members each
QUICK = (3, 40)
# Posts a minute to one workspace, the stand-in's limit and the bot's pace alike: a minute's worth at
# once, then one every 0.1 s (Slack publishes no number for chat.postMessage's workspace-wide limit).
POSTS_PER_MINUTE = 600
GOAL_SPREAD = 2.0
RANKING_CALLS, STATS_CALLS = 100, 20


def team_of(workspace: int) -> str:
    return f"T{workspace:03d}"


def team_of_student(user_id: str) -> str:
    """The workspace of one of `seed_school`'s students (`US<team><7 digits>`)."""
    return user_id[2:-7]


class RealTimeFrom:
    """The bot's clock for this benchmark: `start`, then moving with real time, so paces refill."""

    def __init__(self, start: datetime) -> None:
        self._start, self._began = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)


# ------------------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Delays:
    """Each workspace's p99 delay (seconds from due to posted), and how far apart they are."""

    p99_by_team: dict[str, float]

    @property
    def median_p99(self) -> float:
        return statistics.median(self.p99_by_team.values())

    @property
    def slowest_p99(self) -> float:
        return max(self.p99_by_team.values())

    @property
    def spread(self) -> float:
        """The slowest workspace's p99 over the median workspace's: the fairness goal's figure."""
        return ratio(self.slowest_p99, self.median_p99)


def delays_of(posts: Iterable[tuple[str, float]], due_at: float) -> Delays:
    """`posts`: (workspace, when the stand-in took the message), in epoch seconds; all due at `due_at`."""
    waited: dict[str, list[float]] = defaultdict(list)
    for team_id, posted_at in posts:
        waited[team_id].append(posted_at - due_at)
    return Delays({team_id: Timings(seconds).percentile(0.99) / 1000 for team_id, seconds in waited.items()})


@dataclass(frozen=True)
class DispatchRun:
    workspaces: int
    sent: int
    skipped: int
    seconds: float
    delays: Delays
    rate_limited: int  # posts the stand-in answered 429
    sent_twice: int  # people who got this run's reminder more than once

    @property
    def per_second(self) -> float:
        return ratio(self.sent, self.seconds)


# ------------------------------------------------------------------------------------------------------
# Seeding


def plan_term_start_reminders(sessions: SessionFactory, teams: Sequence[str], period: str) -> int:
    """A student reminder to every student of `teams`, all due at NOW; how many."""
    with sessions.begin() as session:
        students = session.execute(
            select(Member.id, Member.team_id).where(Member.team_id.in_(teams), Member.role == Role.STUDENT)
        ).all()
        insert_rows(
            session,
            Followup,
            [
                {
                    "team_id": team_id,
                    "kind": FollowupKind.STUDENT_REMINDER.value,
                    "recipient_id": member_id,
                    "period": period,
                    "due_at": NOW,
                    "state": FollowupState.DUE,
                    "attempts": 0,
                    "created_at": NOW,
                }
                for member_id, team_id in students
            ],
        )
    return len(students)


def dispatch_reminders(url: str, slack: SlackSide, teams: Sequence[str], period: str) -> DispatchRun:
    """Plan the reminders of `teams`, then passes until each is sent or skipped; the run's figures."""
    engine = create_database_engine(url)
    sessions = create_session_factory(engine)
    total = plan_term_start_reminders(sessions, teams, period)
    config = replace(bench_config(url, slack.url), workspace_posts_per_minute=POSTS_PER_MINUTE)
    tokens = {team_id: f"xoxb-bench-{team_id}" for team_id in teams}
    bot = replace(
        build_context(config, sessions, RealTimeFrom(NOW)),
        slack_clients=TokenPerWorkspaceClients(config, tokens),
    )
    slack.call("reset")
    slack.call("limit_rate", "chat.postMessage", POSTS_PER_MINUTE)
    began = time.perf_counter()
    due_at = time.time()  # the moment NOW, in the stand-in's time
    sent = skipped = failed = 0
    while sent + skipped + failed < total:
        report = run_dispatch_pass(bot, sweep=False)
        sent, skipped, failed = (
            sent + len(report.sent),
            skipped + len(report.skipped),
            failed + len(report.failed),
        )
        if not (report.sent or report.skipped or report.failed or report.retrying):
            time.sleep(0.05)  # every workspace waits for its pace: a scheduler's next tick
    seconds = time.perf_counter() - began
    engine.dispose()
    posts = slack.call("posts")
    accepted = [(channel, at) for channel, at, status in posts if status == 200]
    return DispatchRun(
        workspaces=len(teams),
        sent=sent,
        skipped=skipped,
        seconds=seconds,
        delays=delays_of(((team_of_student(channel), at) for channel, at in accepted), due_at),
        rate_limited=sum(1 for _, _, status in posts if status == 429),
        sent_twice=sum(1 for count in Counter(channel for channel, _ in accepted).values() if count > 1),
    )


# ------------------------------------------------------------------------------------------------------
# Ranking and statistics for one workspace, alone and among the others


@dataclass(frozen=True)
class OneWorkspaceQueries:
    ranking: Timings
    stats: Timings


def measure_one_workspace(
    sessions: SessionFactory, team_id: str, request: tuple[int, int], quick: bool
) -> OneWorkspaceQueries:
    request_id, student_id = request
    calls = 5 if quick else RANKING_CALLS

    def ranking_call() -> object:
        return rank_for_request(sessions, team_id, request_id, student_id)

    def stats_call() -> object:
        with sessions.begin() as session:
            return programme_stats(session, team_id, DEFAULT_PERIOD, NOW)

    time_calls(ranking_call, 3)
    time_calls(stats_call, 1)
    return OneWorkspaceQueries(
        ranking=time_calls(ranking_call, calls), stats=time_calls(stats_call, 3 if quick else STATS_CALLS)
    )


def seed_first_workspace(sessions: SessionFactory, members: int) -> tuple[int, int]:
    """The first school, and an open request of a new student of it; (request id, student id)."""
    team_id = team_of(0)
    with sessions.begin() as session:
        seed_school(session, team_id, members, NOW)
        version = prepare_programme(session, team_id)
        (student_id,) = add_members(session, team_id, [f"URANK{team_id}"], Role.STUDENT, NOW)
        return add_open_request(session, team_id, student_id, version, NOW), student_id


def seed_other_workspaces(sessions: SessionFactory, workspaces: int, members: int) -> None:
    for workspace in range(1, workspaces):
        with sessions.begin() as session:
            seed_school(session, team_of(workspace), members, NOW, seed=workspace)


# ------------------------------------------------------------------------------------------------------
# The report


def run(database: str, quick: bool) -> list[Section]:
    workspaces, members = QUICK if quick else FULL
    teams = [team_of(workspace) for workspace in range(workspaces)]
    with SlackSide() as slack, bench_database(database) as url:
        engine = create_database_engine(url)
        sessions = create_session_factory(engine)
        request = seed_first_workspace(sessions, members)
        analyse(url)
        alone_queries = measure_one_workspace(sessions, teams[0], request, quick)
        seed_other_workspaces(sessions, workspaces, members)
        analyse(url)
        shared_queries = measure_one_workspace(sessions, teams[0], request, quick)
        engine.dispose()
        alone = dispatch_reminders(url, slack, teams[:1], "term-start:alone")
        shared = dispatch_reminders(url, slack, teams, "term-start:all")
    return [
        Section(
            f"7. Fairness between workspaces ({database})",
            [
                f"{workspaces} workspaces of {members:,} members, a student reminder to each student due "
                f"at once; chat.postMessage limited by the stand-in and paced by the bot to "
                f"{POSTS_PER_MINUTE} a minute a workspace. Delay: from due to taken by the stand-in, in "
                f"seconds. Baseline, same run: the first workspace's reminders alone. Goal: the slowest "
                f"workspace's p99 delay ≤ {GOAL_SPREAD:.0f} x the median workspace's.",
                dispatch_table([alone, shared]),
                "Against the first workspace alone: messages/s x "
                f"{ratio(shared.per_second, alone.per_second):.2f}, median p99 delay x "
                f"{ratio(shared.delays.median_p99, alone.delays.median_p99):.2f}.",
                f"Ranking and statistics for the first workspace ({members:,} members), alone in the tables "
                f"and with the {workspaces - 1} others seeded. Times in ms.",
                queries_table(alone_queries, shared_queries),
            ],
        )
    ]


def dispatch_table(runs: Sequence[DispatchRun]) -> str:
    rows = [
        [
            "one workspace alone" if run.workspaces == 1 else f"{run.workspaces} workspaces",
            f"{run.sent:,}",
            f"{run.skipped:,}",
            run.seconds,
            run.per_second,
            run.delays.median_p99,
            run.delays.slowest_p99,
            run.delays.spread,
            run.rate_limited,
            run.sent_twice,
            goal_verdict(run.delays.spread <= GOAL_SPREAD) if run.workspaces > 1 else "-",
        ]
        for run in runs
    ]
    return markdown_table(
        [
            "run",
            "sent",
            "skipped (asked since)",
            "seconds",
            "messages/s",
            "median workspace's p99",
            "slowest workspace's p99",
            "slowest / median",
            "429s",
            "people sent it twice",
            "goal",
        ],
        rows,
    )


def queries_table(alone: OneWorkspaceQueries, shared: OneWorkspaceQueries) -> str:
    rows = [
        [
            name,
            before.p50,
            before.p99,
            after.p50,
            after.p99,
            ratio(after.p50, before.p50),
            f"median ≤ {goal:.0f} ms",
            goal_verdict(after.p50 <= goal),
        ]
        for name, before, after, goal in (
            ("ranking (`rank_mentors`)", alone.ranking, shared.ranking, GOAL_MS_AT_10K),
            ("statistics (`programme_stats`)", alone.stats, shared.stats, GOAL_MS_AT_100K),
        )
    ]
    return markdown_table(
        ["", "alone: median", "alone: p99", "shared: median", "shared: p99", "ratio", "goal", "verdict"], rows
    )
