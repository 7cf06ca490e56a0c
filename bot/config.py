"""Configuration, read from the environment (and `.env`) once at start and validated there.

A school's IT person should learn of a missing or malformed setting the moment they start the bot, with
the name of the variable and where to find its value, not from a stack trace an hour later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.i18n import SUPPORTED_LOCALES

DEFAULT_DATABASE_URL = "sqlite:///mentorbot.db"
# What `DATABASE_URL` may name: the embedded SQLite file, or PostgreSQL through psycopg 3.
_DATABASE_BACKENDS = ("sqlite", "postgresql")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Lines for people to read, or one JSON object a line for a log collector (Loki, CloudWatch, ...).
LOG_FORMATS = ("text", "json")

# Where each required secret lives in Slack's app settings, said in the error that reports it missing.
_WHERE_TO_FIND = {
    "SLACK_BOT_TOKEN": "Slack app settings > OAuth & Permissions > Bot User OAuth Token (xoxb-...)",
    "SLACK_SIGNING_SECRET": "Slack app settings > Basic Information > App Credentials > Signing Secret",
    "SLACK_CLIENT_ID": "Slack app settings > Basic Information > App Credentials > Client ID",
    "SLACK_CLIENT_SECRET": "Slack app settings > Basic Information > App Credentials > Client Secret",
}
# Setting both turns on "Add to Slack" (OAuth): one deployment, each school's workspace with its own token.
OAUTH_CREDENTIALS = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
MAKE_A_TOKEN_KEY = "make one with `mentorbot token-key` and put it in .env"
# How Slack's tokens begin: a bot token is `xoxb-`, an app-level (Socket Mode) token `xapp-`.
BOT_TOKEN_PREFIX = "xoxb-"
APP_TOKEN_PREFIX = "xapp-"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


@dataclass(frozen=True)
class OAuthConfig:
    """ "Add to Slack": the app's credentials, and the keys that encrypt each workspace's tokens at rest."""

    client_id: str
    client_secret: str = field(repr=False)
    # Fernet keys: the first encrypts, any of them decrypts (MultiFernet). A new key goes first and the
    # old one stays after it until `serve` has re-encrypted the stored tokens with the new one.
    token_keys: tuple[str, ...] = field(repr=False)
    # Where Slack sends the installer back; unset, Slack uses the app's first Redirect URL.
    redirect_uri: str | None = None


@dataclass(frozen=True)
class Config:
    """One workspace with `slack_bot_token` (`SLACK_BOT_TOKEN`), or any number with `oauth`: never both."""

    slack_signing_secret: str
    slack_bot_token: str | None = None
    oauth: OAuthConfig | None = None
    slack_app_token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str | None = None
    port: int = 3000
    admins: frozenset[str] = field(default_factory=frozenset)
    default_locale: str = "fr"
    dispatch_interval_seconds: int = 60
    # Messages the dispatcher may post to one workspace a minute (`bot.fairness.WorkspacePace`), and how
    # many workspaces it posts to at once, each on a thread of its own, so a slow one holds only its own.
    workspace_posts_per_minute: int = 60
    dispatch_threads: int = 4
    listener_threads: int = 8
    # Days after which ended mentorships' free text and departed members' data are anonymised (bot.privacy).
    retention_days: int = 730
    # Days a workspace's data is kept after it uninstalled the app, in case it reinstalls (bot.lifecycle).
    uninstalled_retention_days: int = 30
    # How long `serve` waits for the database and Slack to come up before it gives up.
    startup_timeout_seconds: int = 60
    # What a SIGTERM gives in-flight work before the rest is handed back (within Kubernetes' 30 s).
    stop_timeout_seconds: int = 25
    # The admins' Monday digest (bot.followups.plan_weekly_digest); MENTORBOT_WEEKLY_DIGEST=0 turns it off.
    weekly_digest: bool = True

    def __post_init__(self) -> None:
        if (self.slack_bot_token is None) == (self.oauth is None):
            raise ValueError("a Config has a bot token (one workspace) or OAuth settings (many): exactly one")

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def single_workspace(self) -> bool:
        """One workspace served with its `SLACK_BOT_TOKEN`, rather than any number installed through
        OAuth: then every user id of `MENTORBOT_ADMINS` belongs to that one workspace."""
        return bool(self.slack_bot_token)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_signing_secret: bool = True
    ) -> Config:
        """Build the configuration from `environ` (the process environment by default).

        Only a command that receives Slack's requests (`serve`) needs the signing secret; `import` and
        `dispatch` only call Slack, so an operator can run them with the bot token alone (or, with Add to
        Slack, the app's client id and secret, which refresh rotating tokens, and the token key).
        """
        env = os.environ if environ is None else environ
        bot_token = env.get("SLACK_BOT_TOKEN", "").strip() or None
        oauth_set = [name for name in OAUTH_CREDENTIALS if env.get(name, "").strip()]
        if bot_token and oauth_set:
            raise ConfigError(
                f"SLACK_BOT_TOKEN and {' and '.join(oauth_set)} are both set: keep SLACK_BOT_TOKEN to serve "
                "one workspace, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET without it to let schools add "
                "mentorbot to their workspace (Add to Slack)"
            )
        required = list(OAUTH_CREDENTIALS) if oauth_set else ["SLACK_BOT_TOKEN"]
        if needs_signing_secret:
            required.append("SLACK_SIGNING_SECRET")
        missing = [name for name in required if not env.get(name, "").strip()]
        if missing:
            name = missing[0]
            raise ConfigError(f"{name} is not set: find it in {_WHERE_TO_FIND[name]}, then put it in .env")
        app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
        oauth = _oauth_from_env(env) if oauth_set else None
        if oauth is not None and app_token is not None:
            raise ConfigError(
                "SLACK_APP_TOKEN (Socket Mode) is set with SLACK_CLIENT_ID: the Add to Slack pages and "
                "Slack's redirect need mentorbot's HTTP mode, so unset SLACK_APP_TOKEN"
            )
        if bot_token is not None:
            _check_token_shapes(bot_token, app_token)

        default_locale = env.get("MENTORBOT_DEFAULT_LOCALE", "fr").strip().lower() or "fr"
        if default_locale not in SUPPORTED_LOCALES:
            raise ConfigError(
                f"MENTORBOT_DEFAULT_LOCALE={default_locale!r} is not supported: use one of "
                + ", ".join(SUPPORTED_LOCALES)
            )
        return cls(
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_bot_token=bot_token,
            oauth=oauth,
            slack_app_token=app_token,
            database_url=database_url_from_env(env),
            slack_api_url=env.get("SLACK_API_URL", "").strip() or None,
            port=checked_port(_positive_int(env, "PORT", 3000), "PORT"),
            admins=frozenset(
                user_id.strip() for user_id in env.get("MENTORBOT_ADMINS", "").split(",") if user_id.strip()
            ),
            default_locale=default_locale,
            dispatch_interval_seconds=_positive_int(env, "MENTORBOT_DISPATCH_INTERVAL_SECONDS", 60),
            workspace_posts_per_minute=_positive_int(env, "MENTORBOT_WORKSPACE_POSTS_PER_MINUTE", 60),
            dispatch_threads=_positive_int(env, "MENTORBOT_DISPATCH_THREADS", 4),
            listener_threads=_positive_int(env, "MENTORBOT_LISTENER_THREADS", 8),
            retention_days=_positive_int(env, "MENTORBOT_RETENTION_DAYS", 730),
            uninstalled_retention_days=_positive_int(env, "MENTORBOT_UNINSTALLED_RETENTION_DAYS", 30),
            startup_timeout_seconds=startup_timeout_from_env(env),
            stop_timeout_seconds=_positive_int(env, "MENTORBOT_STOP_TIMEOUT_SECONDS", 25),
            weekly_digest=env.get("MENTORBOT_WEEKLY_DIGEST", "1").strip().lower()
            not in ("0", "false", "no", "off"),
        )


def _oauth_from_env(env: Mapping[str, str]) -> OAuthConfig:
    redirect_uri = env.get("SLACK_REDIRECT_URI", "").strip() or None
    if redirect_uri is not None:
        parts = urlsplit(redirect_uri)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ConfigError(
                f"SLACK_REDIRECT_URI={redirect_uri!r} is not a web address: use the Redirect URL of Slack "
                "app settings > OAuth & Permissions, e.g. https://mentorbot.example.org/slack/oauth_redirect"
            )
    return OAuthConfig(
        client_id=env["SLACK_CLIENT_ID"].strip(),
        client_secret=env["SLACK_CLIENT_SECRET"].strip(),
        token_keys=token_keys_from_env(env),
        redirect_uri=redirect_uri,
    )


def token_keys_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """`MENTORBOT_TOKEN_KEY`: one Fernet key, or several comma-separated (the newest first).

    The message of a malformed one says which, never what it holds.
    """
    env = os.environ if environ is None else environ
    keys = tuple(key.strip() for key in env.get("MENTORBOT_TOKEN_KEY", "").split(",") if key.strip())
    if not keys:
        raise ConfigError(
            "MENTORBOT_TOKEN_KEY is not set: the workspaces' tokens are stored encrypted with it; "
            + MAKE_A_TOKEN_KEY
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:  # binascii.Error for bad base64 is a ValueError too
            which = f"key {position} of {len(keys)}" if len(keys) > 1 else "its key"
            raise ConfigError(
                f"MENTORBOT_TOKEN_KEY: {which} is not a Fernet key (44 characters of URL-safe base64): "
                + MAKE_A_TOKEN_KEY
            ) from None
    return keys


def _check_token_shapes(bot_token: str, app_token: str | None) -> None:
    """Catch the tokens pasted in the wrong place before Slack answers a puzzling `not_allowed_token_type`."""
    if bot_token.startswith(APP_TOKEN_PREFIX) and (app_token or "").startswith(BOT_TOKEN_PREFIX):
        raise ConfigError(
            "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are swapped: the bot token (xoxb-...) goes in "
            "SLACK_BOT_TOKEN, the app-level token (xapp-...) in SLACK_APP_TOKEN"
        )
    if not bot_token.startswith(BOT_TOKEN_PREFIX):
        hint = (
            " (that is an app-level token: it goes in SLACK_APP_TOKEN)"
            if bot_token.startswith(APP_TOKEN_PREFIX)
            else ""
        )
        raise ConfigError(
            f"SLACK_BOT_TOKEN does not start with {BOT_TOKEN_PREFIX}{hint}: find it in "
            f"{_WHERE_TO_FIND['SLACK_BOT_TOKEN']}"
        )
    if app_token is not None and not app_token.startswith(APP_TOKEN_PREFIX):
        hint = (
            " (that is a bot token: it goes in SLACK_BOT_TOKEN)"
            if app_token.startswith(BOT_TOKEN_PREFIX)
            else ""
        )
        raise ConfigError(
            f"SLACK_APP_TOKEN does not start with {APP_TOKEN_PREFIX}{hint}: find it in Slack app settings "
            "> Basic Information > App-Level Tokens (scope connections:write)"
        )


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """`DATABASE_URL`, or the embedded SQLite file: all `mentorbot migrate` needs to know.

    Refused here, with the variable's name, when it is not a URL of a database mentorbot supports;
    the password never appears in the message.
    """
    env = os.environ if environ is None else environ
    url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL: use sqlite:///path/to/mentorbot.db or "
            "postgresql://user:password@host/database"
        ) from None
    if backend not in _DATABASE_BACKENDS:
        raise ConfigError(
            f"DATABASE_URL names a {backend} database: mentorbot uses sqlite:///... or postgresql://..."
        )
    return url


def startup_timeout_from_env(environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    return _positive_int(env, "MENTORBOT_STARTUP_TIMEOUT_SECONDS", 60)


def log_level_from_env(environ: Mapping[str, str] | None = None) -> str:
    """`MENTORBOT_LOG_LEVEL`, INFO by default."""
    return _one_of(environ, "MENTORBOT_LOG_LEVEL", LOG_LEVELS, "INFO", "a log level", str.upper)


def log_format_from_env(environ: Mapping[str, str] | None = None) -> str:
    """`MENTORBOT_LOG_FORMAT`, text by default."""
    return _one_of(environ, "MENTORBOT_LOG_FORMAT", LOG_FORMATS, "text", "a log format", str.lower)


def _one_of(
    environ: Mapping[str, str] | None,
    name: str,
    choices: Sequence[str],
    default: str,
    what: str,
    normalise: Callable[[str], str],
) -> str:
    env = os.environ if environ is None else environ
    value = normalise(env.get(name, "").strip()) or default
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not {what}: use one of " + ", ".join(choices))
    return value


def checked_port(port: int, name: str) -> int:
    """A TCP port, or a ConfigError naming where the bad one came from (`PORT` or `--port`)."""
    if not 1 <= port <= 65535:
        raise ConfigError(f"{name} {port} is out of range: use a port from 1 to 65535")
    return port


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdecimal() or int(raw) == 0:
        raise ConfigError(f"{name}={raw!r} is not a positive whole number")
    return int(raw)
