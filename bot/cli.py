"""The `mentorbot` command: serve the bot, migrate its database, and the operators' tools."""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import os
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.util.exc import CommandError
from dotenv import find_dotenv, load_dotenv
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import Engine

from bot.config import (
    Config,
    ConfigError,
    checked_port,
    database_url_from_env,
    log_format_from_env,
    log_level_from_env,
    startup_timeout_from_env,
)
from bot.context import BotContext
from bot.startup import StartupFailure, open_database
from storage.db import create_session_factory
from storage.migrate import UnknownRevision, migrate_to, upgrade_to_latest

logger = logging.getLogger("mentorbot")

# Read once into `Config`, then taken out of the environment: Bolt falls back on $SLACK_BOT_TOKEN when
# it is given a client rather than a token, and then warns at every start that the token is unused; with
# $SLACK_CLIENT_ID and $SLACK_CLIENT_SECRET it builds OAuth settings of its own, with file stores.
_SECRETS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "MENTORBOT_TOKEN_KEY",
)


class _Parser(argparse.ArgumentParser):
    """Usage mistakes in one line, like every other failure to start."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"mentorbot: {message} (see {self.prog} --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="mentorbot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mentorbot {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="run the bot (HTTP, or Socket Mode when SLACK_APP_TOKEN is set)"
    )
    serve.add_argument("--port", type=int, help="HTTP port (default: $PORT or 3000)")
    serve.add_argument(
        "--mode", choices=["http", "socket"], help="override the mode chosen from SLACK_APP_TOKEN"
    )
    serve.add_argument(
        "--ack-only",
        action="store_true",
        help="only record what Slack sends; `mentorbot worker` processes carry it out (PostgreSQL)",
    )
    serve.set_defaults(run=run_serve)

    worker = commands.add_parser(
        "worker",
        help="carry out acknowledged work, the outbox and the follow-ups, without serving Slack",
    )
    worker.add_argument(
        "--port", type=int, help="serve GET /healthz on this port too (default: no HTTP at all)"
    )
    worker.set_defaults(run=run_worker)

    migrate = commands.add_parser("migrate", help="apply database migrations and exit")
    migrate.add_argument(
        "--to",
        metavar="REV",
        default="head",
        help="upgrade or downgrade to this revision, e.g. 0001 (default: head, the latest; base: empty)",
    )
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
        "--team",
        metavar="T...",
        help="the school's workspace id (required with Add to Slack; else checked against the bot token's)",
    )
    roster.add_argument(
        "--rate", type=float, default=50, help="users.lookupByEmail calls per minute (Slack Tier 3: 50)"
    )
    roster.set_defaults(run=run_import)

    token_key = commands.add_parser(
        "token-key",
        help="print a new key for MENTORBOT_TOKEN_KEY, which encrypts the workspaces' tokens (Add to Slack)",
    )
    token_key.set_defaults(run=run_token_key)

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
    # The operator's working folder, not the package's: `mentorbot` installed in a venv runs from anywhere.
    load_dotenv(find_dotenv(usecwd=True))
    _default_matplotlib_cache()
    try:
        _configure_logging(log_level_from_env(), log_format_from_env())
        return args.run(args)
    except ConfigError as error:
        print(f"mentorbot: {error}", file=sys.stderr)
        return 2
    except StartupFailure as error:
        print(f"mentorbot: {error}", file=sys.stderr)
        return error.exit_code


def _version() -> str:
    try:
        return importlib.metadata.version("mentorbot")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


class JsonLinesFormatter(JsonFormatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, and the exception's text
    when there is one.

    Only those fields, as the text format shows: python-json-logger would also add every `extra=` a
    library attaches to its records, which the text logs never show and nobody checked for secrets.
    """

    FIELDS = ("time", "level", "logger", "message", "exception")

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
        )

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {field: log_data[field] for field in self.FIELDS if field in log_data}


def log_formatter(log_format: str) -> logging.Formatter:
    """How each log line is written: `text` or `json` (`bot.config.LOG_FORMATS`)."""
    if log_format == "json":
        return JsonLinesFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def _configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(log_formatter(log_format))
    logging.basicConfig(level=level, handlers=[handler])
    # The SDK logs request and response bodies at DEBUG: people's words and tokens stay out of the logs.
    logging.getLogger("slack_sdk").setLevel(logging.WARNING)
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    # Lines at every start or every run, saying nothing an operator acts on: APScheduler's "Running
    # job"/"executed successfully" each minute, Alembic's "Context impl" (storage.migrate logs its own
    # line when the schema changes). At DEBUG they are all there.
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    logging.getLogger("apscheduler").setLevel(quiet)
    logging.getLogger("alembic").setLevel(quiet)


