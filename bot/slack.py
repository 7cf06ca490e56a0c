"""The one module that calls Slack's Web API, and the one reading of what Slack's failures mean.

`bot.deliver` carries out outcomes through these calls, the dispatcher posts its follow-ups through
them, and the few reads the programme needs (a member's profile, the bot's own workspace, a roster
e-mail) are here too. Nothing else in `bot/` or `handlers/` touches a Web API client.

Slack's failures fall in five kinds (`Trouble`), and each is handled in one way wherever it happens:
- our token is refused (`TOKEN_ERRORS`), or the workspace has none (`NotInstalled`): its deliveries
  pause — nothing is marked failed and no member is touched — until a call with its token succeeds
  again (`resume_if_paused`);
- the recipient is gone (`RECIPIENT_GONE_ERRORS`): nothing more is sent or offered to them;
- rate limited (429): wait for `Retry-After`;
- transient (5xx, network, Slack's own "try again" codes): try again later;
- refused: anything else, a bug or a setting to fix; logged, not retried.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.messages.kit import Message
from storage.db import Sessions
from storage.queries.delivery import pause_deliveries, resume_deliveries

logger = logging.getLogger(__name__)

# Answers about our own token, never about the person we write to (docs.slack.dev, every method's error
# table: "account_inactive — Authentication token is for a deleted user or workspace when using a bot
# token"; "token_revoked", "token_expired", "invalid_auth", "not_authed"; "team_disabled" — the
# workspace itself was disabled).
TOKEN_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "team_disabled",
        "account_inactive",
        # oauth.v2.access refusing a rotating token's refresh token: only a reinstall gives a new one.
        "invalid_refresh_token",
    }
)
# Answers meaning the person cannot be reached any more. chat.postMessage to a user id answers
# `channel_not_found` when no such user can be written to, and `cannot_dm_bot` for a bot user;
# users.info answers `user_not_found`. A deactivated user is NOT among them: Slack still accepts
# messages to them (python-slack-sdk #1156) and sends a `user_change` event instead.
RECIPIENT_GONE_ERRORS = frozenset({"channel_not_found", "cannot_dm_bot", "user_not_found"})
# Slack's answers worth another try later, beside 5xx statuses and network errors.
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})


class Trouble(enum.StrEnum):
    TOKEN = "token"
    RECIPIENT_GONE = "recipient_gone"
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    REFUSED = "refused"


@dataclass(frozen=True)
class SlackFailure:
    """What went wrong with one call, read once from whatever slack_sdk raised."""

    trouble: Trouble
    code: str
    retry_after_seconds: int = 0

    def __str__(self) -> str:
        return self.code


class NotInstalled(Exception):
    """No token for this workspace: mentorbot was never added to it with Add to Slack, or it was
    uninstalled. Read like a token Slack refuses: the workspace's deliveries wait for a (re)install."""

    def __init__(self, team_id: str) -> None:
        super().__init__(f"mentorbot is not installed in workspace {team_id or '(none named)'}")
        self.team_id = team_id


# What slack_sdk raises: SlackApiError for Slack's answers (and an upload URL's HTTP error),
# SlackRequestError for a request it could not make, OSError (URLError among them) for the network;
# and NotInstalled, raised before any request when a workspace has no token at all.
SLACK_FAILURES = (SlackApiError, SlackRequestError, OSError, NotInstalled)


def failure_of(error: Exception) -> SlackFailure:
    if isinstance(error, NotInstalled):
        return SlackFailure(Trouble.TOKEN, "not_installed")
    if isinstance(error, SlackApiError):
        response = error.response
        code = (response.get("error") if isinstance(response.data, dict) else None) or "unknown_error"
        status = response.status_code
        if status == 429 or code == "ratelimited":
            retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after") or 1
            return SlackFailure(Trouble.RATE_LIMITED, "ratelimited", int(retry_after))
        if code in TOKEN_ERRORS:
            return SlackFailure(Trouble.TOKEN, code)
        if code in RECIPIENT_GONE_ERRORS:
            return SlackFailure(Trouble.RECIPIENT_GONE, code)
        if status >= 500 or code in TRANSIENT_ERRORS:
            return SlackFailure(Trouble.TRANSIENT, f"{status} {code}")
        return SlackFailure(Trouble.REFUSED, code)
    if isinstance(error, SlackRequestError):
        return SlackFailure(Trouble.TRANSIENT, f"request: {error}"[:120])
    return SlackFailure(Trouble.TRANSIENT, f"network: {type(error).__name__}")


