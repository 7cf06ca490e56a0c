"""The `mentorbot` command: serve the bot, migrate its database, and the operators' tools."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from datetime import UTC, datetime

from dotenv import load_dotenv

from bot.config import Config, ConfigError, database_url_from_env
from storage.db import create_database_engine, create_session_factory
from storage.migrate import upgrade_to_latest

logger = logging.getLogger("mentorbot")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mentorbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="run the bot (HTTP, or Socket Mode when SLACK_APP_TOKEN is set)"
    )
    serve.add_argument("--port", type=int, help="HTTP port (default: $PORT or 3000)")
    serve.add_argument(
        "--mode", choices=["http", "socket"], help="override the mode chosen from SLACK_APP_TOKEN"
    )
    serve.set_defaults(run=run_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations and exit")
    migrate.set_defaults(run=run_migrate)

    dispatch = commands.add_parser(
        "dispatch", help="run one follow-up dispatcher pass and print what it sent, skipped and failed"
    )
    dispatch.add_argument(
        "--now",
        type=_aware_datetime,
        help="run as of this ISO-8601 time (default: now), e.g. 2026-10-01T09:00Z",
    )
    dispatch.set_defaults(run=run_dispatch)

    roster = commands.add_parser(
        "import", help="import a school roster (CSV: email,role,graduation_year,topics) matched by email"
    )
    roster.add_argument("path", help="the roster CSV file, e.g. roster.csv")
    roster.add_argument(
        "--rate", type=float, default=50, help="users.lookupByEmail calls per minute (Slack Tier 3: 50)"
    )
    roster.set_defaults(run=run_import)

    demo = commands.add_parser(
        "demo", help="run a whole mentoring programme locally against a Slack stand-in: no tokens, no network"
    )
    demo.add_argument(
        "--seed", type=int, default=1, help="the same seed plays the same programme (default 1)"
    )
    demo.add_argument("--alumni", type=_demo_size, default=40, help="alumni in the workspace (default 40)")
    demo.add_argument("--students", type=_demo_size, default=30, help="students (default 30)")
    demo.add_argument("--months", type=_demo_size, default=6, help="months of programme to play (default 6)")
    demo.add_argument(
        "--lang", choices=["fr", "en"], help="everyone's language (default: the locale's, fr or else en)"
    )
    demo.add_argument(
        "--database-url", help="use this database (left in place) instead of a temporary SQLite"
    )
    demo.add_argument("--transcript", metavar="FILE", help="write every message of every person to FILE")
    demo.add_argument("--keep", action="store_true", help="keep the temporary database and say where it is")
    demo.add_argument(
        "--out",
        metavar="DIR",
        help="new or empty folder for the chart and CSVs sent to the admin (default ./mentorbot-demo-<time>)",
    )
    demo.set_defaults(run=run_demo)

    args = parser.parse_args(argv)
    _configure_logging()
    load_dotenv()
    try:
        return args.run(args)
    except ConfigError as error:
        print(f"mentorbot: {error}", file=sys.stderr)
        return 2


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The SDK logs request and response bodies at DEBUG: people's words and tokens stay out of the logs.
    logging.getLogger("slack_sdk").setLevel(logging.WARNING)
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)


def run_migrate(args: argparse.Namespace) -> int:
    upgrade_to_latest(create_database_engine(database_url_from_env()))
    print("mentorbot: database is up to date")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from bot.app import build_app, build_context
    from bot.scheduler import start_scheduler
    from bot.server import build_wsgi_app, serve_forever, start_in_background

    config = Config.from_env()
    mode = args.mode or ("socket" if config.socket_mode else "http")
    if mode == "socket" and not config.slack_app_token:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) from Slack app "
            "settings > Basic Information > App-Level Tokens, with the connections:write scope"
        )
    port = args.port or config.port

    engine = create_database_engine(config.database_url)
    upgrade_to_latest(engine)
    bot = build_context(config, create_session_factory(engine))
    app = build_app(bot)
    scheduler = start_scheduler(bot)
    # A container's stop (SIGTERM) ends the server loop like Ctrl-C does, so the scheduler stops cleanly;
    # a follow-up claimed at that moment is taken over by another process when its lease runs out.
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        if mode == "socket":
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            health = start_in_background(build_wsgi_app(None, engine), host="0.0.0.0", port=port)
            logger.info("Socket Mode; health check at %s/healthz", health.url)
            SocketModeHandler(app, config.slack_app_token).start()
        else:
            logger.info("listening on port %d: POST /slack/events, GET /healthz", port)
            serve_forever(build_wsgi_app(app, engine), port)
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run_dispatch(args: argparse.Namespace) -> int:
    """One dispatcher pass, as of `--now` if given: for operators, and for tests that move time."""
    from bot.app import build_context
    from bot.clock import ManualClock
    from bot.dispatch import run_dispatch_pass

    config = Config.from_env()
    engine = create_database_engine(config.database_url)
    try:
        # With --now, everything the pass does (offers made after an expiry too) happens at that time.
        clock = ManualClock(args.now) if args.now else None
        bot = build_context(config, create_session_factory(engine), clock)
        report = run_dispatch_pass(bot)
    finally:
        engine.dispose()
    print("\n".join(report.lines()))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import a roster; exit 1, having written nothing, when the file or a Slack lookup is at fault."""
    from bot.app import build_context
    from bot.roster import LookupFailed, Pacer, RosterError, import_roster, progress_bar, read_text

    name = os.path.basename(args.path)
    try:
        file = read_text(args.path)
    except OSError as error:
        print(f"mentorbot: cannot read {args.path}: {error.strerror}", file=sys.stderr)
        return 1
    if args.rate <= 0:
        print("mentorbot: --rate must be above 0", file=sys.stderr)
        return 1
    config = Config.from_env()
    engine = create_database_engine(config.database_url)
    try:
        bot = build_context(config, create_session_factory(engine))
        progress = progress_bar(sys.stdout) if sys.stdout.isatty() else (lambda done, total: None)
        report = import_roster(bot, file, name, Pacer(args.rate), progress)
    except RosterError as error:
        print("\n".join(error.problems), file=sys.stderr)
        print(f"mentorbot: {name} was not imported: nothing was written", file=sys.stderr)
        return 1
    except LookupFailed as error:
        print(f"mentorbot: {error}; nothing was written", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print("\n".join(report.lines(name)))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """`mentorbot demo`: see `bot.demo.run`. Needs no configuration: the demo brings its own Slack."""
    from bot.demo.run import DemoOptions, language_of
    from bot.demo.run import run_demo as play

    options = DemoOptions(
        seed=args.seed,
        alumni=args.alumni,
        students=args.students,
        months=args.months,
        lang=args.lang or language_of(os.environ),
        database_url=args.database_url,
        transcript=args.transcript,
        keep=args.keep,
        out=args.out,
    )
    return play(options, sys.stdout, sys.stderr)


def _demo_size(text: str) -> int:
    """A size of the demo: a whole number from 1 to 500."""
    if not text.isdigit() or not 1 <= int(text) <= 500:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 500")
    return int(text)


def _aware_datetime(text: str) -> datetime:
    """An ISO-8601 time; without a zone it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO-8601 time") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


if __name__ == "__main__":
    sys.exit(main())
