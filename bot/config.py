"""Configuration, read from the environment (and `.env`) once at start and validated there.

A school's IT person should learn of a missing or malformed setting the moment they start the bot, with
the name of the variable and where to find its value, not from a stack trace an hour later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.i18n import SUPPORTED_LOCALES

DEFAULT_DATABASE_URL = "sqlite:///mentorbot.db"

# Where each required secret lives in Slack's app settings, said in the error that reports it missing.
_WHERE_TO_FIND = {
    "SLACK_BOT_TOKEN": "Slack app settings > OAuth & Permissions > Bot User OAuth Token (xoxb-...)",
    "SLACK_SIGNING_SECRET": "Slack app settings > Basic Information > App Credentials > Signing Secret",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


@dataclass(frozen=True)
class Config:
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str | None = None
    port: int = 3000
    admins: frozenset[str] = field(default_factory=frozenset)
    default_locale: str = "fr"
    dispatch_interval_seconds: int = 60
    listener_threads: int = 8
    # Days after which ended mentorships' free text and departed members' data are anonymised (bot.privacy).
    retention_days: int = 730

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Build the configuration from `environ` (the process environment by default)."""
        env = os.environ if environ is None else environ
        missing = [name for name in _WHERE_TO_FIND if not env.get(name, "").strip()]
        if missing:
            name = missing[0]
            raise ConfigError(f"{name} is not set: find it in {_WHERE_TO_FIND[name]}, then put it in .env")

        default_locale = env.get("MENTORBOT_DEFAULT_LOCALE", "fr").strip().lower() or "fr"
        if default_locale not in SUPPORTED_LOCALES:
            raise ConfigError(
                f"MENTORBOT_DEFAULT_LOCALE={default_locale!r} is not supported: use one of "
                + ", ".join(SUPPORTED_LOCALES)
            )
        return cls(
            slack_bot_token=env["SLACK_BOT_TOKEN"].strip(),
            slack_signing_secret=env["SLACK_SIGNING_SECRET"].strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
            database_url=database_url_from_env(env),
            slack_api_url=env.get("SLACK_API_URL", "").strip() or None,
            port=_positive_int(env, "PORT", 3000),
            admins=frozenset(
                user_id.strip() for user_id in env.get("MENTORBOT_ADMINS", "").split(",") if user_id.strip()
            ),
            default_locale=default_locale,
            dispatch_interval_seconds=_positive_int(env, "MENTORBOT_DISPATCH_INTERVAL_SECONDS", 60),
            listener_threads=_positive_int(env, "MENTORBOT_LISTENER_THREADS", 8),
            retention_days=_positive_int(env, "MENTORBOT_RETENTION_DAYS", 730),
        )


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """`DATABASE_URL`, or the embedded SQLite file: all `mentorbot migrate` needs to know."""
    env = os.environ if environ is None else environ
    return env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) == 0:
        raise ConfigError(f"{name}={raw!r} is not a positive whole number")
    return int(raw)
