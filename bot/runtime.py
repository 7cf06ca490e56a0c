"""What keeps a `serve` or `worker` process's work going, and stops it gracefully.

- `LeaseKeeper` renews the process's claims (`bot.work.WORK_LEASE`), so that only a dead process's
  rows are taken over.
- `WorkLoop` carries out inbound and outbox rows no process holds: those an ack-only `serve` recorded,
  and those a process that died left (`bot.work.run_work_pass`).
- `Work.stop`: a SIGTERM or SIGINT stops taking requests, lets in-flight work finish within a bound,
  hands the rest back to the other processes, and the process exits 0.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import BotContext
from bot.scheduler import start_scheduler
from bot.work import WORK_LEASE, hand_back, run_work_pass
from storage.queries.work import renew_leases

logger = logging.getLogger(__name__)

RENEW_EVERY = WORK_LEASE.total_seconds() / 3


@dataclass
class LeaseKeeper:
    """Renews this process's claims every third of a lease, on its own thread, until stopped."""

    bot: BotContext
    _stopped: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> LeaseKeeper:
        self._thread = threading.Thread(target=self._run, name="mentorbot-leases", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopped.wait(RENEW_EVERY):
            try:
                with self.bot.sessions.begin() as session:
                    renew_leases(session, self.bot.process_name, self.bot.clock.now() + WORK_LEASE)
            except Exception:
                logger.exception("could not renew this process's leases; trying again")

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


@dataclass
class WorkLoop:
    """Claims and carries out due inbound and outbox rows every `poll_seconds`, until the bot stops;
    at once again after a pass that found some, so that a backlog drains at the pool's pace."""

    bot: BotContext
    pool: Executor
    poll_seconds: float
    _thread: threading.Thread | None = None

    def start(self) -> WorkLoop:
        self._thread = threading.Thread(target=self._run, name="mentorbot-work", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self.bot.stopping.is_set():
            try:
                found = run_work_pass(self.bot, run=self.pool)
            except Exception:
                logger.exception("work pass failed; the next one runs as planned")
                found = 0
            if not found:
                self.bot.stopping.wait(self.poll_seconds)

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout=timeout)


# How often a loop looks for rows no process holds (ack-only serves' payloads, a dead process's rows).
WORK_POLL_SECONDS = 0.25


@dataclass
class Work:
    """What carries out work in a process: the pool acks hand rows to, the loop claiming rows no process
    holds, the lease keeper, and the scheduler's dispatcher and retention jobs."""

    bot: BotContext
    pool: ThreadPoolExecutor
    loop: WorkLoop
    keeper: LeaseKeeper
    scheduler: BackgroundScheduler

    def stop(self, stop_taking: Callable[[], None]) -> int:
        """Stop taking requests, give in-flight work `MENTORBOT_STOP_TIMEOUT_SECONDS`, hand back what is
        left; the exit status, 0. Work still running after the bound was handed back: its threads are
        not waited for (they would keep the process alive), the process exits at once."""
        bound_seconds = self.bot.config.stop_timeout_seconds
        logger.info("stopping: no new requests; in-flight work has %.0f s", bound_seconds)
        deadline = time.monotonic() + bound_seconds
        self.bot.stopping.set()
        stop_taking()
        self.loop.join(timeout=max(deadline - time.monotonic(), 0))
        finished = _within(deadline, lambda: self.pool.shutdown(wait=True))
        finished = _within(deadline, lambda: self.scheduler.shutdown(wait=True)) and finished
        self.keeper.stop()
        handed = hand_back(self.bot)
        logger.info(
            "stopped%s; %d unfinished rows handed back",
            "" if finished else f": in-flight work still running after {bound_seconds:.0f} s",
            handed,
        )
        if not finished:
            logging.shutdown()
            os._exit(0)
        return 0


def start_work(bot: BotContext) -> Work:
    assert isinstance(bot.follow_ups, ThreadPoolExecutor)  # the process's own pool (`bot.app`)
    return Work(
        bot=bot,
        pool=bot.follow_ups,
        loop=WorkLoop(bot, bot.follow_ups, WORK_POLL_SECONDS).start(),
        keeper=LeaseKeeper(bot).start(),
        scheduler=start_scheduler(bot),
    )


def _within(deadline: float, call: Callable[[], None]) -> bool:
    """Run `call` on a helper thread; whether it returned before `deadline`."""
    thread = threading.Thread(target=call, name="mentorbot-stopping", daemon=True)
    thread.start()
    thread.join(timeout=max(deadline - time.monotonic(), 0))
    return not thread.is_alive()