# ------------------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class Posted:
    channel_id: str
    ts: str


def post_message(client: WebClient, channel: str, message: Message) -> Posted:
    """Post to a channel, or to a person's DM by their user id. Raises one of `SLACK_FAILURES`."""
    answer = client.chat_postMessage(channel=channel, **message.as_kwargs())
    return Posted(channel_id=answer["channel"], ts=answer["ts"])


def update_message(client: WebClient, channel_id: str, ts: str, message: Message) -> None:
    client.chat_update(channel=channel_id, ts=ts, **message.as_kwargs())


def open_modal(client: WebClient, trigger_id: str, view: dict) -> None:
    client.views_open(trigger_id=trigger_id, view=view)


def push_modal(client: WebClient, trigger_id: str, view: dict) -> None:
    """Open a modal on top of the one the click came from (a trigger from a modal's button can push)."""
    client.views_push(trigger_id=trigger_id, view=view)


def update_modal(client: WebClient, view_id: str, view_hash: str | None, view: dict) -> None:
    """Re-render an open modal; with its `hash`, Slack refuses an update based on an older version."""
    client.views_update(view_id=view_id, hash=view_hash, view=view)


def publish_home(client: WebClient, user_id: str, view: dict) -> None:
    client.views_publish(user_id=user_id, view=view)


def upload_files(client: WebClient, user_id: str, files: Sequence[dict], comment: str | None) -> None:
    """Files to a person's DM. Raises one of `SLACK_FAILURES`, whichever of the three steps failed."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(channel=channel, file_uploads=list(files), initial_comment=comment)


def revoke_token(client: WebClient) -> None:
    """auth.revoke: the client's token stops working at once."""
    client.auth_revoke()


# ------------------------------------------------------------------------------------------------------
# Reading


def slack_user(client: WebClient, user_id: str) -> dict:
    """users.info with the member's locale. Raises one of `SLACK_FAILURES`."""
    return client.users_info(user=user_id, include_locale=True)["user"]


def team_of_token(client: WebClient) -> str:
    """The workspace the bot's token belongs to (auth.test)."""
    return client.auth_test()["team_id"]


def socket_mode_url(client: WebClient, app_token: str) -> str:
    """apps.connections.open: a WebSocket URL for Socket Mode, good for one connection."""
    return client.apps_connections_open(app_token=app_token)["url"]


def user_id_of_email(client: WebClient, email: str) -> str:
    """users.lookupByEmail; raises SlackApiError `users_not_found` for an unknown address."""
    return client.users_lookupByEmail(email=email)["user"]["id"]


# ------------------------------------------------------------------------------------------------------
# Workspaces whose token Slack refuses


def pause_workspace(sessions: Sessions, team_id: str, code: str, now: datetime) -> None:
    """Hold the workspace's deliveries; logged at ERROR once, by the process that paused it."""
    with sessions.begin() as session:
        paused = pause_deliveries(session, team_id, code, now)
    if paused:
        logger.error(
            "Slack refuses the bot token of workspace %s (%s): deliveries paused until it works again",
            team_id,
            code,
        )


def resume_if_paused(sessions: Sessions, team_id: str) -> None:
    """A call with the workspace's token succeeded: its deliveries go on (logged once)."""
    with sessions.begin() as session:
        resumed = resume_deliveries(session, team_id)
    if resumed:
        logger.warning("the bot token of workspace %s works again: deliveries resumed", team_id)
