"""The server a benchmark measures, in a process of its own (so it never shares a GIL with the load).

    python -m bench.serve_target --app mentorbot --bolt tuned --database-url URL --slack-url URL

Starts waitress on 127.0.0.1, port 0, with the same WSGI wrapper and thread count as `mentorbot serve`,
prints one JSON line `{"url": ..., "pid": ...}`, then answers lines on stdin: `idle` (wait until the
listener pool has finished all the work it was given, then print `idle`) and `quit`.

- `--app mentorbot`: the real bot. `--bolt tuned` is `bot.app.build_app` exactly (process_before_response,
  the work after the ack on a pool of `MENTORBOT_LISTENER_THREADS`, 8 by default, or `--listener-threads`);
  `--bolt default` registers the same listeners on an App with Bolt's defaults (acks run on a 5-thread
  pool polled every 10 ms, which runs their follow-up work too).
- `--app bare`: a Bolt app whose listeners only ack, for the same command, view and action, with the
  same two Bolt settings: the baseline each figure is divided by.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace

from slack_bolt import App

from bot import ids
from bot.app import build_app, build_context
from bot.cli import _configure_logging
from bot.config import Config
from bot.sandbox import TrackingExecutor
from bot.server import build_wsgi_app, start_in_background
from bot.web_clients import build_web_client
from handlers import middleware, register_listeners
from handlers.background import report_listener_failure
from storage.db import create_database_engine, create_session_factory

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
BOLT_DEFAULT_POOL = 5  # what slack_bolt.App builds when given no listener_executor


def bench_config(database_url: str, slack_url: str, listener_threads: int | None = None) -> Config:
    config = Config(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        database_url=database_url,
        slack_api_url=slack_url,
    )
    return replace(config, listener_threads=listener_threads) if listener_threads else config


def mentorbot_app(config: Config, bolt: str) -> tuple[App, TrackingExecutor]:
    engine = create_database_engine(config.database_url)
    if bolt == "tuned":
        executor = TrackingExecutor(config.listener_threads)
        bot = build_context(config, create_session_factory(engine), follow_ups=executor)
        return build_app(bot), executor
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
    return app, executor


def bare_app(config: Config, bolt: str) -> tuple[App, TrackingExecutor]:
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
    return app, executor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_target")
    parser.add_argument("--app", choices=["mentorbot", "bare"], required=True)
    parser.add_argument("--bolt", choices=["tuned", "default"], required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--slack-url", required=True)
    parser.add_argument(
        "--listener-threads", type=int, help="threads of the follow-up pool (default: the shipped default)"
    )
    args = parser.parse_args(argv)
    _configure_logging()  # as `mentorbot serve`: one INFO line a request (stderr goes to a log file)

    config = bench_config(args.database_url, args.slack_url, args.listener_threads)
    app, executor = (mentorbot_app if args.app == "mentorbot" else bare_app)(config, args.bolt)
    engine = create_database_engine(config.database_url)
    server = start_in_background(build_wsgi_app(app, engine))
    print(json.dumps({"url": server.url + "/slack/events", "pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "idle":
            executor.wait_idle(timeout=600)
            print("idle", flush=True)
        elif command == "quit":
            break
    server.stop()
    executor.shutdown(wait=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
