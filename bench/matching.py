"""Benchmark 3: ranking the candidates for one request among 100 to 50,000 mentor profiles.

Calls `storage.queries.matching.rank_mentors` as `bot.matching` does when it offers a request (three
best, two topics, a language), each call in a transaction of its own. The baseline, measured in the same
run on the same database, is the cheapest query the bot makes: one member fetched by its primary key.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

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
from bench.seed import add_members, add_mentor_profiles, insert_rows, prepare_programme
from storage.db import SessionFactory, create_database_engine, create_session_factory
from storage.models import Member, MentoringRequest, RequestStatus, RequestTopic, Role
from storage.queries.matching import rank_mentors

FULL_SIZES = (100, 1_000, 10_000, 50_000)
QUICK_SIZES = (20, 200)
GOAL_MS_AT_10K = 20.0
TOPICS = ["careers", "engineering"]


def _calls(size: int, quick: bool) -> int:
    if quick:
        return 5
    return 300 if size <= 1_000 else 100 if size <= 10_000 else 40


def add_open_request(session: Session, team_id: str, student_id: int, version: int, now: datetime) -> int:
    """The student's open request, on `TOPICS` in French: what the ranking is asked to match."""
    (request_id,) = insert_rows(
        session,
        MentoringRequest,
        [
            {
                "team_id": team_id,
                "student_id": student_id,
                "message": "I would like advice on my career plans.",
                "language": "fr",
                "status": RequestStatus.OPEN,
                "charter_version": version,
                "created_at": now,
            }
        ],
    )
    insert_rows(session, RequestTopic, [{"request_id": request_id, "topic": topic} for topic in TOPICS])
    return request_id


def rank_for_request(sessions: SessionFactory, team_id: str, request_id: int, student_id: int) -> list[int]:
    """The three best mentors for the request, as `bot.matching` asks when it offers one, in a
    transaction of its own."""
    with sessions.begin() as session:
        return rank_mentors(
            session,
            team_id=team_id,
            request_id=request_id,
            student_id=student_id,
            topics=TOPICS,
            language="fr",
            limit=3,
        )


def measure(database: str, size: int, quick: bool) -> tuple[Timings, Timings, list[str]]:
    """(ranking timings, baseline timings, the ranking's query plan) for `size` mentor profiles."""
    with bench_database(database) as url:
        now = datetime.now(UTC)
        engine = create_database_engine(url)
        sessions = create_session_factory(engine)
        with sessions.begin() as session:
            version = prepare_programme(session, TEAM_ID)
            mentor_ids = add_members(
                session, TEAM_ID, [f"UMEN{n:06d}" for n in range(size)], Role.ALUMNUS, now
            )
            add_mentor_profiles(
                session, TEAM_ID, mentor_ids, now, random.Random(size), charter_version=version
            )
            (student_id,) = add_members(session, TEAM_ID, ["USTUDENT"], Role.STUDENT, now)
            request_id = add_open_request(session, TEAM_ID, student_id, version, now)
        analyse(url)

        def rank() -> list[int]:
            return rank_for_request(sessions, TEAM_ID, request_id, student_id)

        def fetch_one_member() -> object:
            with sessions.begin() as session:
                return session.scalar(select(Member.id).where(Member.id == student_id))

        assert len(rank()) == 3, "the seeded school should have three candidates"
        repeat = _calls(size, quick)
        time_calls(rank, 3)  # warm the statement cache and the database's pages
        ranking = time_calls(rank, repeat)
        baseline = time_calls(fetch_one_member, repeat)
        plan = query_plan(engine, rank)
        engine.dispose()
    return ranking, baseline, plan


def query_plan(engine: Engine, call: Callable[[], object]) -> list[str]:
    """The plan of the one statement `call` runs, as the database explains it."""
    statements: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return explain(engine, statements[-1][0], statements[-1][1])


def explain(engine: Engine, statement: str, parameters: object) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()  # type: ignore[arg-type]
        connection.rollback()
    if engine.dialect.name == "sqlite":
        return [str(row[-1]) for row in rows]
    return [str(row[0]) for row in rows]


def run(database: str, quick: bool) -> list[Section]:
    sizes = QUICK_SIZES if quick else FULL_SIZES
    rows, plans = [], []
    first_median = None
    for size in sizes:
        ranking, baseline, plan = measure(database, size, quick)
        first_median = first_median or ranking.p50
        verdict = goal_verdict(ranking.p50 <= GOAL_MS_AT_10K) if size == 10_000 else "-"
        rows.append(
            [
                f"{size:,}",
                ranking.count,
                ranking.p50,
                ranking.p99,
                baseline.p50,
                ratio(ranking.p50, baseline.p50),
                ratio(ranking.p50, first_median),
                size / sizes[0],
                verdict,
            ]
        )
        plans.append(f"{size:,} profiles:\n" + "\n".join("    " + line for line in plan))
    return [
        Section(
            f"3. Matching ({database})",
            [
                "`rank_mentors` for one request (2 topics, a language, best 3), a transaction per call. "
                "Baseline: one member fetched by primary key, same run, same database. Times in ms. "
                f"Goal: median ≤ {GOAL_MS_AT_10K:.0f} ms at 10,000 profiles; near-linear growth or better.",
                markdown_table(
                    [
                        "mentor profiles",
                        "calls",
                        "median",
                        "p99",
                        "baseline median",
                        "ratio to baseline",
                        "growth (time)",
                        "growth (size)",
                        "goal",
                    ],
                    rows,
                ),
                "Query plans of the ranking:\n\n```\n" + "\n".join(plans) + "\n```",
            ],
        )
    ]
