"""`GET /metrics`, scraped over HTTP as Prometheus does: acks by kind with their latency, deliveries by
outcome, the backlog of each queue and the age of its oldest due row by the bot's clock, paused workspaces.

The counters are the process's, shared by every sandbox a test run starts: tests compare a scrape
before and after what they do.
"""

from __future__ import annotations

import logging
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import ids, slack
from bot.clock import ManualClock
from bot.metrics import DELIVERY_OUTCOMES
from bot.sandbox import Sandbox
from bot.server import build_wsgi_app, start_in_background
from bot.slack_double.driver import FORM
from bot.slack_double.payloads import app_home_opened_event, interactive_body
from storage.db import create_database_engine
from storage.models import FollowupKind, FollowupState
from tests.bot.test_dispatch import a_student
from tests.conftest import START
from tests.factories_followups import dispatch, due_now, owed_work

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as answer:
        assert answer.status == 200
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for a labelled series not shown yet (a counter never incremented)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def increase(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def by_queue(samples: Samples, name: str) -> dict[str, float]:
    return {queue: samples[(name, (("queue", queue),))] for queue in ("inbound", "outbox", "followups")}


def test_signed_requests_are_counted_as_acks_by_kind_with_their_latency(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UKIM", locale="fr-FR")
    before = scrape(sandbox.server.url)

    sandbox.command("UKIM")
    sandbox.click("UKIM", sandbox.slack.last_message_to("UKIM"), ids.CHOOSE_ROLE_STUDENT)
    sandbox.event(app_home_opened_event("UKIM", channel_id="DKIM", event_ts="1.0"))
    after = scrape(sandbox.server.url)

    for kind in ("command", "block_actions", "event"):
        assert increase(before, after, "mentorbot_acks_total", kind=kind) == 1
        assert increase(before, after, "mentorbot_ack_seconds_count", kind=kind) == 1
        # Within Slack's 3 s, and the time observed is a real duration.
        assert increase(before, after, "mentorbot_ack_seconds_bucket", kind=kind, le="3.0") == 1
        assert increase(before, after, "mentorbot_ack_seconds_sum", kind=kind) > 0


def test_health_checks_scrapes_and_refused_requests_are_not_acks(sandbox: Sandbox) -> None:
    before = scrape(sandbox.server.url)

    urllib.request.urlopen(sandbox.server.url + "/healthz", timeout=10).close()
    scrape(sandbox.server.url)
    now = int(time.time())
    body = interactive_body({"type": "block_actions", "user": {"id": "UKIM"}})
    forged = sandbox.driver.post(body, FORM, timestamp=now, signature="v0=" + "0" * 64)
    broken = sandbox.driver.post(b"payload=%7Bnot-json", FORM)
    after = scrape(sandbox.server.url)

    assert (forged.status, broken.status) == (401, 400)
    acks = {key: count for key, count in after.items() if key[0] == "mentorbot_acks_total"}
    assert acks == {key: count for key, count in before.items() if key[0] == "mentorbot_acks_total"}


def test_the_backlog_counts_each_queue_due_now_and_its_oldest_row_by_the_bots_clock(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    now = clock.now()
    student = a_student(sandbox)
    due_now(sandbox, student, "student_reminder", now - timedelta(hours=2), period="due")
    due_now(sandbox, student, "student_reminder", now + timedelta(minutes=30), period="later")
    owed_work(sandbox, FollowupKind.INBOUND, now - timedelta(seconds=30))
    # Claimed by processes that died: due again once their lease has run out, not before.
    claimed = FollowupState.CLAIMED
    owed_work(sandbox, FollowupKind.OUTBOX, now - timedelta(minutes=10), state=claimed, lease_expires_at=now)
    owed_work(
        sandbox,
        FollowupKind.INBOUND,
        now - timedelta(minutes=5),
        state=claimed,
        lease_expires_at=now + timedelta(minutes=4),
    )
    owed_work(sandbox, FollowupKind.OUTBOX, now - timedelta(days=1), state=FollowupState.SENT)

    first = scrape(sandbox.server.url)
    clock.advance(timedelta(hours=1))
    an_hour_later = scrape(sandbox.server.url)

    assert by_queue(first, "mentorbot_backlog") == {"inbound": 1, "outbox": 0, "followups": 1}
    assert by_queue(first, "mentorbot_oldest_due_age_seconds") == {
        "inbound": 30,
        "outbox": 0,
        "followups": 7200,
    }
    # The follow-up due in 30 minutes is due now, and both claims' leases have run out.
    assert by_queue(an_hour_later, "mentorbot_backlog") == {"inbound": 2, "outbox": 1, "followups": 2}
    assert by_queue(an_hour_later, "mentorbot_oldest_due_age_seconds") == {
        "inbound": 300 + 3600,
        "outbox": 600 + 3600,
        "followups": 7200 + 3600,
    }


def test_an_empty_backlog_is_zero_rather_than_absent(sandbox: Sandbox) -> None:
    samples = scrape(sandbox.server.url)

    assert by_queue(samples, "mentorbot_backlog") == {"inbound": 0, "outbox": 0, "followups": 0}
    assert by_queue(samples, "mentorbot_oldest_due_age_seconds") == {
        "inbound": 0,
        "outbox": 0,
        "followups": 0,
    }


def test_paused_workspaces_are_counted_until_they_resume(sandbox: Sandbox, clock: ManualClock) -> None:
    assert value(scrape(sandbox.server.url), "mentorbot_paused_workspaces") == 0

    slack.pause_workspace(sandbox.bot.sessions, sandbox.team_id, "token_revoked", clock.now())
    assert value(scrape(sandbox.server.url), "mentorbot_paused_workspaces") == 1

    slack.resume_if_paused(sandbox.bot.sessions, sandbox.team_id)
    assert value(scrape(sandbox.server.url), "mentorbot_paused_workspaces") == 0


DELIVERY_OUTCOMES_OF_SLACK_ANSWERS = [
    pytest.param({}, "sent", id="sent"),
    pytest.param({"status": 503}, "retrying", id="retrying"),
    pytest.param({"status": 429}, "rate_limited", id="rate_limited"),
    pytest.param({"error": "token_revoked"}, "paused", id="paused"),
    pytest.param({"error": "channel_not_found"}, "recipient_gone", id="recipient_gone"),
    pytest.param({"error": "invalid_blocks"}, "failed", id="failed"),
]


@pytest.mark.parametrize(("slack_answer", "outcome"), DELIVERY_OUTCOMES_OF_SLACK_ANSWERS)
def test_a_dispatched_followup_is_counted_by_the_outcome_of_its_delivery(
    sandbox: Sandbox, clock: ManualClock, slack_answer: dict, outcome: str
) -> None:
    due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())
    if slack_answer:
        sandbox.slack.fail_next("chat.postMessage", **slack_answer)
    before = scrape(sandbox.server.url)

    dispatch(sandbox)
    after = scrape(sandbox.server.url)

    increases = {
        counted: increase(before, after, "mentorbot_deliveries_total", outcome=counted)
        for counted in DELIVERY_OUTCOMES
    }
    assert increases == {counted: 1 if counted == outcome else 0 for counted in DELIVERY_OUTCOMES}


def test_a_database_that_does_not_answer_leaves_its_samples_out_and_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'mentorbot.db'}")
    server = start_in_background(build_wsgi_app(None, engine, clock=ManualClock(START)))
    try:
        with caplog.at_level(logging.WARNING, logger="bot.metrics"):
            first = scrape(server.url)
            second = scrape(server.url)
    finally:
        server.stop()
        engine.dispose()

    for samples in (first, second):
        names = {name for name, _ in samples}
        assert "mentorbot_deliveries_total" in names
        assert not names & {
            "mentorbot_backlog",
            "mentorbot_oldest_due_age_seconds",
            "mentorbot_paused_workspaces",
        }
    warnings = [record.getMessage() for record in caplog.records if record.name == "bot.metrics"]
    assert len(warnings) == 1 and "the database does not answer" in warnings[0]
