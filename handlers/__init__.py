"""Slack listeners, thin: each acks, reads the payload, calls one `bot/` function and sends its answer."""

from __future__ import annotations

from slack_bolt import App

from bot.context import BotContext
from handlers import commands, menu


def register_listeners(app: App, bot: BotContext) -> None:
    """The routing table: one `register` per Slack surface."""
    commands.register(app, bot)
    menu.register(app, bot)
