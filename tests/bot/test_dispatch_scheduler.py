"""The serve process's scheduler: one dispatcher job with explicit misfire, coalesce and id settings."""

from __future__ import annotations

from bot.sandbox import Sandbox
from bot.scheduler import DISPATCH_JOB_ID, build_scheduler


def test_the_dispatcher_job_runs_every_interval_and_never_drops_a_late_run(sandbox: Sandbox) -> None:
    scheduler = build_scheduler(sandbox.bot)

    job = scheduler.get_job(DISPATCH_JOB_ID)

    assert job is not None
    assert job.trigger.interval.total_seconds() == sandbox.bot.config.dispatch_interval_seconds
    assert job.coalesce is True and job.max_instances == 1
    assert job.misfire_grace_time == sandbox.bot.config.dispatch_interval_seconds
