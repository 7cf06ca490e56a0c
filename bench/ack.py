"""Benchmarks 1, 2 and 6: ack latency over HTTP, ack under slow follow-up work, and the server's memory.

Each figure comes from the real bot (`bench.serve_target --app mentorbot`) and from a bare Bolt app that
only acks (`--app bare`), both in the same run, in processes of their own, through the same waitress
server, with signed requests. Bolt's settings are measured both ways: its defaults (acks run on a
5-thread pool polled every 10 ms) and ours (`process_before_response=True`, the work handed to a pool of
8 threads after the ack), with ours on 32 threads (the earlier default) beside it.
"""

from __future__ import annotations

import itertools
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bench.common import TEAM_ID, Section, bench_database, goal_verdict, markdown_table, ratio
from bench.load import Body, LoadResult, ServerProcess, send_at_rate, send_load
from bench.seed import add_members, add_mentor_profiles, insert_rows, prepare_programme
from bench.serve_target import SIGNING_SECRET
from bench.slack_side import SlackSide
from bot import ids
from bot.messages.offers import RequestSummary, offer_message
from bot.programme import Topic
from storage.db import create_database_engine, create_session_factory
from storage.models import MentoringRequest, Offer, OfferStatus, RequestStatus, RequestTopic, Role

GOAL_RATIO = 1.5
GOAL_P99_MS = 50.0
GOAL_SLOW_P99_MS = 100.0
GOAL_RSS_MB = 150.0
MENTORS = 300
KNOWN_STUDENTS = 1000
REQUEST_VALUES: dict[str, object] = {
    "topics": ["careers", "studies"],
    "message": "I would like advice on my career plans.",
    "charter": ["accepted"],
}


@dataclass(frozen=True)
class Sizes:
    requests: int  # per cell, measured
    warmup: int
    concurrency: tuple[int, ...]
    slow_rounds: int
    slow_new_commands: int
    rates: tuple[int, ...]  # requests a second, open loop
    rate_requests: int
    slow_listeners: int = 50
    slow_seconds: float = 2.0


FULL = Sizes(
    requests=2000,
    warmup=100,
    concurrency=(1, 10, 50),
    slow_rounds=2,
    slow_new_commands=100,
    rates=(25, 100, 200),
    rate_requests=1000,
)
QUICK = Sizes(
    requests=10,
    warmup=2,
    concurrency=(3,),
    slow_rounds=1,
    slow_new_commands=5,
    rates=(50,),
    rate_requests=10,
    slow_listeners=6,
    slow_seconds=0.2,
)


@dataclass
class Population:
    """Who sends what: known students (for /mentor), fresh students (one request each), offers."""

    url: str
    now: datetime
    mentor_ids: list[int] = field(default_factory=list)
    mentor_users: dict[int, str] = field(default_factory=dict)
    charter_version: int = 1
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_user_ids(self, count: int, prefix: str) -> list[str]:
        return [f"{prefix}{next(self._numbers):07d}" for _ in range(count)]

    def new_students(self, count: int) -> list[str]:
        users = self.new_user_ids(count, "UST")
        sessions = create_session_factory(engine := create_database_engine(self.url))
        with sessions.begin() as session:
            add_members(session, TEAM_ID, users, Role.STUDENT, self.now)
        engine.dispose()
        return users

    def pending_offers(self, count: int) -> list[tuple[str, dict]]:
        """`count` open requests of new students, each offered to one mentor: (mentor, DM kwargs)."""
        students = self.new_user_ids(count, "USA")
        engine = create_database_engine(self.url)
        sessions = create_session_factory(engine)
        offers = []
        with sessions.begin() as session:
            student_ids = add_members(session, TEAM_ID, students, Role.STUDENT, self.now)
            request_ids = insert_rows(
                session,
                MentoringRequest,
                [
                    {
                        "team_id": TEAM_ID,
                        "student_id": student_id,
                        "message": "I would like advice on my career plans.",
                        "language": "fr",
                        "status": RequestStatus.OPEN,
                        "charter_version": self.charter_version,
                        "created_at": self.now,
                    }
                    for student_id in student_ids
                ],
            )
            insert_rows(session, RequestTopic, [{"request_id": r, "topic": "careers"} for r in request_ids])
            mentors = [self.mentor_ids[n % len(self.mentor_ids)] for n in range(count)]
            offer_ids = insert_rows(
                session,
                Offer,
                [
                    {
                        "team_id": TEAM_ID,
                        "request_id": request_id,
                        "mentor_id": mentor_id,
                        "status": OfferStatus.PENDING,
                        "offered_at": self.now,
                    }
                    for request_id, mentor_id in zip(request_ids, mentors, strict=True)
                ],
            )
        engine.dispose()
        topic = Topic("careers", {"fr": "Carrières et orientation", "en": "Careers and orientation"})
        for request_id, student, mentor_id, offer_id in zip(
            request_ids, students, mentors, offer_ids, strict=True
        ):
            summary = RequestSummary(request_id, student, [topic], "I would like advice on my career.", "fr")
            offers.append((self.mentor_users[mentor_id], offer_message("fr", summary, offer_id).as_kwargs()))
        return offers


