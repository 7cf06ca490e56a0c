"""Configuration is read once at start; a missing secret stops `serve` with one line and exit code 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config, ConfigError, log_format_from_env

# This checkout's code, not whichever mentorbot the interpreter has installed.
ROOT = Path(__file__).resolve().parents[2]
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
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SLACK_SIGNING_SECRET": "secret"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mentorbot: SLACK_BOT_TOKEN is not set: find it in Slack app settings > OAuth & Permissions > "
        "Bot User OAuth Token (xoxb-...), then put it in .env"
    ]


# ------------------------------------------------------------------------------------------------------
# Add to Slack (OAuth): the app's credentials instead of a bot token, and the key that encrypts tokens

TOKEN_KEY = "ppbnoT0nt5PcWMv8RR0Oai3WC1cZ_2hG8pJZCYyLmL4="
OTHER_TOKEN_KEY = "ddBM8E3xHU5MLy5y6Hp9tFZg6PEZ3Mki6JbeqXmbM84="
OAUTH = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "SLACK_SIGNING_SECRET": "secret",
    "MENTORBOT_TOKEN_KEY": TOKEN_KEY,
}


def test_the_client_id_and_secret_turn_on_oauth_mode() -> None:
    config = Config.from_env({**OAUTH, "MENTORBOT_TOKEN_KEY": f" {TOKEN_KEY} , {OTHER_TOKEN_KEY}"})

    assert config.slack_bot_token is None
    assert config.oauth is not None
    assert (config.oauth.client_id, config.oauth.client_secret) == ("1111.2222", "client-secret")
    assert config.oauth.token_keys == (TOKEN_KEY, OTHER_TOKEN_KEY)
    assert config.oauth.redirect_uri is None
    assert "client-secret" not in repr(config) and TOKEN_KEY not in repr(config)


def test_a_bot_token_with_the_client_credentials_is_refused() -> None:
    with pytest.raises(
        ConfigError, match=r"^SLACK_BOT_TOKEN and SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are both set"
    ):
        Config.from_env({**OAUTH, "SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set"):
        Config.from_env({**REQUIRED, "SLACK_CLIENT_ID": "1111.2222"})


def test_half_the_client_credentials_names_the_other_half() -> None:
    env = {name: value for name, value in OAUTH.items() if name != "SLACK_CLIENT_SECRET"}

    with pytest.raises(
        ConfigError, match=r"^SLACK_CLIENT_SECRET is not set: find it in Slack app settings > Basic"
    ):
        Config.from_env(env)


@pytest.mark.parametrize(
    ("keys", "which"),
    [("not-a-key", "its key"), (f"{TOKEN_KEY},{TOKEN_KEY[:-2]}", "key 2 of 2"), (" , ", None)],
)
def test_a_missing_or_malformed_token_key_says_how_to_make_one(keys: str, which: str | None) -> None:
    with pytest.raises(ConfigError) as refused:
        Config.from_env({**OAUTH, "MENTORBOT_TOKEN_KEY": keys})

    message = str(refused.value)
    assert message.endswith("make one with `mentorbot token-key` and put it in .env")
    assert (
        (f"MENTORBOT_TOKEN_KEY: {which} is not a Fernet key" in message) if which else "is not set" in message
    )
    assert TOKEN_KEY[:-2] not in message and "not-a-key" not in message


def test_socket_mode_is_refused_with_add_to_slack() -> None:
    with pytest.raises(ConfigError, match="unset SLACK_APP_TOKEN"):
        Config.from_env({**OAUTH, "SLACK_APP_TOKEN": "xapp-1"})


def test_the_redirect_url_must_be_a_web_address() -> None:
    url = "https://mentorbot.example.org/slack/oauth_redirect"
    assert Config.from_env({**OAUTH, "SLACK_REDIRECT_URI": url}).oauth.redirect_uri == url  # type: ignore[union-attr]

    with pytest.raises(
        ConfigError, match=re.escape("SLACK_REDIRECT_URI='mentorbot.example.org' is not a web address")
    ):
        Config.from_env({**OAUTH, "SLACK_REDIRECT_URI": "mentorbot.example.org"})


def test_serve_without_a_token_key_exits_2_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {name: value for name, value in OAUTH.items() if name != "MENTORBOT_TOKEN_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mentorbot: MENTORBOT_TOKEN_KEY is not set: the workspaces' tokens are stored encrypted with it; "
        "make one with `mentorbot token-key` and put it in .env"
    ]


def test_token_key_prints_a_new_key_the_configuration_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token-key"]) == 0
    first = capsys.readouterr().out
    assert main(["token-key"]) == 0
    second = capsys.readouterr().out

    assert first.endswith("\n") and first.count("\n") == 1
    assert first != second
    config = Config.from_env({**OAUTH, "MENTORBOT_TOKEN_KEY": f"{first.strip()},{second.strip()}"})
    assert config.oauth.token_keys == (first.strip(), second.strip())  # type: ignore[union-attr]
