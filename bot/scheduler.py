"""The scheduler of a `serve` process: one APScheduler `BackgroundScheduler` running a dispatcher pass
every `MENTORBOT_DISPATCH_INTERVAL_SECONDS` (60 by default).

Each process has its own in-memory scheduler (APScheduler's job stores cannot be shared between
processes); several processes stay correct because the database, not the scheduler, decides who sends
which follow-up (see `bot.dispatch`). The job takes no arguments but the context, opens its own sessions
and logs its failures, so one bad pass never stops the next.
"""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import BotContext
from bot.dispatch import run_dispatch_pass
from bot.privacy import anonymise_expired

logger = logging.getLogger(__name__)

DISPATCH_JOB_ID = "mentorbot-dispatch"
RETENTION_JOB_ID = "mentorbot-retention"


def dispatch_job(bot: BotContext, dispatcher: str) -> None:
    try:
        report = run_dispatch_pass(bot, dispatcher=dispatcher)
    except Exception:
        logger.exception("dispatcher pass failed; the next one runs as planned")
        return
    if report.sent or report.failed or report.planned or report.held or report.retrying:
        logger.info(report.lines()[0])


def retention_job(bot: BotContext) -> None:
    """Daily: anonymise what is older than MENTORBOT_RETENTION_DAYS (idempotent, so overlaps are harmless)."""
    try:
        anonymise_expired(bot, bot.clock.now())
    except Exception:
        logger.exception("retention pass failed; tomorrow's runs as planned")


def build_scheduler(bot: BotContext) -> BackgroundScheduler:
    """The scheduler with its one job, not started.

    `coalesce`: passes missed while the process was busy or asleep run once, not once each.
    `misfire_grace_time`: a pass late by up to one interval still runs (APScheduler's default of 1 s
    would silently drop it). `max_instances=1`: a long pass is never overlapped by the next one.
    """
    interval = bot.config.dispatch_interval_seconds
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        dispatch_job,
        "interval",
        seconds=interval,
        args=[bot, bot.process_name],
        id=DISPATCH_JOB_ID,
        name="follow-up dispatcher",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=interval,
        max_instances=1,
    )
    # Daily; a run missed while the process was down still happens within the day, once.
    scheduler.add_job(
        retention_job,
        "interval",
        days=1,
        args=[bot],
        id=RETENTION_JOB_ID,
        name="retention (anonymise expired data)",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=24 * 3600,
        max_instances=1,
    )
    return scheduler


def start_scheduler(bot: BotContext) -> BackgroundScheduler:
    scheduler = build_scheduler(bot)
    scheduler.start()
    logger.info("dispatcher scheduled every %d s", bot.config.dispatch_interval_seconds)
    return scheduler