def seed_population(url: str) -> Population:
    now = datetime.now(UTC)
    population = Population(url=url, now=now)
    engine = create_database_engine(url)
    sessions = create_session_factory(engine)
    mentor_users = [f"UMEN{n:05d}" for n in range(MENTORS)]
    with sessions.begin() as session:
        population.charter_version = prepare_programme(session, TEAM_ID)
        mentor_ids = add_members(session, TEAM_ID, mentor_users, Role.ALUMNUS, now)
        add_mentor_profiles(
            session, TEAM_ID, mentor_ids, now, random.Random(3), capacity=10_000, paused_share=0
        )
        add_members(session, TEAM_ID, [f"UKNOWN{n:05d}" for n in range(KNOWN_STUDENTS)], Role.STUDENT, now)
    engine.dispose()
    population.mentor_ids = mentor_ids
    population.mentor_users = dict(zip(mentor_ids, mentor_users, strict=True))
    return population


SCENARIOS = ("/mentor", "request submission", "Accept click")
WIDE_POOL = 32  # follow-up threads before they were cut to the shipped 8
# (app, Bolt settings, follow-up threads or None for the shipped default): ours, the bare baseline, ours
# with the wider pool, and Bolt's defaults for the before/after (on /mentor only).
TARGETS = (
    ("mentorbot", "tuned", None),
    ("bare", "tuned", None),
    ("mentorbot", "tuned", WIDE_POOL),
    ("mentorbot", "default", None),
    ("bare", "default", None),
)


def targets_for(database: str, quick: bool = False) -> tuple[tuple[str, str, int | None], ...]:
    """Every target on SQLite; a quick run leaves out the wider pool; PostgreSQL has ours and the bare
    app only (the settings' before/after is the server's, measured on SQLite), to keep the suite short."""
    if database == "sqlite":
        return tuple(target for target in TARGETS if not (quick and target[2]))
    return tuple(target for target in TARGETS if target[1] == "tuned" and target[2] is None)


DEFAULTS = "Bolt defaults"
OURS = "ours"
OURS_WIDE = f"ours, {WIDE_POOL} threads"


def variant_name(bolt: str, listener_threads: int | None) -> str:
    if bolt == "default":
        return DEFAULTS
    return OURS_WIDE if listener_threads else OURS


def bare_variant(variant: str) -> str:
    """The bare app's settings to compare a variant with (its pool does no work, so its size is moot)."""
    return DEFAULTS if variant == DEFAULTS else OURS


@dataclass(frozen=True)
class Cell:
    scenario: str
    app: str
    variant: str
    concurrency: int
    result: LoadResult


@dataclass(frozen=True)
class RateCell:
    scenario: str
    app: str
    per_second: int
    result: LoadResult


