"""Configuration is read once at start; a missing secret stops `serve` with one line and exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import Config, ConfigError, log_format_from_env

REQUIRED = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret"}


def test_defaults_apply_when_only_the_secrets_are_set() -> None:
    config = Config.from_env(REQUIRED)

    assert config.database_url == "sqlite:///mentorbot.db"
    assert config.port == 3000
    assert config.default_locale == "fr"
    assert config.socket_mode is False
    assert config.admins == frozenset()
    assert config.uninstalled_retention_days == 30


def test_a_departed_workspaces_data_is_kept_for_the_days_set() -> None:
    config = Config.from_env({**REQUIRED, "MENTORBOT_UNINSTALLED_RETENTION_DAYS": "7"})

    assert config.uninstalled_retention_days == 7


def test_admins_are_read_as_a_comma_separated_list() -> None:
    config = Config.from_env({**REQUIRED, "MENTORBOT_ADMINS": " U1, U2 ,,", "SLACK_APP_TOKEN": "xapp-1"})

    assert config.admins == {"U1", "U2"}
    assert config.socket_mode is True


@pytest.mark.parametrize("missing", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"])
def test_a_missing_secret_names_the_variable_and_where_to_find_it(missing: str) -> None:
    env = {name: value for name, value in REQUIRED.items() if name != missing}

    with pytest.raises(ConfigError, match=f"^{missing} is not set: find it in Slack app settings"):
        Config.from_env(env)


def test_the_dispatchers_pace_and_threads_default_to_slacks_posting_guidance_and_can_be_set() -> None:
    default = Config.from_env(REQUIRED)
    tuned = Config.from_env(
        {**REQUIRED, "MENTORBOT_WORKSPACE_POSTS_PER_MINUTE": "300", "MENTORBOT_DISPATCH_THREADS": "8"}
    )

    assert (default.workspace_posts_per_minute, default.dispatch_threads) == (60, 4)
    assert (tuned.workspace_posts_per_minute, tuned.dispatch_threads) == (300, 8)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "0"),
        ("MENTORBOT_DEFAULT_LOCALE", "de"),
        ("MENTORBOT_UNINSTALLED_RETENTION_DAYS", "0"),
        ("MENTORBOT_UNINSTALLED_RETENTION_DAYS", "a month"),
        ("MENTORBOT_WORKSPACE_POSTS_PER_MINUTE", "0"),
        ("MENTORBOT_DISPATCH_THREADS", "-1"),
    ],
)
def test_malformed_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Config.from_env({**REQUIRED, name: value})


@pytest.mark.parametrize(("value", "log_format"), [("", "text"), ("text", "text"), (" JSON ", "json")])
def test_the_log_format_is_text_unless_json_is_asked_for(value: str, log_format: str) -> None:
    assert log_format_from_env({"MENTORBOT_LOG_FORMAT": value}) == log_format


def test_serve_without_a_token_exits_2_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,  # no .env there
        env={"PATH": "/usr/bin:/bin", "SLACK_SIGNING_SECRET": "secret"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mentorbot: SLACK_BOT_TOKEN is not set: find it in Slack app settings > OAuth & Permissions > "
        "Bot User OAuth Token (xoxb-...), then put it in .env"
    ]
