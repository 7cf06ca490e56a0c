"""The `mentorbot` command: serve the bot, migrate its database, and the operators' tools."""

from __future__ import annotations

import argparse
import logging
import sys

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
    if mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        health = start_in_background(build_wsgi_app(None, engine), host="0.0.0.0", port=port)
        logger.info("Socket Mode; health check at %s/healthz", health.url)
        SocketModeHandler(app, config.slack_app_token).start()
    else:
        logger.info("listening on port %d: POST /slack/events, GET /healthz", port)
        serve_forever(build_wsgi_app(app, engine), port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
