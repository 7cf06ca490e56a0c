"""What `mentorbot` checks before it serves: the database answers, Slack accepts the tokens (one bot
token), or the workspaces' stored tokens open with MENTORBOT_TOKEN_KEY (Add to Slack).

Each failure ends the command with one line for the operator and an exit code, never a traceback:
2 when something in the configuration has to change (a wrong token, a malformed or unwritable
`DATABASE_URL`, a password the database refuses), 1 when a service stayed out of reach. A database or
Slack that is still coming up (connection refused, network down, Slack's 5xx) is waited for, with
backoff, for `MENTORBOT_STARTUP_TIMEOUT_SECONDS`: containers started together need not be ordered.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from slack_sdk import WebClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot import slack
from bot.installations import DatabaseInstallationStore, UndecryptableToken
from storage.db import create_database_engine

logger = logging.getLogger("mentorbot")

CONFIGURATION = 2
UNREACHABLE = 1

# Backoff between attempts: doubling from half a second, never more than five.
FIRST_DELAY_SECONDS = 0.5
LONGEST_DELAY_SECONDS = 5.0

# What PostgreSQL says when the fault is in DATABASE_URL, not in the server being down: waiting would
# not help.
_DATABASE_CONFIGURATION_ERRORS = (
    "password authentication failed",
    "authentication failed",
    "no password supplied",
    "does not exist",
    "no pg_hba.conf entry",
    "invalid dsn",
    "invalid connection option",
    "invalid sslmode",
)

T = TypeVar("T")

# slack_sdk logs every failed request at ERROR; while starting, `wait_for` says it once, in its own words.
_quiet_sdk_logger = logging.getLogger("mentorbot.startup.slack_sdk")
_quiet_sdk_logger.addHandler(logging.NullHandler())
_quiet_sdk_logger.propagate = False


class StartupFailure(Exception):
    """The command cannot start; `str()` is the one line for the operator."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class NotYetReachable(Exception):
    """A service that may still be coming up; the message says how it failed."""


def wait_for(
    what: str,
    attempt: Callable[[], T],
    timeout_seconds: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> T:
    """`attempt()` until it returns, retrying while it raises `NotYetReachable`, for `timeout_seconds`.

    Logs once that it is waiting (each retry only at DEBUG), then raises `StartupFailure` (exit 1).
    """
    deadline = monotonic() + timeout_seconds
    delay = FIRST_DELAY_SECONDS
    waiting_logged = False
    while True:
        try:
            return attempt()
        except NotYetReachable as error:
            left = deadline - monotonic()
            if left <= 0:
                raise StartupFailure(
                    f"{what} is still unreachable after {timeout_seconds:g} s ({error}); "
                    "MENTORBOT_STARTUP_TIMEOUT_SECONDS sets how long to wait",
                    UNREACHABLE,
                ) from None
            if not waiting_logged:
                logger.info("waiting up to %g s for %s to come up (%s)", timeout_seconds, what, error)
                waiting_logged = True
            else:
                logger.debug("still waiting for %s (%s)", what, error)
            sleep(min(delay, left))
            delay = min(delay * 2, LONGEST_DELAY_SECONDS)


# ------------------------------------------------------------------------------------------------------
# The database


def open_database(url: str, timeout_seconds: float) -> Engine:
    """An engine on `url` once a connection to it works (waiting while the server comes up)."""
    shown = make_url(url).render_as_string(hide_password=True)
    if make_url(url).get_backend_name() == "sqlite":
        _check_sqlite_path(url)
    engine = create_database_engine(url)

    def connect() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as error:
            reason = _first_line(error.orig) if error.orig is not None else _first_line(error)
            if make_url(url).get_backend_name() == "sqlite" or any(
                marker in reason.lower() for marker in _DATABASE_CONFIGURATION_ERRORS
            ):
                raise StartupFailure(f"DATABASE_URL {shown}: {reason}", CONFIGURATION) from None
            raise NotYetReachable(reason) from None
        except SQLAlchemyError as error:
            raise StartupFailure(f"DATABASE_URL {shown}: {_first_line(error)}", CONFIGURATION) from None

    try:
        wait_for(f"the database at {shown}", connect, timeout_seconds)
    except StartupFailure:
        engine.dispose()
        raise
    return engine


def _check_sqlite_path(url: str) -> None:
    """SQLite creates its file on first write, with a journal beside it: the folder must be writable."""
    database = make_url(url).database
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return
    path = Path(database).expanduser().absolute()
    folder = path.parent
    if not folder.is_dir():
        raise StartupFailure(
            f"DATABASE_URL {url}: the folder {folder} does not exist (create it, or point DATABASE_URL "
            "elsewhere)",
            CONFIGURATION,
        )
    writable = os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    if not writable:
        raise StartupFailure(
            f"DATABASE_URL {url}: {path} is not writable by this user (SQLite writes the file and a "
            "journal beside it)",
            CONFIGURATION,
        )


# ------------------------------------------------------------------------------------------------------
# Slack


def _checking_client(client: WebClient) -> WebClient:
    """`client` without its retry handlers (`wait_for` retries) and without its error lines."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        logger=_quiet_sdk_logger,
        retry_handlers=[],  # not slack_sdk's default one-more-try after a second: wait_for's backoff
    )


def check_bot_token(client: WebClient, timeout_seconds: float) -> str:
    """The bot token's workspace (auth.test), waiting while Slack is out of reach."""
    client = _checking_client(client)

    def ask() -> str:
        try:
            return slack.team_of_token(client)
        except slack.SLACK_FAILURES as error:
            raise _slack_trouble(error, "SLACK_BOT_TOKEN", "auth.test") from None

    return wait_for(f"Slack at {client.base_url}", ask, timeout_seconds)


def check_token_key(store: DatabaseInstallationStore) -> int:
    """How many workspaces are installed, once every stored token opened with MENTORBOT_TOKEN_KEY and
    was encrypted again with its first key (after which an older key may be removed from it)."""
    try:
        return store.rekey()
    except UndecryptableToken as error:
        raise StartupFailure(
            f"MENTORBOT_TOKEN_KEY cannot decrypt the stored tokens of workspace {error.team_id}: add the key "
            "they were stored with back, after the new one (comma-separated)",
            CONFIGURATION,
        ) from None


def open_socket_mode_url(client: WebClient, app_token: str, timeout_seconds: float) -> str:
    """A Socket Mode WebSocket URL for the app-level token (apps.connections.open), waiting likewise.

    The WebSocket itself is then slack_sdk's to open and reopen; `/healthz` says whether it is up.
    """
    client = _checking_client(client)

    def ask() -> str:
        try:
            return slack.socket_mode_url(client, app_token)
        except slack.SLACK_FAILURES as error:
            raise _slack_trouble(error, "SLACK_APP_TOKEN", "apps.connections.open") from None

    return wait_for(f"Slack at {client.base_url}", ask, timeout_seconds)


def _slack_trouble(error: Exception, variable: str, method: str) -> Exception:
    failure = slack.failure_of(error)
    if failure.trouble in (slack.Trouble.TRANSIENT, slack.Trouble.RATE_LIMITED):
        return NotYetReachable(str(failure))
    if failure.trouble == slack.Trouble.TOKEN:
        return StartupFailure(
            f"Slack refuses {variable} ({failure.code}): copy it again from the Slack app settings "
            "(the app may have been reinstalled or the token revoked)",
            CONFIGURATION,
        )
    return StartupFailure(f"Slack refused {method} with {variable} ({failure.code})", CONFIGURATION)


def _first_line(error: object) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
