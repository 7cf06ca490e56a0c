"""The server a benchmark measures, in a process of its own (so it never shares a GIL with the load).

    python -m bench.serve_target --app mentorbot --bolt tuned --database-url URL --slack-url URL

Starts waitress on 127.0.0.1, port 0, with the same WSGI wrapper and thread count as `mentorbot serve`,
prints one JSON line `{"url": ..., "pid": ...}`, then answers lines on stdin: `idle` (wait until the
work the acks left is done, then print `idle`) and `quit`. Idle means the listener pool has finished all
it was given and no inbound or outbox row is left in the database (`storage.models.WORK_KINDS`), whoever
carries them out: this process, or the `mentorbot worker` processes beside an `--ack-only` server.

- `--app mentorbot`: the real bot, as `mentorbot serve` runs it (the durable ack: each payload is an
  inbound row before Slack hears the ack). `--bolt tuned` is `bot.app.build_app` exactly
  (process_before_response, the work after the ack on a pool of `MENTORBOT_LISTENER_THREADS`, 8 by
  default, or `--listener-threads`), with the loop that takes rows no process holds and the lease keeper
  (`bot.runtime`; the scheduler is left out: no follow-up falls due during a benchmark);
  `--bolt default` registers the same listeners on an App with Bolt's defaults (acks run on a 5-thread
  pool polled every 10 ms, which runs their follow-up work too).
- `--app mentorbot --ack-only`: `mentorbot serve --ack-only`: the acks only record the payloads; real
  `mentorbot worker` processes, started by the benchmark on the same database, carry them out.
- `--app bare`: a Bolt app whose listeners only ack, for the same command, view and action, with the
  same two Bolt settings: the baseline each figure is divided by.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from slack_bolt import App
from sqlalchemy import func, select

from bot import ids
from bot.app import build_app, build_context
from bot.cli import _configure_logging
from bot.clock import SystemClock
from bot.config import Config
from bot.context import BotContext
from bot.runtime import WORK_POLL_SECONDS, LeaseKeeper, WorkLoop
from bot.sandbox import UNPACED, TrackingExecutor
from bot.server import build_wsgi_app, start_in_background
from bot.web_clients import build_web_client
from handlers import middleware, register_listeners
from handlers.background import report_listener_failure
from storage.db import Sessions, create_database_engine, create_session_factory
from storage.models import WORK_KINDS, Followup, FollowupState

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
BOLT_DEFAULT_POOL = 5  # what slack_bolt.App builds when given no listener_executor
IDLE_TIMEOUT_SECONDS = 600
IDLE_POLL_SECONDS = 0.05


def bench_config(database_url: str, slack_url: str, listener_threads: int | None = None) -> Config:
    config = Config(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        database_url=database_url,
        slack_api_url=slack_url,
        # The benchmarks measure the bot's own work; the workspaces' pace is benchmark 7's (fairness.py).
        workspace_posts_per_minute=UNPACED,
    )
    return replace(config, listener_threads=listener_threads) if listener_threads else config


@dataclass
class Target:
    """The Bolt app a benchmark sends its requests to, and what its acks leave to do."""

    app: App
    executor: TrackingExecutor
    bot: BotContext | None = None  # None for the bare app: it leaves nothing to do
    loop: WorkLoop | None = None
    keeper: LeaseKeeper | None = None

    def wait_idle(self, timeout: float = IDLE_TIMEOUT_SECONDS) -> None:
        """Until the pool has run all it was given and no inbound or outbox row is left anywhere."""
        deadline = time.monotonic() + timeout
        while True:
            self.executor.wait_idle(timeout=max(deadline - time.monotonic(), 1))
            if self.bot is None or outstanding_work(self.bot.sessions) == 0:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"work rows still left after {timeout} s")
            time.sleep(IDLE_POLL_SECONDS)

    def stop(self) -> None:
        if self.bot is not None:
            self.bot.stopping.set()
        if self.loop is not None:
            self.loop.join(timeout=30)
        self.executor.shutdown(wait=True)
        if self.keeper is not None:
            self.keeper.stop()


def outstanding_work(sessions: Sessions) -> int:
    """Inbound and outbox rows not carried out yet (due, or claimed by a process at work on them)."""
    with sessions.begin() as session:
        return session.scalar(
            select(func.count())
            .select_from(Followup)
            .where(
                Followup.kind.in_(WORK_KINDS),
                Followup.state.in_((FollowupState.DUE, FollowupState.CLAIMED)),
            )
        )


def mentorbot_app(config: Config, bolt: str, ack_only: bool = False) -> Target:
    engine = create_database_engine(config.database_url)
    if bolt == "tuned":
        executor = TrackingExecutor(config.listener_threads)
        bot = build_context(
            config, create_session_factory(engine), follow_ups=executor, works_here=not ack_only
        )
        app = build_app(bot)
        if ack_only:  # as `serve --ack-only`: no pool at work, no loop; the workers take the rows
            return Target(app, executor, bot)
        # As `serve` (`bot.runtime.start_work`), less the scheduler.
        loop = WorkLoop(bot, executor, WORK_POLL_SECONDS).start()
        return Target(app, executor, bot, loop, LeaseKeeper(bot).start())
    # bot.app.build_app with Bolt's defaults instead of ours: the "before" of the before/after. Bolt's
    # 5-thread pool runs the listeners, and their follow-up work too, as Bolt's lazy listeners would.
    executor = TrackingExecutor(BOLT_DEFAULT_POOL)
    bot = build_context(config, create_session_factory(engine), follow_ups=executor)
    app = App(
        client=bot.client_for(""),
        signing_secret=config.slack_signing_secret,
        listener_executor=executor,
        logger=logging.getLogger("mentorbot.bolt"),
    )

    @app.error
    def on_listener_error(error: Exception, body: dict) -> None:
        report_listener_failure(bot, error, body)

    middleware.register(app, bot)
    register_listeners(app, bot)
    return Target(app, executor, bot)


def bare_app(config: Config, bolt: str) -> Target:
    """A Bolt app whose only work is `ack()`, on the routes the benchmarks send."""
    tuned = bolt == "tuned"
    executor = TrackingExecutor(config.listener_threads if tuned else BOLT_DEFAULT_POOL)
    app = App(
        client=build_web_client(config),
        signing_secret=config.slack_signing_secret,
        process_before_response=tuned,
        listener_executor=executor,
    )

    def only_ack(ack: Callable[[], None]) -> None:
        ack()

    app.command(ids.MENTOR_COMMAND)(only_ack)
    app.view(ids.REQUEST_VIEW)(only_ack)
    app.action(ids.ACCEPT_OFFER)(only_ack)
    return Target(app, executor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_target")
    parser.add_argument("--app", choices=["mentorbot", "bare"], required=True)
    parser.add_argument("--bolt", choices=["tuned", "default"], required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--slack-url", required=True)
    parser.add_argument(
        "--listener-threads", type=int, help="threads of the follow-up pool (default: the shipped default)"
    )
    parser.add_argument(
        "--ack-only", action="store_true", help="only record the payloads (mentorbot, --bolt tuned)"
    )
    args = parser.parse_args(argv)
    if args.ack_only and (args.app, args.bolt) != ("mentorbot", "tuned"):
        parser.error("--ack-only is mentorbot serve's, with --bolt tuned")
    _configure_logging()  # as `mentorbot serve`: one INFO line a request (stderr goes to a log file)

    config = bench_config(args.database_url, args.slack_url, args.listener_threads)
    if args.app == "mentorbot":
        target = mentorbot_app(config, args.bolt, ack_only=args.ack_only)
    else:
        target = bare_app(config, args.bolt)
    engine = create_database_engine(config.database_url)
    server = start_in_background(build_wsgi_app(target.app, engine, clock=SystemClock()))
    print(json.dumps({"url": server.url + "/slack/events", "pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "idle":
            target.wait_idle()
            print("idle", flush=True)
        elif command == "quit":
            break
    server.stop()
    target.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