class AckBench:
    """One database's run of benchmarks 1, 2 and 6: every server variant in turn, every cell on each."""

    def __init__(self, database: str, sizes: Sizes, workdir: Path) -> None:
        self.database = database
        self.sizes = sizes
        self.workdir = workdir
        self.cells: list[Cell] = []
        self.rate_cells: list[RateCell] = []
        self.peak_rss: dict[tuple[str, str], float] = {}
        self.slow: dict[str, tuple[LoadResult, LoadResult]] = {}
        self.request_view: dict | None = None

    # -- bodies ------------------------------------------------------------------------------------

    def bodies(self, slack: SlackSide, population: Population, scenario: str, app: str, count: int) -> list:
        if scenario == "/mentor":
            users = [f"UKNOWN{n % KNOWN_STUDENTS:05d}" for n in range(count)]
            return slack.call("commands", SIGNING_SECRET, users)
        if scenario == "request submission":
            # The bare app changes nothing, so its requests may reuse students; the bot needs new ones.
            users = population.new_students(count) if app == "mentorbot" else ["UKNOWN00001"] * count
            return slack.call("submissions", SIGNING_SECRET, self.request_view, users, REQUEST_VALUES)
        offers = population.pending_offers(count)
        return slack.call("offer_clicks", SIGNING_SECRET, offers, ids.ACCEPT_OFFER)

    # -- runs --------------------------------------------------------------------------------------

    def run(self) -> list[Section]:
        with bench_database(self.database) as url, SlackSide() as slack:
            population = seed_population(url)
            for app, bolt, threads in targets_for(self.database, quick=self.sizes is QUICK):
                variant = variant_name(bolt, threads)
                log = self.workdir / f"serve-{app}-{bolt}-{threads}.log"
                with ServerProcess(app, bolt, url, slack.url, log, listener_threads=threads) as server:
                    if self.request_view is None:
                        viewer = population.new_students(1)[0]
                        self.request_view = slack.call(
                            "open_view_for", SIGNING_SECRET, server.url, viewer, "request"
                        )
                    scenarios = SCENARIOS if bolt == "tuned" else SCENARIOS[:1]
                    for scenario in scenarios:
                        for concurrency in self.sizes.concurrency:
                            closed_loop = partial(
                                send_load, server.url, SIGNING_SECRET, concurrency=concurrency
                            )
                            result = self._measure(
                                slack, population, server, scenario, app, self.sizes.requests, closed_loop
                            )
                            self.cells.append(Cell(scenario, app, variant, concurrency, result))
                    if variant == OURS:
                        for scenario in SCENARIOS:
                            for per_second in self.sizes.rates:
                                open_loop = partial(
                                    send_at_rate, server.url, SIGNING_SECRET, per_second=per_second
                                )
                                result = self._measure(
                                    slack,
                                    population,
                                    server,
                                    scenario,
                                    app,
                                    self.sizes.rate_requests,
                                    open_loop,
                                )
                                self.rate_cells.append(RateCell(scenario, app, per_second, result))
                    if app == "mentorbot":
                        self.slow[variant] = self._slow(slack, population, server)
                    self.peak_rss[(app, variant)] = server.peak_rss_mb()
        return [self._ack_section(), self._rate_section(), self._slow_section(), self._memory_section()]

    def _measure(
        self,
        slack: SlackSide,
        population: Population,
        server: ServerProcess,
        scenario: str,
        app: str,
        count: int,
        send: Callable[[list[Body]], LoadResult],
    ) -> LoadResult:
        """A warm-up, then `count` requests of `scenario` through `send`, each after the server is idle."""
        warmup = self.bodies(slack, population, scenario, app, self.sizes.warmup)
        measured = self.bodies(slack, population, scenario, app, count)
        send(warmup)
        server.wait_idle()
        result = send(measured)
        server.wait_idle()  # the follow-ups of this cell do not weigh on the next one
        slack.call("reset")
        return result

    def _slow(
        self, slack: SlackSide, population: Population, server: ServerProcess
    ) -> tuple[LoadResult, LoadResult]:
        """50 commands whose follow-up waits 2 s on users.info, then new commands while they wait."""
        slack.call("set_delay", "users.info", self.sizes.slow_seconds)
        slow_acks, new_acks = [], []
        try:
            for _ in range(self.sizes.slow_rounds):
                strangers = population.new_user_ids(self.sizes.slow_listeners, "USLOW")
                slow_bodies = slack.call("commands", SIGNING_SECRET, strangers)
                new_bodies = slack.call(
                    "commands",
                    SIGNING_SECRET,
                    [f"UKNOWN{n:05d}" for n in range(self.sizes.slow_new_commands)],
                )
                slow_acks.append(
                    send_load(server.url, SIGNING_SECRET, slow_bodies, self.sizes.slow_listeners)
                )
                new_acks.append(send_load(server.url, SIGNING_SECRET, new_bodies, 10))
                server.wait_idle()
        finally:
            slack.call("set_delay", "users.info", 0)
            slack.call("reset")
        return _merge(slow_acks), _merge(new_acks)

    # -- reports -----------------------------------------------------------------------------------

    def _find(self, scenario: str, app: str, variant: str, concurrency: int) -> LoadResult | None:
        for cell in self.cells:
            if (cell.scenario, cell.app, cell.variant, cell.concurrency) == (
                scenario,
                app,
                variant,
                concurrency,
            ):
                return cell.result
        return None

    def _ack_section(self) -> Section:
        rows = []
        for cell in self.cells:
            if cell.app != "mentorbot":
                continue
            bare = self._find(cell.scenario, "bare", bare_variant(cell.variant), cell.concurrency)
            t, b = cell.result.timings, bare.timings if bare else None
            p99_ratio = ratio(t.p99, b.p99) if b else float("nan")
            met = p99_ratio <= GOAL_RATIO and t.p99 <= GOAL_P99_MS
            rows.append(
                [
                    cell.scenario,
                    cell.variant,
                    cell.concurrency,
                    t.count,
                    cell.result.errors,
                    t.p50,
                    t.p99,
                    t.max,
                    b.p50 if b else "-",
                    b.p99 if b else "-",
                    b.max if b else "-",
                    p99_ratio,
                    f"{cell.result.throughput:.0f}",
                    goal_verdict(met) if cell.concurrency == max(self.sizes.concurrency) else "-",
                ]
            )
        settings_rows = []
        for concurrency in self.sizes.concurrency:
            default = self._find("/mentor", "bare", DEFAULTS, concurrency)
            tuned = self._find("/mentor", "bare", OURS, concurrency)
            mb_default = self._find("/mentor", "mentorbot", DEFAULTS, concurrency)
            mb_tuned = self._find("/mentor", "mentorbot", OURS, concurrency)
            mb_wide = self._find("/mentor", "mentorbot", OURS_WIDE, concurrency)
            if default and tuned and mb_default and mb_tuned:
                settings_rows.append(
                    [
                        concurrency,
                        default.timings.p50,
                        default.timings.p99,
                        tuned.timings.p50,
                        tuned.timings.p99,
                        mb_default.timings.p99,
                        mb_tuned.timings.p99,
                        mb_wide.timings.p99 if mb_wide else "-",
                    ]
                )
        paragraphs = [
            f"{self.sizes.requests} signed requests a cell (after {self.sizes.warmup} warm-up), waitress "
            "with 16 threads; times in ms from the client, p99 ratio against the bare Bolt app with the "
            f"same Bolt settings. Goal at {max(self.sizes.concurrency)} concurrent: p99 ≤ "
            f"{GOAL_RATIO}x bare and ≤ {GOAL_P99_MS:.0f} ms.",
            markdown_table(
                [
                    "request",
                    "Bolt settings",
                    "clients",
                    "n",
                    "errors",
                    "p50",
                    "p99",
                    "max",
                    "bare p50",
                    "bare p99",
                    "bare max",
                    "p99 ratio",
                    "req/s",
                    "goal",
                ],
                rows,
            ),
        ]
        if settings_rows:  # the before/after is measured on SQLite only
            paragraphs += [
                "Bolt settings, before/after (`/mentor`, ms): Bolt defaults = "
                "`process_before_response=False`, 5-thread pool, ack polled every 10 ms; ours = "
                "`process_before_response=True` + the work "
                "handed to an 8-thread pool after the ack.",
                markdown_table(
                    [
                        "clients",
                        "bare, defaults p50",
                        "bare, defaults p99",
                        "bare, ours p50",
                        "bare, ours p99",
                        "mentorbot, defaults p99",
                        "mentorbot, ours p99",
                        f"mentorbot, ours with {WIDE_POOL} threads p99",
                    ],
                    settings_rows,
                ),
            ]
        return Section(f"1. Ack latency over HTTP ({self.database})", paragraphs)

    def _rate_section(self) -> Section:
        bare_cells = {(c.scenario, c.per_second): c.result for c in self.rate_cells if c.app == "bare"}
        rows = []
        for cell in self.rate_cells:
            bare = bare_cells.get((cell.scenario, cell.per_second))
            if cell.app != "mentorbot" or bare is None:
                continue
            t, b = cell.result.timings, bare.timings
            p99_ratio = ratio(t.p99, b.p99)
            rows.append(
                [
                    cell.scenario,
                    cell.per_second,
                    t.count,
                    cell.result.errors,
                    t.p50,
                    t.p99,
                    t.max,
                    b.p50,
                    b.p99,
                    p99_ratio,
                    goal_verdict(p99_ratio <= GOAL_RATIO and t.p99 <= GOAL_P99_MS),
                ]
            )
        return Section(
            f"1b. Ack latency at a steady arrival rate ({self.database})",
            [
                f"{self.sizes.rate_requests} signed requests a cell at a steady rate over 50 keep-alive "
                "connections, Bolt settings ours: an open loop, where each request falls due on time "
                "whatever the answers before it (as Slack's traffic does) and its latency counts from then. "
                "A school's Slack sends a few requests a second at its busiest. The goal column applies "
                f"benchmark 1's (p99 ≤ {GOAL_RATIO}x bare and ≤ {GOAL_P99_MS:.0f} ms) at these rates.",
                markdown_table(
                    [
                        "request",
                        "requests/s",
                        "n",
                        "errors",
                        "p50",
                        "p99",
                        "max",
                        "bare p50",
                        "bare p99",
                        "p99 ratio",
                        "goal",
                    ],
                    rows,
                ),
            ],
        )

    def _slow_section(self) -> Section:
        rows = []
        for variant, (slow, new) in self.slow.items():
            rows.append(
                [
                    variant,
                    slow.timings.count,
                    slow.timings.p99,
                    new.timings.count,
                    new.timings.p50,
                    new.timings.p99,
                    new.timings.max,
                    goal_verdict(new.timings.p99 <= GOAL_SLOW_P99_MS),
                ]
            )
        return Section(
            f"2. Ack under slow follow-up work ({self.database})",
            [
                f"{self.sizes.slow_listeners} `/mentor` from people the bot has never seen, whose follow-up "
                f"waits {self.sizes.slow_seconds:g} s on `users.info` at the stand-in; while they wait, new "
                "`/mentor` "
                f"commands (10 clients), {self.sizes.slow_rounds} rounds. Goal: new command ack p99 ≤ "
                f"{GOAL_SLOW_P99_MS:.0f} ms.",
                markdown_table(
                    [
                        "Bolt settings",
                        "slow commands",
                        "their ack p99",
                        "new commands",
                        "new p50",
                        "new p99",
                        "new max",
                        "goal",
                    ],
                    rows,
                ),
            ],
        )

    def _memory_section(self) -> Section:
        rows = [
            [
                app,
                variant,
                rss,
                goal_verdict(rss <= GOAL_RSS_MB) if app == "mentorbot" else "-",
            ]
            for (app, variant), rss in self.peak_rss.items()
        ]
        return Section(
            f"6. Memory ({self.database})",
            [
                "Peak RSS (VmHWM) of the server process over its whole part of benchmarks 1 and 2. "
                f"Goal: ≤ {GOAL_RSS_MB:.0f} MB for mentorbot.",
                markdown_table(["server", "Bolt settings", "peak RSS MB", "goal"], rows),
            ],
        )


def _merge(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        timings=type(results[0].timings)([s for r in results for s in r.timings.seconds]),
        errors=sum(r.errors for r in results),
        elapsed=sum(r.elapsed for r in results),
    )


def run(database: str, quick: bool) -> list[Section]:
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-logs-") as folder:
        workdir = Path(folder)
        try:
            return AckBench(database, QUICK if quick else FULL, workdir).run()
        finally:
            # Keep the servers' logs where someone can read them after a failure.
            keep = Path(tempfile.gettempdir()) / "mentorbot-bench-logs"
            keep.mkdir(exist_ok=True)
            for log in workdir.glob("*.log"):
                (keep / f"{database}-{log.name}").write_bytes(log.read_bytes())
