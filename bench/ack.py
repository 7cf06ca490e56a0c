"""Benchmarks 1, 1b, 1c, 2 and 6: ack latency over HTTP (closed and open loop), the time from a click to
its DM, ack under slow follow-up work, and the server's memory.

Each figure comes from the real bot (`bench.serve_target --app mentorbot`) and from a bare Bolt app that
only acks (`--app bare`), both in the same run, in processes of their own, through the same waitress
server, with signed requests. The bot runs in three layouts side by side (issue 12):

- **before**: the work in the acking process's memory, as before the durable ack: commit c67eb23's own
  `serve_target`, on a database of its own at that commit's schema (`bench.before`);
- **durable, 1 process**: today's `mentorbot serve`: each payload an inbound row before the ack, carried
  out by the same process's pool;
- **ack-only + workers**: `serve --ack-only` (the acks only record) and real `mentorbot worker`
  processes on the same database, which claim and carry out the rows (meant for PostgreSQL).

Bolt's settings are measured both ways on SQLite: its defaults (acks run on a 5-thread pool polled every
10 ms) and ours (`process_before_response=True`, the work handed to a pool of 8 threads after the ack),
with ours on 32 threads (the earlier default) beside it.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bench.before import BEFORE_COMMIT, before_tree
from bench.common import TEAM_ID, Section, Timings, bench_database, goal_verdict, markdown_table, ratio
from bench.load import REPOSITORY, Body, LoadResult, ServerProcess, WorkerProcesses, send_at_rate, send_load
from bench.seed import add_members, add_mentor_profiles, insert_rows, prepare_programme
from bench.serve_target import BOT_TOKEN, SIGNING_SECRET
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
# Issue 12's comparison alone: the three layouts and the bare app, a quarter of the requests (about ten
# minutes a database on 2 cores instead of forty).
LAYOUTS = Sizes(
    requests=500,
    warmup=50,
    concurrency=(1, 50),
    slow_rounds=1,
    slow_new_commands=50,
    rates=(25, 100, 200),
    rate_requests=300,
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

    def pending_offers(self, count: int) -> list[tuple[str, dict, str]]:
        """`count` open requests of new students, each offered to one mentor: (mentor, DM kwargs,
        student)."""
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
            dm = offer_message("fr", summary, offer_id).as_kwargs()
            offers.append((self.mentor_users[mentor_id], dm, student))
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
# `mentorbot worker` processes beside the ack-only server: several on PostgreSQL, the layout's database;
# one on SQLite, which takes one writer at a time (not the layout's intended use, measured all the same).
WORKERS = {"sqlite": 1, "postgresql": 2}

BEFORE_LAYOUT, DURABLE_LAYOUT, SPLIT_LAYOUT = "before", "durable", "split"


@dataclass(frozen=True)
class Target:
    """A server to measure: the app, Bolt's settings, the follow-up threads (None: the shipped default)
    and, for the bot, its layout."""

    app: str  # "mentorbot" or "bare"
    bolt: str = "tuned"
    listener_threads: int | None = None
    layout: str = DURABLE_LAYOUT


# The three layouts and the bare baseline; then, on SQLite, ours with the wider pool and Bolt's defaults
# for the Bolt settings' before/after (on /mentor only).
TARGETS = (
    Target("mentorbot"),
    Target("bare"),
    Target("mentorbot", layout=BEFORE_LAYOUT),
    Target("mentorbot", layout=SPLIT_LAYOUT),
    Target("mentorbot", listener_threads=WIDE_POOL),
    Target("mentorbot", "default"),
    Target("bare", "default"),
)


def targets_for(database: str, quick: bool = False, layouts_only: bool = False) -> tuple[Target, ...]:
    """Every target on SQLite; a quick run leaves out the wider pool; PostgreSQL, and a run of the
    layouts only, has the three layouts and the bare app (the settings' before/after is the server's,
    measured on SQLite), to keep the suite short."""
    if database == "sqlite" and not layouts_only:
        return tuple(target for target in TARGETS if not (quick and target.listener_threads))
    return tuple(target for target in TARGETS if target.bolt == "tuned" and not target.listener_threads)


DEFAULTS = "Bolt defaults"
TUNED = "ours"  # the bare app with our Bolt settings
OURS = "durable, 1 process"
OURS_WIDE = f"durable, {WIDE_POOL} threads"
BEFORE = "before: in memory"


def split_name(workers: int) -> str:
    return f"ack-only + {workers} worker" + ("s" if workers > 1 else "")


def variant_name(target: Target, workers: int) -> str:
    if target.bolt == "default":
        return DEFAULTS
    if target.app == "bare":
        return TUNED
    if target.layout == BEFORE_LAYOUT:
        return BEFORE
    if target.layout == SPLIT_LAYOUT:
        return split_name(workers)
    return OURS_WIDE if target.listener_threads else OURS


def bare_variant(variant: str) -> str:
    """The bare app's settings to compare a variant with (its pool does no work, so its size is moot)."""
    return DEFAULTS if variant == DEFAULTS else TUNED


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
    variant: str
    per_second: int
    result: LoadResult


