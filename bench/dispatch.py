"""Benchmark 5: 10,000 due follow-ups through the dispatcher, against a stand-in that answers at once.

The dispatcher (`bot.dispatch.run_dispatch_pass`, passes until nothing is left) runs in this process;
the stand-in runs in its own. The baseline, in the same run, is a loop of bare `chat.postMessage` calls
with the same client and a message of the same size: what is left per message is the dispatcher's own
work (claiming, reading, rendering, recording). On PostgreSQL, four processes then share the same
10,000 rows: throughput, and a check that every follow-up went out exactly once.
"""

from __future__ import annotations

import multiprocessing
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench.common import TEAM_ID, Section, bench_database, goal_verdict, markdown_table, ratio
from bench.seed import add_members, insert_rows, prepare_programme
from bench.serve_target import bench_config
from bench.slack_side import SlackSide
from bot.app import build_context
from bot.clock import ManualClock
from bot.dispatch import run_dispatch_pass
from bot.messages.followups import FollowupContent, followup_message
from storage.db import create_database_engine, create_session_factory
from storage.models import Followup, FollowupKind, FollowupState, Mentorship, MentorshipStatus, Role

# A Monday, 10:00 in Paris: inside the default hours, so nothing is held for quiet hours.
NOW = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
FULL_FOLLOWUPS = 10_000
QUICK_FOLLOWUPS = 40
PROCESSES = 4
GOAL_OVERHEAD_MS = 1.0


def seed_due_followups(url: str, count: int) -> None:
    """`count` first-meeting surveys due now, two per mentorship (student and mentor), distinct people."""
    pairs = count // 2
    engine = create_database_engine(url)
    sessions = create_session_factory(engine)
    with sessions.begin() as session:
        prepare_programme(session, TEAM_ID)
        students = add_members(session, TEAM_ID, [f"UDS{n:06d}" for n in range(pairs)], Role.STUDENT, NOW)
        mentors = add_members(session, TEAM_ID, [f"UDM{n:06d}" for n in range(pairs)], Role.ALUMNUS, NOW)
        started = NOW - timedelta(days=30)
        mentorship_ids = insert_rows(
            session,
            Mentorship,
            [
                {
                    "team_id": TEAM_ID,
                    "student_id": student,
                    "mentor_id": mentor,
                    "status": MentorshipStatus.ACTIVE,
                    "started_at": started,
                    "first_contact_at": started + timedelta(days=2),
                    "term_ends_at": started + timedelta(days=182),
                    "unanswered_prompts": 0,
                }
                for student, mentor in zip(students, mentors, strict=True)
            ],
        )
        insert_rows(
            session,
            Followup,
            [
                {
                    "team_id": TEAM_ID,
                    "kind": FollowupKind.FIRST_MEETING_SURVEY.value,
                    "recipient_id": recipient,
                    "mentorship_id": mentorship_id,
                    "period": f"m{mentorship_id}",
                    "due_at": NOW - timedelta(minutes=1),
                    "state": FollowupState.DUE,
                    "attempts": 0,
                    "created_at": started,
                }
                for mentorship_id, student, mentor in zip(mentorship_ids, students, mentors, strict=True)
                for recipient in (student, mentor)
            ],
        )
    engine.dispose()


def dispatch_until_done(url: str, slack_url: str) -> int:
    """Dispatcher passes until a pass sends nothing; how many follow-ups this process sent."""
    engine = create_database_engine(url)
    bot = build_context(bench_config(url, slack_url), create_session_factory(engine), ManualClock(NOW))
    sent = 0
    while True:
        report = run_dispatch_pass(bot, NOW, sweep=False)
        sent += len(report.sent)
        if not (report.sent or report.held or report.retrying or report.skipped or report.failed):
            break
    engine.dispose()
    return sent


def bare_posts(slack_url: str, url: str, count: int) -> float:
    """Seconds for `count` bare chat.postMessage calls of a follow-up's size, with the dispatch client."""
    engine = create_database_engine(url)
    bot = build_context(bench_config(url, slack_url), create_session_factory(engine), ManualClock(NOW))
    client = bot.slack_clients.without_retries("")
    content = FollowupContent(
        followup_id=1,
        kind=FollowupKind.FIRST_MEETING_SURVEY,
        student_user_id="UDS000001",
        mentor_user_id="UDM000001",
        days=30,
        meetings=0,
        months=1,
        mentorship_id=1,
    )
    message = followup_message("fr", content).as_kwargs()
    client.chat_postMessage(channel="UWARM", **message)
    began = time.perf_counter()
    for number in range(count):
        client.chat_postMessage(channel=f"UBARE{number:06d}", **message)
    elapsed = time.perf_counter() - began
    engine.dispose()
    return elapsed


