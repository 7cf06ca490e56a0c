"""The dispatcher pass: exactly once, quiet hours, Slack's errors and 429s, crashes and restarts."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import BotContext
from bot.dispatch import LEASE, MAX_ATTEMPTS, run_dispatch_pass
from bot.followups import plan_match_followups
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from storage.db import create_database_engine, create_session_factory
from storage.models import Followup, FollowupState, Member, Mentorship
from storage.queries.followups import PlannedFollowup, claim_due_followups, plan_followups
from tests.conftest import START
from tests.factories import make_student
from tests.factories_followups import (
    count_in_state,
    dispatch,
    due_now,
    followup,
    matched_pair,
    posted_followup_ids,
)


def a_student(
    sandbox: Sandbox, user_id: str = "USTU", tz: str | None = "Europe/Paris", locale: str = "en"
) -> int:
    sandbox.slack.add_user(user_id, locale="en-GB" if locale == "en" else "fr-FR", tz=tz or "Europe/Paris")
    with sandbox.bot.sessions.begin() as session:
        student = make_student(session, sandbox.team_id, user_id, locale=locale)
        student.tz = tz
        return student.id


def test_a_due_followup_is_sent_once_however_many_passes_run(sandbox: Sandbox, clock: ManualClock) -> None:
    followup_id = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())

    first = dispatch(sandbox)
    second = dispatch(sandbox)

    assert [item.followup_id for item in first.sent] == [followup_id]
    assert second.sent == []
    assert posted_followup_ids(sandbox) == [str(followup_id)]
    row = followup(sandbox, followup_id)
    assert row.state == FollowupState.SENT and row.sent_at == clock.now() and row.message_ts
    assert "Alumni are ready to help you" in sandbox.slack.last_message_to("USTU").text


def test_a_followup_not_yet_due_waits(sandbox: Sandbox, clock: ManualClock) -> None:
    due_now(sandbox, a_student(sandbox), "student_reminder", clock.now() + timedelta(hours=1))

    assert dispatch(sandbox).sent == []
    clock.advance(timedelta(hours=1))
    assert len(dispatch(sandbox).sent) == 1


def test_quiet_hours_hold_a_message_until_the_recipients_morning(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    # 10:00 in Paris is 04:00 in New York: held until 09:00 New York time (13:00 UTC).
    followup_id = due_now(sandbox, a_student(sandbox, tz="America/New_York"), "student_reminder", clock.now())

    report = dispatch(sandbox)

    assert report.sent == [] and len(report.held) == 1
    held = followup(sandbox, followup_id)
    assert held.state == FollowupState.DUE and held.attempts == 0
    assert held.due_at == START.replace(hour=13)
    clock.set(START.replace(hour=13))
    assert len(dispatch(sandbox).sent) == 1


def test_a_message_due_on_saturday_waits_for_monday(sandbox: Sandbox, clock: ManualClock) -> None:
    saturday = START + timedelta(days=5)  # Saturday 12 September, 10:00 in Paris
    clock.set(saturday)
    followup_id = due_now(sandbox, a_student(sandbox), "student_reminder", saturday)

    assert dispatch(sandbox).sent == []
    assert followup(sandbox, followup_id).due_at == START + timedelta(days=7, hours=-1)  # Monday 09:00 Paris


def test_an_unknown_time_zone_is_asked_of_slack_once(sandbox: Sandbox, clock: ManualClock) -> None:
    member_id = a_student(sandbox, tz=None)
    sandbox.slack.add_user("USTU", locale="en-GB", tz="Asia/Tokyo")  # 17:00 in Tokyo: still open
    due_now(sandbox, member_id, "student_reminder", clock.now())

    assert len(dispatch(sandbox).sent) == 1
    with sandbox.bot.sessions.begin() as session:
        assert session.get(Member, member_id).tz == "Asia/Tokyo"
    assert len(sandbox.slack.calls_to("users.info")) == 1


def test_a_429_delays_the_message_until_retry_after_and_never_drops_it(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    followup_id = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())
    sandbox.slack.fail_next("chat.postMessage", status=429, retry_after=30)

    report = dispatch(sandbox)

    assert report.rate_limited_teams == {sandbox.team_id: 30} and report.sent == []
    waiting = followup(sandbox, followup_id)
    assert waiting.state == FollowupState.DUE and waiting.attempts == 0
    assert waiting.due_at == clock.now() + timedelta(seconds=30)
    assert dispatch(sandbox).sent == []  # not before Retry-After
    clock.advance(timedelta(seconds=30))
    assert len(dispatch(sandbox).sent) == 1


def test_a_429_storm_delays_many_messages_but_each_is_sent_exactly_once(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    member_id = a_student(sandbox)
    planned = [
        due_now(sandbox, member_id, "student_reminder", clock.now(), period=f"p{n}") for n in range(12)
    ]
    sandbox.slack.fail_next("chat.postMessage", status=429, retry_after=1, times=9)

    for _ in range(30):
        dispatch(sandbox)
        clock.advance(timedelta(seconds=1))

    assert Counter(posted_followup_ids(sandbox)) == Counter(str(followup_id) for followup_id in planned)
    assert count_in_state(sandbox, FollowupState.SENT) == 12


def test_server_errors_retry_with_backoff_then_fail_with_the_error(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    followup_id = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())
    sandbox.slack.fail_next("chat.postMessage", status=503, times=MAX_ATTEMPTS)

    first = dispatch(sandbox)
    assert len(first.retrying) == 1
    assert followup(sandbox, followup_id).due_at == clock.now() + timedelta(minutes=1)
    for _ in range(MAX_ATTEMPTS - 1):
        clock.advance(timedelta(hours=1))
        dispatch(sandbox)

    failed = followup(sandbox, followup_id)
    assert failed.state == FollowupState.FAILED and failed.attempts == MAX_ATTEMPTS
    assert "503" in (failed.last_error or "")


def test_a_server_error_then_success_sends_once(sandbox: Sandbox, clock: ManualClock) -> None:
    followup_id = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())
    sandbox.slack.fail_next("chat.postMessage", status=500)

    dispatch(sandbox)
    clock.advance(timedelta(minutes=1))
    dispatch(sandbox)

    assert followup(sandbox, followup_id).state == FollowupState.SENT
    assert posted_followup_ids(sandbox) == [str(followup_id)]


def test_a_member_slack_says_is_gone_is_marked_inactive_and_skipped(
    sandbox: Sandbox, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    member_id = a_student(sandbox)
    first = due_now(sandbox, member_id, "student_reminder", clock.now(), period="a")
    later = due_now(sandbox, member_id, "student_reminder", clock.now() + timedelta(days=1), period="b")
    # What chat.postMessage answers for a user id nobody can write to any more.
    sandbox.slack.fail_next("chat.postMessage", error="channel_not_found")

    report = dispatch(sandbox)

    assert [item.detail for item in report.skipped] == ["channel_not_found"]
    with sandbox.bot.sessions.begin() as session:
        assert session.get(Member, member_id).inactive_since == clock.now()
    assert followup(sandbox, first).state == FollowupState.SKIPPED
    assert followup(sandbox, later).state == FollowupState.SKIPPED
    assert sum("marked inactive" in record.message for record in caplog.records) == 1


def test_a_claim_takes_one_batch_however_many_are_due(sandbox: Sandbox, clock: ManualClock) -> None:
    member_id = a_student(sandbox)
    with sandbox.bot.sessions.begin() as session:
        plan_followups(
            session,
            [
                PlannedFollowup(sandbox.team_id, "student_reminder", member_id, f"p{n}", clock.now())
                for n in range(200)
            ],
            clock.now(),
        )
    with sandbox.bot.sessions.begin() as session:
        first = claim_due_followups(
            session,
            dispatcher="one",
            now=clock.now(),
            lease_until=clock.now() + LEASE,
            shares={sandbox.team_id: 10},
        )[sandbox.team_id]
    with sandbox.bot.sessions.begin() as session:
        second = claim_due_followups(
            session,
            dispatcher="two",
            now=clock.now(),
            lease_until=clock.now() + LEASE,
            shares={sandbox.team_id: 10},
        )[sandbox.team_id]

    assert len(first) == len(second) == 10 and not set(first) & set(second)
    assert count_in_state(sandbox, FollowupState.CLAIMED) == 20


def test_a_dispatcher_that_dies_mid_pass_loses_nothing(sandbox: Sandbox, clock: ManualClock) -> None:
    member_id = a_student(sandbox)
    planned = [due_now(sandbox, member_id, "student_reminder", clock.now(), period=f"p{n}") for n in range(3)]
    with sandbox.bot.sessions.begin() as session:  # a pass claims them, then its process is killed
        claimed = claim_due_followups(
            session,
            dispatcher="dead",
            now=clock.now(),
            lease_until=clock.now() + LEASE,
            shares={sandbox.team_id: 10},
        )
    assert sorted(claimed[sandbox.team_id]) == sorted(planned)

    assert dispatch(sandbox).sent == []  # still leased to the dead one
    clock.advance(LEASE + timedelta(seconds=1))
    taken_over = dispatch(sandbox)

    assert sorted(item.followup_id for item in taken_over.sent) == sorted(planned)
    assert sorted(posted_followup_ids(sandbox)) == sorted(str(followup_id) for followup_id in planned)


def test_planning_a_match_again_after_a_restart_plans_nothing_twice(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)

    with sandbox.bot.sessions.begin() as session:
        before = len(session.scalars(select(Followup.id)).all())
        mentorship = session.get(Mentorship, pair.mentorship_id)
        again = plan_match_followups(
            session, mentorship, programme_settings(session, sandbox.team_id), clock.now()
        )
        after = len(session.scalars(select(Followup.id)).all())

    assert again == 0 and after == before > 10


def test_mentorbot_dispatch_runs_one_pass_as_of_now_and_prints_it(
    sandbox: Sandbox, clock: ManualClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    followup_id = due_now(sandbox, a_student(sandbox), "student_reminder", START + timedelta(days=1))
    monkeypatch.setenv("DATABASE_URL", sandbox.bot.config.database_url)
    monkeypatch.setenv("SLACK_API_URL", sandbox.slack.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-sandbox-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "sandbox-signing-secret")

    assert main(["dispatch", "--now", "2026-09-07T08:30:00Z"]) == 0
    assert "sent 0" in capsys.readouterr().out
    assert main(["dispatch", "--now", "2026-09-08T08:30:00Z"]) == 0

    out = capsys.readouterr().out
    assert "sent 1" in out and f"sent #{followup_id} student_reminder to USTU" in out
    assert followup(sandbox, followup_id).state == FollowupState.SENT


@pytest.mark.postgres_only
def test_four_dispatchers_on_postgresql_send_a_thousand_followups_exactly_once(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    if sandbox.engine.dialect.name != "postgresql":
        pytest.skip("the multi-process proof needs PostgreSQL's row locks")
    with sandbox.bot.sessions.begin() as session:
        students = []
        for n in range(200):
            student = make_student(session, sandbox.team_id, f"U{n:05d}", locale="en")
            student.tz = "Europe/Paris"
            students.append(student.id)
        plan_followups(
            session,
            [
                PlannedFollowup(sandbox.team_id, "student_reminder", student_id, f"p{k}", clock.now())
                for student_id in students
                for k in range(5)
            ],
            clock.now(),
        )
    barrier = threading.Barrier(4)
    reports = []

    def one_process(number: int) -> None:
        engine = create_database_engine(sandbox.bot.config.database_url)
        try:
            bot: BotContext = dataclasses.replace(sandbox.bot, sessions=create_session_factory(engine))
            barrier.wait()
            reports.append(run_dispatch_pass(bot, clock.now(), dispatcher=f"process-{number}", sweep=False))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=one_process, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    posted = Counter(posted_followup_ids(sandbox))
    assert len(posted) == 1000 and set(posted.values()) == {1}
    assert sum(len(report.sent) for report in reports) == 1000
    assert all(report.sent for report in reports), "each dispatcher took a share"
    assert count_in_state(sandbox, FollowupState.SENT) == 1000