def _default_matplotlib_cache() -> None:
    """Give matplotlib a lasting cache folder unless `MPLCONFIGDIR` says where.

    Without one it builds its font cache at every start ("Matplotlib is building the font cache") in a
    temporary folder when the home folder is not writable, as for a service's user.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(cache_home) / "mentorbot" / "matplotlib"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # matplotlib then falls back on its own temporary folder
    if os.access(folder, os.W_OK):
        os.environ["MPLCONFIGDIR"] = str(folder)


def _open_migrated_database(url: str, timeout_seconds: int) -> Engine:
    """The database once it answers, migrated to the latest schema: every command that uses it starts
    here, so `import` or `dispatch` on a fresh database works like `serve`."""
    engine = open_database(url, timeout_seconds)
    try:
        upgrade_to_latest(engine)
    except CommandError as error:  # a schema newer than this version knows, typically
        engine.dispose()
        raise StartupFailure(f"cannot migrate the database: {error}", 2) from None
    return engine


def run_migrate(args: argparse.Namespace) -> int:
    engine = open_database(database_url_from_env(), startup_timeout_from_env())
    try:
        before, after = migrate_to(engine, args.to)
    except (UnknownRevision, CommandError) as error:
        raise ConfigError(str(error)) from None
    finally:
        engine.dispose()
    if before == after:
        print(f"mentorbot: database is at {after or 'base (empty)'} already")
    else:
        print(f"mentorbot: database migrated from {before or 'base (empty)'} to {after or 'base (empty)'}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from bot.app import build_app, build_context
    from bot.lifecycle import workspace_returned
    from bot.runtime import start_work
    from bot.server import build_wsgi_app, start_in_background
    from bot.startup import check_bot_token, open_socket_mode_url

    config = Config.from_env()
    for name in _SECRETS:
        os.environ.pop(name, None)
    mode = args.mode or ("socket" if config.socket_mode else "http")
    if mode == "socket" and not config.slack_app_token:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) from Slack app "
            "settings > Basic Information > App-Level Tokens, with the connections:write scope"
        )
    port = checked_port(args.port, "--port") if args.port is not None else config.port
    timeout = config.startup_timeout_seconds

    # The database first: it is what a container started alongside is most likely still waiting for.
    engine = open_database(config.database_url, timeout)
    bot = build_context(config, create_session_factory(engine), works_here=not args.ack_only)
    socket_url = None
    if config.oauth is not None:
        _check_stored_tokens(bot, engine)
    else:
        team_id = check_bot_token(bot.client_for(""), timeout)
        # Checked and waited for like the bot token, before anything is written; the WebSocket is then
        # slack_sdk's to open and reopen, and /healthz answers 503 while it is down.
        if mode == "socket":
            socket_url = open_socket_mode_url(bot.client_for(""), config.slack_app_token, timeout)
        upgrade_to_latest(engine)
        # One workspace, one token: a school that uninstalled the app and installed it again comes back
        # with a new SLACK_BOT_TOKEN, which Slack just accepted. Its deliveries resume (nothing if it
        # never left). With Add to Slack, the install callback does this.
        workspace_returned(bot, team_id)
    app = build_app(bot, token_verified=True)
    stop_requested = _stop_on_signals()
    work = None if args.ack_only else start_work(bot)
    if mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        assert config.slack_app_token is not None  # checked above
        handler = SocketModeHandler(app, config.slack_app_token)
        handler.client.wss_uri = socket_url
        health = start_in_background(
            build_wsgi_app(None, engine, clock=bot.clock, socket_connected=handler.client.is_connected),
            host="0.0.0.0",
            port=port,
        )
        handler.connect()
        logger.info("Socket Mode; GET /healthz and GET /metrics at %s", health.url)

        def stop_taking() -> None:
            handler.close()
            health.stop()
    else:
        server = start_in_background(build_wsgi_app(app, engine, clock=bot.clock), host="0.0.0.0", port=port)
        logger.info(
            "listening on port %d: POST /slack/events, GET /healthz, GET /metrics%s%s",
            port,
            ", GET /slack/install, GET /slack/oauth_redirect" if config.oauth is not None else "",
            " (ack-only: workers carry out the work)" if args.ack_only else "",
        )
        stop_taking = server.stop
    stop_requested.wait()
    if work is None:
        stop_taking()
        return 0
    return work.stop(stop_taking)


def run_worker(args: argparse.Namespace) -> int:
    """Carry out what ack-only `serve` processes recorded, the outbox and the follow-ups: no Slack HTTP."""
    from bot.app import build_app, build_context
    from bot.runtime import start_work
    from bot.server import build_wsgi_app, start_in_background
    from bot.startup import check_bot_token

    config = Config.from_env()
    for name in _SECRETS:
        os.environ.pop(name, None)
    port = checked_port(args.port, "--port") if args.port is not None else None
    engine = open_database(config.database_url, config.startup_timeout_seconds)
    bot = build_context(config, create_session_factory(engine))
    if config.oauth is not None:
        _check_stored_tokens(bot, engine)
    else:
        check_bot_token(bot.client_for(""), config.startup_timeout_seconds)
        upgrade_to_latest(engine)
    build_app(bot, token_verified=True)  # registers every listener's handler, by name, for the work
    stop_requested = _stop_on_signals()
    work = start_work(bot)
    health = (
        start_in_background(build_wsgi_app(None, engine, clock=bot.clock), host="0.0.0.0", port=port)
        if port
        else None
    )
    logger.info(
        "worker %s started%s", bot.process_name, f"; GET /healthz and /metrics on port {port}" if port else ""
    )
    stop_requested.wait()
    return work.stop(health.stop if health else (lambda: None))


def _check_stored_tokens(bot: BotContext, engine: Engine) -> None:
    """Add to Slack: no token of our own to check with Slack. The workspaces' tokens are in the database,
    which must be migrated to hold them, and they must open with MENTORBOT_TOKEN_KEY."""
    from bot.installations import installation_store
    from bot.startup import check_token_key

    assert bot.config.oauth is not None
    upgrade_to_latest(engine)
    installed = check_token_key(installation_store(bot.config.oauth, bot.sessions))
    logger.info("Add to Slack: mentorbot is installed in %d workspaces", installed)


def _stop_on_signals() -> threading.Event:
    """An event set by the first SIGTERM (a container's stop) or SIGINT (Ctrl-C)."""
    requested = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        if not requested.is_set():
            logger.info("%s received", signal.Signals(signum).name)
        requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return requested


def run_dispatch(args: argparse.Namespace) -> int:
    """One dispatcher pass, as of `--now` if given: for operators, and for tests that move time."""
    from bot.app import build_app, build_context
    from bot.clock import ManualClock
    from bot.dispatch import run_dispatch_pass
    from bot.runtime import LeaseKeeper

    config = Config.from_env(needs_signing_secret=False)
    engine = _open_migrated_database(config.database_url, config.startup_timeout_seconds)
    try:
        # With --now, everything the pass does (offers made after an expiry too) happens at that time.
        clock = ManualClock(args.now) if args.now else None
        bot = build_context(config, create_session_factory(engine), clock)
        build_app(bot, token_verified=True)  # registers the listeners' handlers: the pass takes inbound rows
        keeper = LeaseKeeper(bot).start()  # a long pass keeps its rows
        try:
            report = run_dispatch_pass(bot)
        finally:
            keeper.stop()
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
    config = Config.from_env(needs_signing_secret=False)
    if config.oauth is not None and not args.team:
        raise ConfigError(
            "import needs --team T... with Add to Slack (SLACK_CLIENT_ID): the id of the school's workspace "
            "the roster is for"
        )
    engine = _open_migrated_database(config.database_url, config.startup_timeout_seconds)
    try:
        bot = build_context(config, create_session_factory(engine))
        progress = progress_bar(sys.stdout) if sys.stdout.isatty() else (lambda done, total: None)
        report = import_roster(bot, file, name, Pacer(args.rate), progress, team_id=args.team)
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


def run_token_key(args: argparse.Namespace) -> int:
    """A new Fernet key, alone on its line so that it can be piped. To change keys, put the new one first
    and keep the old one after a comma: `serve` re-encrypts the stored tokens with the first at start."""
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())
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
    if not text.isdecimal() or not 1 <= int(text) <= 500:
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
