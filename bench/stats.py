"""Benchmark 4: the `/mentoring-stats` report for schools of 1,000 to 100,000 members.

Calls `bot.stats.programme_stats(session, team_id, period, now)` (the figures behind the report, for
the default 90-day period) on a school seeded with two years of history (`bench.seed.seed_school`),
each call in a transaction of its own. The baseline is one member fetched by primary key, same run.
Every statement the report runs is then explained by the database, to show which use indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select

from bench.common import (
    TEAM_ID,
    Section,
    Timings,
    analyse,
    bench_database,
    goal_verdict,
    markdown_table,
    ratio,
    time_calls,
)
from bench.matching import explain
from bench.seed import seed_school
from bot.stats import DEFAULT_PERIOD, programme_stats
from storage.db import create_database_engine, create_session_factory
from storage.models import Member

FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200,)
GOAL_MS_AT_100K = 300.0


def measure(database: str, members: int, quick: bool) -> tuple[Timings, Timings, dict[str, int], list]:
    with bench_database(database) as url:
        now = datetime.now(UTC)
        engine = create_database_engine(url)
        sessions = create_session_factory(engine)
        with sessions.begin() as session:
            counts = seed_school(session, TEAM_ID, members, now)
        analyse(url)

        def report() -> object:
            with sessions.begin() as session:
                return programme_stats(session, TEAM_ID, DEFAULT_PERIOD, now)

        def fetch_one_member() -> object:
            with sessions.begin() as session:
                return session.scalar(select(Member.id).where(Member.id == 1))

        repeat = 3 if quick else 30 if members <= 10_000 else 10
        time_calls(report, 1)
        timings = time_calls(report, repeat)
        baseline = time_calls(fetch_one_member, repeat)
        plans = (
            statement_plans(engine, report) if members == max(QUICK_SIZES if quick else FULL_SIZES) else []
        )
        engine.dispose()
    return timings, baseline, counts, plans


def statement_plans(engine, call) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    """(first words of the SQL, its plan) for every SELECT `call` runs."""
    statements: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return [(" ".join(sql.split())[:150], explain(engine, sql, params)) for sql, params in statements]


def full_scans(dialect: str, plan: list[str]) -> list[str]:
    """Plan lines that read a whole table rather than through an index."""
    if dialect == "sqlite":
        return [
            line
            for line in plan
            if line.startswith("SCAN ") and " USING " not in line and "CONSTANT ROW" not in line
        ]
    return [line.strip() for line in plan if "Seq Scan" in line]


def run(database: str, quick: bool) -> list[Section]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    rows, plan_text, scan_rows = [], [], []
    history = ""
    for members in sizes:
        timings, baseline, counts, plans = measure(database, members, quick)
        verdict = goal_verdict(timings.p50 <= GOAL_MS_AT_100K) if members == 100_000 else "-"
        rows.append(
            [
                f"{members:,}",
                timings.count,
                timings.p50,
                timings.p99,
                baseline.p50,
                ratio(timings.p50, baseline.p50),
                verdict,
            ]
        )
        history = ", ".join(f"{value:,} {name}" for name, value in counts.items())
        dialect = "sqlite" if database == "sqlite" else "postgresql"
        for number, (sql, plan) in enumerate(plans, start=1):
            scans = full_scans(dialect, plan)
            scan_rows.append([number, f"`{sql[:70]}…`", "; ".join(scans) if scans else "none"])
            plan_text.append(f"-- {number}: {sql}\n" + "\n".join("    " + line for line in plan))
    return [
        Section(
            f"4. Statistics ({database})",
            [
                "`programme_stats` (the default 90-day report), a transaction per call; baseline: one "
                f"member by primary key, same run. Times in ms. Goal: ≤ {GOAL_MS_AT_100K:.0f} ms at "
                f"100,000 members. Largest school seeded: {history}.",
                markdown_table(
                    ["members", "calls", "median", "p99", "baseline median", "ratio", "goal"], rows
                ),
                "Statements of the report at the largest size, and any table they read in full "
                "(SQLite `SCAN` without an index, PostgreSQL `Seq Scan`):",
                markdown_table(["#", "statement", "full table reads"], scan_rows),
                "<details><summary>Query plans</summary>\n\n```\n"
                + "\n".join(plan_text)
                + "\n```\n</details>",
            ],
        )
    ]