# What a person hears back after a request, and when (1c): the first DM to the student, and the first DM
# to someone else that names the student (an offer to a mentor; after an Accept, the mentor's match DM).
DM_TO_STUDENT, DM_NAMING_STUDENT = "to the student", "naming the student"
DM_ROWS = (
    ("request submission", DM_TO_STUDENT, "the student's confirmation"),
    ("request submission", DM_NAMING_STUDENT, "the first offer DM to a mentor"),
    ("Accept click", DM_TO_STUDENT, "the student's DM"),
    ("Accept click", DM_NAMING_STUDENT, "the mentor's DM naming the student"),
)


@dataclass(frozen=True)
class DmCell:
    """From each request's send to its first DMs at the stand-in, in one cell (`load`: "50 clients")."""

    scenario: str
    variant: str
    load: str
    to_student: Timings
    naming_student: Timings
    missing: int  # requests whose student heard nothing, or whom no DM named


class AckBench:
    """One database's run of benchmarks 1, 1b, 1c, 2 and 6: every server in turn, every cell on each."""

    def __init__(self, database: str, sizes: Sizes, workdir: Path, before: Path | None = None) -> None:
        self.database = database
        self.sizes = sizes
        self.workdir = workdir
        self.before = before  # a checkout of BEFORE_COMMIT, or None to take one with git
        self.before_missing = ""  # why the "before" layout was not measured, if it was not
        self.workers = WORKERS[database]
        self.cells: list[Cell] = []
        self.rate_cells: list[RateCell] = []
        self.dm_cells: list[DmCell] = []
        self.peak_rss: dict[tuple[str, str], float] = {}
        self.slow: dict[str, tuple[LoadResult, LoadResult]] = {}
        self.request_view: dict | None = None

    # -- bodies ------------------------------------------------------------------------------------

    def bodies(
        self, slack: SlackSide, population: Population, scenario: str, app: str, count: int
    ) -> tuple[list[Body], list[str] | None]:
        """`count` bodies of `scenario`, and the student each one's DMs go to (None for /mentor)."""
        if scenario == "/mentor":
            users = [f"UKNOWN{n % KNOWN_STUDENTS:05d}" for n in range(count)]
            return slack.call("commands", SIGNING_SECRET, users), None
        if scenario == "request submission":
            # The bare app changes nothing, so its requests may reuse students; the bot needs new ones.
            users = population.new_students(count) if app == "mentorbot" else ["UKNOWN00001"] * count
            bodies = slack.call("submissions", SIGNING_SECRET, self.request_view, users, REQUEST_VALUES)
            return bodies, users
        offers = population.pending_offers(count)
        clicks = [(mentor, dm) for mentor, dm, _ in offers]
        return slack.call("offer_clicks", SIGNING_SECRET, clicks, ids.ACCEPT_OFFER), [s for *_, s in offers]

    # -- runs --------------------------------------------------------------------------------------

    def run(self) -> list[Section]:
        targets = targets_for(self.database, quick=self.sizes is QUICK, layouts_only=self.sizes is LAYOUTS)
        with contextlib.ExitStack() as stack:
            population = seed_population(stack.enter_context(bench_database(self.database)))
            before: tuple[Path, Population] | None = None
            if any(target.layout == BEFORE_LAYOUT for target in targets):
                tree = stack.enter_context(before_tree(self.before))
                if isinstance(tree, Path):  # that commit's schema (0011), in a database of its own
                    # Today's schema: its changes since are additive, and that tree's code never reads them.
                    before = (tree, seed_population(stack.enter_context(bench_database(self.database))))
                else:
                    self.before_missing = tree
            slack = stack.enter_context(SlackSide())
            for target in targets:
                if target.layout != BEFORE_LAYOUT:
                    self._run_target(slack, target, population, REPOSITORY)
                elif before is not None:
                    self._run_target(slack, target, before[1], before[0])
        return [
            self._ack_section(),
            self._rate_section(),
            self._dm_section(),
            self._slow_section(),
            self._memory_section(),
        ]

    def _run_target(self, slack: SlackSide, target: Target, population: Population, tree: Path) -> None:
        app, variant = target.app, variant_name(target, self.workers)
        name = f"{app}-{target.bolt}-{target.listener_threads}-{target.layout}"
        split = target.layout == SPLIT_LAYOUT
        with contextlib.ExitStack() as stack:
            workers = None
            if split:  # started first: they need the database and the stand-in, not the server
                workers = stack.enter_context(
                    WorkerProcesses(
                        self.workers, population.url, slack.url, SIGNING_SECRET, BOT_TOKEN, self.workdir
                    )
                )
            server = stack.enter_context(
                ServerProcess(
                    app,
                    target.bolt,
                    population.url,
                    slack.url,
                    self.workdir / f"serve-{name}.log",
                    listener_threads=target.listener_threads,
                    ack_only=split,
                    tree=tree,
                )
            )
            if workers is not None:
                workers.wait_started()
            if self.request_view is None:
                viewer = population.new_students(1)[0]
                self.request_view = slack.call("open_view_for", SIGNING_SECRET, server.url, viewer, "request")
            scenarios = SCENARIOS if target.bolt == "tuned" else SCENARIOS[:1]
            for scenario in scenarios:
                for concurrency in self.sizes.concurrency:
                    closed_loop = partial(send_load, server.url, SIGNING_SECRET, concurrency=concurrency)
                    result = self._measure(
                        slack,
                        population,
                        server,
                        scenario,
                        app,
                        variant,
                        f"{concurrency} clients",
                        self.sizes.requests,
                        closed_loop,
                    )
                    self.cells.append(Cell(scenario, app, variant, concurrency, result))
            if target.bolt == "tuned" and not target.listener_threads:  # the layouts and the bare app
                for scenario in SCENARIOS:
                    for per_second in self.sizes.rates:
                        open_loop = partial(send_at_rate, server.url, SIGNING_SECRET, per_second=per_second)
                        result = self._measure(
                            slack,
                            population,
                            server,
                            scenario,
                            app,
                            variant,
                            f"{per_second}/s",
                            self.sizes.rate_requests,
                            open_loop,
                        )
                        self.rate_cells.append(RateCell(scenario, app, variant, per_second, result))
            if app == "mentorbot":
                self.slow[variant] = self._slow(slack, population, server)
            self.peak_rss[(app, variant)] = server.peak_rss_mb()
            if workers is not None:
                self.peak_rss[("mentorbot worker", variant)] = workers.peak_rss_mb()

    def _measure(
        self,
        slack: SlackSide,
        population: Population,
        server: ServerProcess,
        scenario: str,
        app: str,
        variant: str,
        load: str,
        count: int,
        send: Callable[[list[Body]], LoadResult],
    ) -> LoadResult:
        """A warm-up, then `count` requests of `scenario` through `send`, each after the server is idle;
        for the bot, when each request's first DMs reached the stand-in."""
        warmup, _ = self.bodies(slack, population, scenario, app, self.sizes.warmup)
        measured, students = self.bodies(slack, population, scenario, app, count)
        send(warmup)
        server.wait_idle()
        result = send(measured)
        server.wait_idle()  # the follow-ups of this cell do not weigh on the next one
        if app == "mentorbot" and students is not None:
            first_dms = slack.call("first_dms", dict(zip(students, result.sent_at, strict=True)))
            self.dm_cells.append(_dm_cell(scenario, variant, load, result, students, first_dms))
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
            met = b is not None and _met(t, b)
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
            tuned = self._find("/mentor", "bare", TUNED, concurrency)
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
            f"{GOAL_RATIO}x bare and ≤ {GOAL_P99_MS:.0f} ms. Servers: the bot's layouts (below), and on "
            "SQLite the durable layout with Bolt's defaults and with 32 follow-up threads.",
            markdown_table(
                [
                    "request",
                    "server",
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
        paragraphs += self._layouts_side_by_side()
        return Section(f"1. Ack latency over HTTP ({self.database})", paragraphs)

    def layouts(self) -> list[str]:
        """The bot's three layouts, in the order they are shown, those measured in this run."""
        measured = {cell.variant for cell in self.cells}
        return [name for name in (BEFORE, OURS, split_name(self.workers)) if name in measured]

    def _layouts_side_by_side(self) -> list[str]:
        clients = max(self.sizes.concurrency)
        layouts = self.layouts()
        split = split_name(self.workers)
        rows = []
        for scenario in SCENARIOS:
            bare = self._find(scenario, "bare", TUNED, clients)
            if bare is None:
                continue
            row: list[object] = [scenario, bare.timings.p50, bare.timings.p99]
            for layout in layouts:
                cell = self._find(scenario, "mentorbot", layout, clients)
                row += (
                    [cell.timings.p50, cell.timings.p99, ratio(cell.timings.p99, bare.timings.p99)]
                    if cell
                    else ["-"] * 3
                )
            ours = self._find(scenario, "mentorbot", split, clients)
            met = ours is not None and _met(ours.timings, bare.timings)
            rows.append([*row, goal_verdict(met) if ours else "-"])
        headers = ["request", "bare p50", "bare p99"]
        for layout in layouts:
            headers += [f"{layout} p50", "p99", "p99 ratio"]
        before = (
            f"before = commit {BEFORE_COMMIT[:7]}'s own server (the work in the acking process's memory), on "
            "a database of its own at that commit's schema"
            if BEFORE in layouts
            else f"before: **not measured** ({self.before_missing})"
        )
        return [
            f"The layouts side by side at {clients} clients (ms; ratio = p99 over the bare app's). {before}; "
            f"durable = today's `mentorbot serve`; {split} = `serve --ack-only` and {self.workers} real "
            "`mentorbot worker` processes on the same database"
            + (
                " (SQLite is not that layout's intended database: one writer at a time)"
                if self.database == "sqlite"
                else ""
            )
            + f". Goal with separate workers: p99 ≤ {GOAL_RATIO}x bare and ≤ {GOAL_P99_MS:.0f} ms.",
            markdown_table([*headers, "goal (workers)"], rows),
        ]

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
                    cell.variant,
                    cell.per_second,
                    t.count,
                    cell.result.errors,
                    t.p50,
                    t.p99,
                    t.max,
                    b.p50,
                    b.p99,
                    p99_ratio,
                    goal_verdict(_met(t, b)),
                ]
            )
        return Section(
            f"1b. Ack latency at a steady arrival rate ({self.database})",
            [
                f"{self.sizes.rate_requests} signed requests a cell at a steady rate over 50 keep-alive "
                "connections, each of the bot's layouts and the bare app with Bolt settings ours: an open "
                "loop, where each request falls due on time "
                "whatever the answers before it (as Slack's traffic does) and its latency counts from then. "
                "A school's Slack sends a few requests a second at its busiest. The goal column applies "
                f"benchmark 1's (p99 ≤ {GOAL_RATIO}x bare and ≤ {GOAL_P99_MS:.0f} ms) at these rates.",
                markdown_table(
                    [
                        "request",
                        "server",
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

    def _dm_section(self) -> Section:
        layouts = self.layouts()
        loads = [f"{c} clients" for c in self.sizes.concurrency] + [f"{r}/s" for r in self.sizes.rates]
        cells = {(c.scenario, c.variant, c.load): c for c in self.dm_cells}
        rows = []
        for scenario, which, message in DM_ROWS:
            for load in loads:
                row: list[object] = [scenario, message, load]
                missing = 0
                for layout in layouts:
                    cell = cells.get((scenario, layout, load))
                    if cell is None:
                        row += ["-", "-"]
                        continue
                    timings = cell.to_student if which == DM_TO_STUDENT else cell.naming_student
                    row += [timings.p50, timings.p99]
                    missing += cell.missing
                rows.append([*row, missing])
        headers = ["request", "first DM", "load"]
        for layout in layouts:
            headers += [f"{layout} p50", "p99"]
        return Section(
            f"1c. From the click to its DM ({self.database})",
            [
                "For each request of benchmark 1's and 1b's cells, from the moment it was sent (closed "
                "loop) or fell due (open loop) to the moment the bot's first `chat.postMessage` to the "
                "student, and the first to someone else naming the student, reached the Slack stand-in "
                "(its `RecordedCall.at`; the same machine's wall clock), in ms. The durable layouts add "
                "the inbound row to each request's way; with workers, a row waits for a worker's claim "
                "(each polls every 0.25 s, at once again while it finds work). not received = requests "
                "whose DM never came (0 expected).",
                markdown_table([*headers, "not received"], rows),
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
                        "server",
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
                goal_verdict(rss <= GOAL_RSS_MB) if app == "mentorbot" else "-",  # `serve`'s goal
            ]
            for (app, variant), rss in self.peak_rss.items()
        ]
        return Section(
            f"6. Memory ({self.database})",
            [
                "Peak RSS (VmHWM) of the server process over its whole part of benchmarks 1 and 2 "
                "(for the workers, the largest of theirs). "
                f"Goal: ≤ {GOAL_RSS_MB:.0f} MB for mentorbot's server.",
                markdown_table(["process", "server", "peak RSS MB", "goal"], rows),
            ],
        )


def _met(timings: Timings, bare: Timings) -> bool:
    return ratio(timings.p99, bare.p99) <= GOAL_RATIO and timings.p99 <= GOAL_P99_MS


def _dm_cell(
    scenario: str, variant: str, load: str, result: LoadResult, students: list[str], first_dms: dict
) -> DmCell:
    """Each request's time from its send to its student's first DM, and to the first DM naming them;
    `first_dms` is the stand-in's answer (`first_dms`) for `students`, the students of the bodies."""
    to_student, naming_student, missing = [], [], 0
    for student, sent_at in zip(students, result.sent_at, strict=True):
        to_them, naming_them = first_dms[student]
        if to_them is None or naming_them is None:
            missing += 1
        if to_them is not None:
            to_student.append(to_them - sent_at)
        if naming_them is not None:
            naming_student.append(naming_them - sent_at)
    return DmCell(scenario, variant, load, Timings(to_student), Timings(naming_student), missing)


def _merge(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        timings=type(results[0].timings)([s for r in results for s in r.timings.seconds]),
        errors=sum(r.errors for r in results),
        elapsed=sum(r.elapsed for r in results),
    )


def run(database: str, quick: bool, before: Path | None = None, layouts_only: bool = False) -> list[Section]:
    """`before`: a checkout of `bench.before.BEFORE_COMMIT` (default: taken from git for the run);
    `layouts_only`: the three layouts and the bare app at the `LAYOUTS` sizes."""
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-logs-") as folder:
        workdir = Path(folder)
        try:
            sizes = QUICK if quick else LAYOUTS if layouts_only else FULL
            return AckBench(database, sizes, workdir, before).run()
        finally:
            # Keep the servers' logs where someone can read them after a failure.
            keep = Path(tempfile.gettempdir()) / "mentorbot-bench-logs"
            keep.mkdir(exist_ok=True)
            for log in workdir.glob("*.log"):
                (keep / f"{database}-{log.name}").write_bytes(log.read_bytes())