def _worker(url: str, slack_url: str, ready, go, results) -> None:  # type: ignore[no-untyped-def]
    ready.put(True)
    go.wait()
    results.put(dispatch_until_done(url, slack_url))


def dispatch_in_processes(url: str, slack_url: str, processes: int) -> tuple[float, int]:
    """(seconds, follow-ups sent) for `processes` dispatchers started together on the same rows."""
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    workers = [
        context.Process(target=_worker, args=(url, slack_url, ready, go, results)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=120)
    began = time.perf_counter()
    go.set()
    sent = sum(results.get(timeout=1800) for _ in workers)
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    return elapsed, sent


def check_exactly_once(slack: SlackSide, url: str, count: int) -> str:
    posts = slack.call("posts_per_channel")
    engine = create_database_engine(url)
    with engine.connect() as connection:
        sent_rows = connection.execute(
            select(func.count()).select_from(Followup).where(Followup.state == FollowupState.SENT)
        ).scalar_one()
    engine.dispose()
    twice = sum(1 for n in posts.values() if n > 1)
    ok = len(posts) == count and twice == 0 and sent_rows == count
    return (
        f"{'exactly once' if ok else 'NOT EXACTLY ONCE'}: {sum(posts.values()):,} messages to "
        f"{len(posts):,} people, {twice} received more than one; {sent_rows:,} rows marked sent"
    )


def run(database: str, quick: bool) -> list[Section]:
    count = QUICK_FOLLOWUPS if quick else FULL_FOLLOWUPS
    bare_count = count if quick else 2_000
    rows, notes = [], []
    with SlackSide() as slack:
        with bench_database(database) as url:
            seed_due_followups(url, count)
            bare_seconds = bare_posts(slack.url, url, bare_count)
            slack.call("reset")
            began = time.perf_counter()
            sent = dispatch_until_done(url, slack.url)
            single = time.perf_counter() - began
            notes.append("1 process: " + check_exactly_once(slack, url, count))
        bare_ms = bare_seconds / bare_count * 1000
        per_message_ms = single / max(sent, 1) * 1000
        overhead = per_message_ms - bare_ms
        rows.append(
            [
                1,
                f"{sent:,}",
                single,
                sent / single,
                per_message_ms,
                bare_ms,
                overhead,
                ratio(per_message_ms, bare_ms),
                goal_verdict(overhead <= GOAL_OVERHEAD_MS),
            ]
        )
        if database == "postgresql":
            slack.call("reset")
            with bench_database(database) as url:
                seed_due_followups(url, count)
                elapsed, sent_many = dispatch_in_processes(url, slack.url, PROCESSES)
                notes.append(f"{PROCESSES} processes: " + check_exactly_once(slack, url, count))
            rows.append(
                [
                    PROCESSES,
                    f"{sent_many:,}",
                    elapsed,
                    sent_many / elapsed,
                    elapsed / max(sent_many, 1) * 1000,
                    bare_ms,
                    "-",
                    f"throughput x {(sent_many / elapsed) / (sent / single):.2f} of 1 process",
                    "-",
                ]
            )
    return [
        Section(
            f"5. Dispatch ({database})",
            [
                f"{count:,} due follow-ups (first-meeting surveys) through `run_dispatch_pass` until none "
                f"is left; the stand-in answers at once. Baseline: {bare_count:,} bare `chat.postMessage` "
                f"calls with the same client, same run. Goal: ≤ {GOAL_OVERHEAD_MS:.0f} ms overhead "
                "a message.",
                markdown_table(
                    [
                        "processes",
                        "sent",
                        "seconds",
                        "messages/s",
                        "ms a message",
                        "bare post ms",
                        "overhead ms",
                        "ratio",
                        "goal",
                    ],
                    rows,
                ),
                "\n".join(f"- {note}" for note in notes),
            ],
        )
    ]
