"""The composition root: builds the Slack client, the Bolt app and the bot's context, and wires listeners.

The only module of `bot/` that imports `handlers/`.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.context import BotContext
from bot.fairness import WorkspacePace
from handlers import middleware, register_listeners
from handlers.background import report_listener_failure
from storage.db import Sessions

SLACK_API_URL = "https://slack.com/api/"


def web_api_base_url(config: Config) -> str:
    """Slack's Web API, or `SLACK_API_URL` when set (a stand-in for Slack in tests)."""
    base_url = config.slack_api_url or SLACK_API_URL
    return base_url if base_url.endswith("/") else base_url + "/"


def build_web_client(config: Config, token: str | None = None, *, retries: bool = True) -> WebClient:
    """A Web API client for `token` (the configured bot token by default)."""
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
        """Nothing to delete: the token is the operator's, in the configuration."""


def build_context(
    config: Config,
    sessions: Sessions,
    clock: Clock | None = None,
    follow_ups: Executor | None = None,
    *,
    works_here: bool = True,
) -> BotContext:
    """The bot's context; its follow-up pool has `MENTORBOT_LISTENER_THREADS` threads unless given one."""
    clock = clock or SystemClock()
    return BotContext(
        config=config,
        sessions=sessions,
        slack_clients=SingleWorkspaceClients(config),
        clock=clock,
        follow_ups=follow_ups
        or ThreadPoolExecutor(max_workers=config.listener_threads, thread_name_prefix="mentorbot-listener"),
        works_here=works_here,
        pace=WorkspacePace(config.workspace_posts_per_minute, clock),
    )


def build_app(bot: BotContext, *, token_verified: bool = False) -> App:
    """The Bolt app with every listener registered.

    Bolt checks the token with auth.test as it is built, raising on any failure; `mentorbot serve` has
    checked it already (`bot.startup`, which waits out a Slack still out of reach) and says so with
    `token_verified`, so Bolt asks on its first request instead.

    `process_before_response=True` returns the ack as soon as the listener has acked, instead of Bolt's
    default of running the listener on its pool and polling every 10 ms for the ack; the listener then
    hands its slow work to the bot's follow-up pool (`handlers.background`).
    """
    app = App(
        client=bot.client_for(""),
        signing_secret=bot.config.slack_signing_secret,
        process_before_response=True,
        listener_executor=bot.follow_ups,  # Bolt's own pool would never be used
        logger=logging.getLogger("mentorbot.bolt"),
        token_verification_enabled=not token_verified,
    )

    @app.error
    def on_listener_error(error: Exception, body: dict) -> None:
        report_listener_failure(bot, error, body)

    middleware.register(app, bot)  # before any listener: redelivered events stop here
    register_listeners(app, bot)
    return app
