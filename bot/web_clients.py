"""The Web API clients of the bot: how one is made, and the single-workspace mode's one client.

Every call for a workspace goes out through `BotContext.slack_clients` (`bot.context.SlackClients`):
`SingleWorkspaceClients` here for `SLACK_BOT_TOKEN`, `bot.installations.InstalledWorkspaceClients` for
the workspaces installed with Add to Slack.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Config

SLACK_API_URL = "https://slack.com/api/"


def web_api_base_url(config: Config) -> str:
    """Slack's Web API, or `SLACK_API_URL` when set (a stand-in for Slack in tests)."""
    base_url = config.slack_api_url or SLACK_API_URL
    return base_url if base_url.endswith("/") else base_url + "/"


def build_web_client(config: Config, token: str | None = None, *, retries: bool = True) -> WebClient:
    """A Web API client for `token` (the configured bot token by default; none in OAuth mode, for the
    calls that take the app's credentials instead, such as oauth.v2.access)."""
    return WebClient(
        token=token or config.slack_bot_token,
        base_url=web_api_base_url(config),
        timeout=10,
        retry_handlers=[
            # Slack says how long to wait on 429; the others are worth one more try.
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=1),
            ConnectionErrorRetryHandler(max_retry_count=1),
        ]
        if retries
        else [],
    )


class SingleWorkspaceClients:
    """One workspace, one bot token (`SLACK_BOT_TOKEN`): the same client whatever the team."""

    def __init__(self, config: Config) -> None:
        self.client = build_web_client(config)
        self._without_retries = build_web_client(config, retries=False)

    def for_team(self, team_id: str) -> WebClient:
        return self.client

    def without_retries(self, team_id: str) -> WebClient:
        return self._without_retries

    def forget(self, team_id: str) -> None:
        """Nothing to forget: the token is the operator's, in the environment, not ours to delete."""
