"""Benchmark 8: what the durable ack's write adds to an ack, alone.

Before Bolt answers Slack, a listener records the payload (`bot.work.record_inbound`: one transaction
with one INSERT into `followups`, committed). This times that call on its own, in this process, with the
raw bodies the benchmarks send (a `/mentor` command and a request submission), against a trivial
statement in a transaction (`SELECT 1`) on the same engine: what is left is the INSERT and its commit.
Samples are interleaved (one of each, round after round), so that a noisy neighbour weighs on all alike.

On PostgreSQL a commit waits for its WAL to reach the disk (`synchronous_commit=on`): the disk decides
most of the write's cost. For comparison only, not what the bot does, one more row makes the same INSERT
with `SET LOCAL synchronous_commit = off`: the row then outlives a crash of the bot (the case the durable
ack is for) but not one of PostgreSQL's server within its WAL writer's delay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial

from sqlalchemy import Engine, text

from bench.ack import REQUEST_VALUES
from bench.common import TEAM_ID, Section, Timings, bench_database, goal_verdict, markdown_table
from bench.seed import prepare_programme
from bench.serve_target import SIGNING_SECRET, bench_config
from bench.slack_side import _CapturingDriver
from bot.app import build_context
from bot.context import BotContext
from bot.messages.requests import request_modal
from bot.programme import charter_in_force, charter_text, programme_settings, topics_of
from bot.work import record_inbound
from storage.db import create_database_engine, create_session_factory
from storage.models import FollowupKind
from storage.queries.work import record_work

FULL_ROUNDS = 2000
QUICK_ROUNDS = 20
WARMUP_ROUNDS = 20
GOAL_P50_MS = 1.0
UNUSED_URL = "http://127.0.0.1:9/"  # nothing here calls Slack or the bot
# The names the listeners record (`handlers.background._name_of`).
MENTOR_LISTENER = "handlers.commands.answer_mentor_command"
REQUEST_LISTENER = "handlers.requests.create_submitted_request"


def payloads(engine: Engine) -> dict[str, tuple[bytes, str]]:
    """A `/mentor` command's and a request submission's raw bodies, as Slack sends them."""
    sessions = create_session_factory(engine)
    with sessions.begin() as session:
        prepare_programme(session, TEAM_ID)
        charter = charter_in_force(session, TEAM_ID)
        topics = topics_of(programme_settings(session, TEAM_ID))
    view = request_modal("fr", topics, charter_text(charter, "fr"), charter.version, "fr")
    driver = _CapturingDriver(UNUSED_URL, SIGNING_SECRET, None)
    driver.slash_command("USTU0000001")
    driver.submit_view("USTU0000001", {**view, "id": "V0000000001"}, REQUEST_VALUES)
    command, submission = driver.captured
    return {"/mentor": command, "request submission": submission}


def durability_settings(engine: Engine) -> str:
    """What decides a commit's cost: SQLite's journal and sync mode, PostgreSQL's commit settings."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            names = ("synchronous_commit", "fsync", "wal_sync_method")
            values = {name: connection.execute(text(f"SHOW {name}")).scalar() for name in names}
        else:
            names = ("journal_mode", "synchronous")
            values = {name: connection.execute(text(f"PRAGMA {name}")).scalar() for name in names}
    return ", ".join(f"`{name}={value}`" for name, value in values.items())


def select_one(bot: BotContext) -> None:
    with bot.sessions.begin() as session:
        session.execute(text("SELECT 1"))


def record_without_waiting_for_the_disk(bot: BotContext, payload: dict) -> None:
    """record_inbound's INSERT, its commit not waiting for the WAL flush (PostgreSQL; not shipped)."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        session.execute(text("SET LOCAL synchronous_commit = off"))
        record_work(session, FollowupKind.INBOUND, TEAM_ID, [payload], now=now, holder=None, lease_until=None)


def time_interleaved(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, Timings]:
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return {name: Timings(seconds) for name, seconds in samples.items()}


def run(database: str, quick: bool) -> list[Section]:
    rounds = QUICK_ROUNDS if quick else FULL_ROUNDS
    with bench_database(database) as url:
        engine = create_database_engine(url)
        pool = ThreadPoolExecutor(max_workers=1)  # never used: nothing here carries the rows out
        try:
            bodies = payloads(engine)
            serve = build_context(
                bench_config(url, UNUSED_URL), create_session_factory(engine), follow_ups=pool
            )
            ack_only = replace(serve, works_here=False)
            calls: dict[str, Callable[[], object]] = {"SELECT 1 in a transaction": partial(select_one, serve)}
            for label, bot, (name, (body, content_type)) in (
                ("`/mentor`", serve, ("/mentor", bodies["/mentor"])),
                ("request submission", serve, ("request submission", bodies["request submission"])),
                (
                    "request submission, ack-only",
                    ack_only,
                    ("request submission", bodies["request submission"]),
                ),
            ):
                listener = MENTOR_LISTENER if name == "/mentor" else REQUEST_LISTENER
                calls[f"record_inbound: {label} ({len(body) / 1024:.1f} KB)"] = partial(
                    record_inbound, bot, listener, TEAM_ID, "USTU0000001", body.decode(), content_type
                )
            if engine.dialect.name == "postgresql":
                body, content_type = bodies["request submission"]
                stored = {
                    "listener": REQUEST_LISTENER,
                    "user_id": "USTU0000001",
                    "content_type": content_type,
                }
                calls["for comparison, not shipped: its INSERT with `synchronous_commit=off`"] = partial(
                    record_without_waiting_for_the_disk, ack_only, stored | {"raw": body.decode()}
                )
            time_interleaved(calls, WARMUP_ROUNDS)
            timings = time_interleaved(calls, rounds)
            settings = durability_settings(engine)
        finally:
            pool.shutdown()
            engine.dispose()
    baseline = next(iter(timings.values()))
    rows = []
    for name, t in timings.items():
        is_write = t is not baseline
        shipped = is_write and name.startswith("record_inbound")
        rows.append(
            [
                name,
                t.count,
                t.p50,
                t.p99,
                t.max,
                t.p50 - baseline.p50 if is_write else "-",
                t.p99 - baseline.p99 if is_write else "-",
                goal_verdict(t.p50 <= GOAL_P50_MS) if shipped else "-",
            ]
        )
    return [
        Section(
            f"8. What the durable write adds to an ack ({database})",
            [
                f"`bot.work.record_inbound` alone, in one process and one thread: one transaction with one "
                f"INSERT of the raw body into `followups`, committed (as `serve` records it: claimed by the "
                f"process; ack-only: due, for the workers), {rounds} rounds interleaved with a `SELECT 1` in "
                f"a transaction on the same engine. Times in ms; added = over the `SELECT 1`. Database "
                f"settings: {settings}. Goal: the write ≤ {GOAL_P50_MS:.0f} ms at p50.",
                markdown_table(
                    ["call", "n", "p50", "p99", "max", "added p50", "added p99", "goal"],
                    rows,
                ),
            ],
        )
    ]
