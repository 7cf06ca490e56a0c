"""What `GET /metrics` tells an operator's Prometheus: acks, deliveries, the backlog, paused workspaces.

The counters and the histogram count what this process did since it started (Prometheus adds the
processes up). The backlog and the paused workspaces are the database's, read at each scrape, so every
process shows the same figures for them.

Each HTTP app gets a registry of its own rather than prometheus_client's global one, so that tests and
the benchmarks can build several apps in one process without registering a collector twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.clock import Clock
from storage.queries.delivery import paused_workspaces
from storage.queries.followups import BacklogQueue, due_backlog

logger = logging.getLogger(__name__)

# From a fast ack to Slack's 3 s limit: an ack slower than 3 s is one Slack has already given up on.
ACK_SECONDS_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)

# A request's kind, by the type its body names, as Bolt's listeners group them (`app.event`,
# `app.options`, `app.shortcut`); a slash command's body names no type. Any other type counts as
# "other", so that a request Slack did not sign cannot add series of its own.
_ACK_KIND_OF_TYPE: Mapping[str, str] = {
    "event_callback": "event",
    "url_verification": "url_verification",
    "block_actions": "block_actions",
    "view_submission": "view_submission",
    "view_closed": "view_closed",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "block_suggestion": "options",
    "dialog_suggestion": "options",
    "interactive_message": "interactive_message",
    "dialog_submission": "dialog_submission",
    "dialog_cancellation": "dialog_cancellation",
}

# How one attempt to deliver a message ended: Slack took it; a 5xx or network error, tried again later;
# a 429, the rest of the batch waits; the bot token refused, the workspace paused; the account or channel
# gone, the message skipped; given up, the row failed.
DELIVERY_OUTCOMES = ("sent", "retrying", "rate_limited", "paused", "recipient_gone", "failed")

# Not registered here: each app's registry (`metrics_registry`) registers them.
_ACKS = Counter("mentorbot_acks", "Slack requests acknowledged, by payload kind", ["kind"], registry=None)
_ACK_SECONDS = Histogram(
    "mentorbot_ack_seconds",
    "Time from a Slack request's arrival to its ack, by payload kind",
    ["kind"],
    buckets=ACK_SECONDS_BUCKETS,
    registry=None,
)
_DELIVERIES = Counter(
    "mentorbot_deliveries",
    "Messages the bot tried to deliver to Slack, by outcome",
    ["outcome"],
    registry=None,
)
# Every outcome shown from the start at 0, so a rate over the first failure is not missing its start.
for _outcome in DELIVERY_OUTCOMES:
    _DELIVERIES.labels(_outcome)


def ack_kind(body: Mapping[str, object]) -> str:
    """The kind of Slack request a parsed body is, as the ack metrics label it."""
    if "command" in body:
        return "command"
    payload_type = body.get("type")
    return _ACK_KIND_OF_TYPE.get(payload_type, "other") if isinstance(payload_type, str) else "other"


def count_ack(kind: str, seconds: float) -> None:
    _ACKS.labels(kind).inc()
    _ACK_SECONDS.labels(kind).observe(seconds)


def count_delivery(outcome: str) -> None:
    """One message's delivery ended its attempt this way: one of `DELIVERY_OUTCOMES`."""
    if outcome not in DELIVERY_OUTCOMES:
        raise ValueError(f"unknown delivery outcome {outcome!r}: use one of {', '.join(DELIVERY_OUTCOMES)}")
    _DELIVERIES.labels(outcome).inc()


class DatabaseCollector(Collector):
    """The backlog by queue, the age of its oldest due row, and the paused workspaces, read at scrape time.

    A database that does not answer leaves those samples out rather than failing the scrape (Prometheus
    then shows them absent, which an alert can watch); that is logged when it starts, not at every scrape.
    """

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._database_failing = False

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self._clock.now()
        try:
            with Session(self._engine) as session:
                backlog = {queue.queue: queue for queue in due_backlog(session, now)}
                paused = len(paused_workspaces(session))
        except SQLAlchemyError as error:
            if not self._database_failing:
                logger.warning(
                    "metrics: the database does not answer (%s); its samples are left out until it does",
                    str(error).splitlines()[0],
                )
            self._database_failing = True
            return
        if self._database_failing:
            logger.info("metrics: the database answers again")
        self._database_failing = False

        due = GaugeMetricFamily(
            "mentorbot_backlog",
            "Rows due now, including claimed rows whose lease ran out, by queue",
            labels=["queue"],
        )
        oldest_age = GaugeMetricFamily(
            "mentorbot_oldest_due_age_seconds",
            "How long the oldest row due now has been due, by queue (0 when none is due)",
            labels=["queue"],
        )
        for queue in BacklogQueue:
            found = backlog.get(queue)
            due.add_metric([queue.value], found.due if found else 0)
            oldest_age.add_metric(
                [queue.value], (now - found.oldest_due_at).total_seconds() if found else 0.0
            )
        yield due
        yield oldest_age
        yield GaugeMetricFamily(
            "mentorbot_paused_workspaces",
            "Workspaces whose deliveries are paused because Slack refuses their bot token",
            value=paused,
        )


def metrics_registry(engine: Engine, clock: Clock) -> CollectorRegistry:
    """The registry one HTTP app serves: this process's counters, and the database's figures as of `clock`."""
    registry = CollectorRegistry()
    for metric in (_ACKS, _ACK_SECONDS, _DELIVERIES):
        registry.register(metric)
    registry.register(DatabaseCollector(engine, clock))
    return registry
