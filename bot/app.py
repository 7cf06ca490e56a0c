"""The composition root: builds the Slack client, the Bolt app and the bot's context, and wires listeners.

The only module of `bot/` that imports `handlers/`.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.context import BotContext
from bot.fairness import WorkspacePace
from bot.installations import InstalledWorkspaceAuthorize, InstalledWorkspaceClients, installation_store
from bot.oauth import build_oauth_flow
from bot.web_clients import SingleWorkspaceClients, build_web_client
from handlers import middleware, register_listeners
from handlers.background import report_listener_failure
from storage.db import Sessions


def build_context(
    config: Config,
    sessions: Sessions,
    clock: Clock | None = None,
    follow_ups: Executor | None = None,
    *,
    works_here: bool = True,
) -> BotContext:
    """The bot's context; its follow-up pool has `MENTORBOT_LISTENER_THREADS` threads unless given one.

    Its Web API clients: the one bot token's, or in OAuth mode each installed workspace's own."""
    clock = clock or SystemClock()
    return BotContext(
        config=config,
        sessions=sessions,
        slack_clients=(
            InstalledWorkspaceClients(installation_store(config.oauth, sessions), config)
            if config.oauth is not None
            else SingleWorkspaceClients(config)
        ),
        clock=clock,
        follow_ups=follow_ups
        or ThreadPoolExecutor(max_workers=config.listener_threads, thread_name_prefix="mentorbot-listener"),
        works_here=works_here,
        pace=WorkspacePace(config.workspace_posts_per_minute, clock),
    )


def build_app(bot: BotContext, *, token_verified: bool = False) -> App:
    """The Bolt app with every listener registered; in OAuth mode, with Add to Slack's flow (`bot.oauth`)
    and each request authorized by its workspace's installation.

    With one bot token, Bolt checks it with auth.test as it is built, raising on any failure; `mentorbot
    serve` has checked it already (`bot.startup`, which waits out a Slack still out of reach) and says so
    with `token_verified`, so Bolt asks on its first request instead.

    `process_before_response=True` returns the ack as soon as the listener has acked, instead of Bolt's
    default of running the listener on its pool and polling every 10 ms for the ack; the listener then
    hands its slow work to the bot's follow-up pool (`handlers.background`).
    """
    common = {
        "signing_secret": bot.config.slack_signing_secret,
        "process_before_response": True,
        "listener_executor": bot.follow_ups,  # Bolt's own pool would never be used
        "logger": logging.getLogger("mentorbot.bolt"),
    }
    if bot.config.oauth is None:
        app = App(client=bot.client_for(""), token_verification_enabled=not token_verified, **common)
    else:
        store = installation_store(bot.config.oauth, bot.sessions)
        app = App(
            # No token of its own: each request's comes from its workspace's installation.
            client=build_web_client(bot.config),
            oauth_flow=build_oauth_flow(bot, store),
            authorize=InstalledWorkspaceAuthorize(store, bot.config),
            installation_store=store,
            **common,
        )

    @app.error
    def on_listener_error(error: Exception, body: dict) -> None:
        report_listener_failure(bot, error, body)

    middleware.register(app, bot)  # before any listener: redelivered events stop here
    register_listeners(app, bot)
    return app
