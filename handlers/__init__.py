"""Slack listeners, thin: each acks, reads the payload, calls one `bot/` function and sends its answer."""

from __future__ import annotations

from slack_bolt import App

from bot.context import BotContext
from handlers import (
    commands,
    followups,
    home,
    mentorships,
    menu,
    offers,
    privacy,
    requests,
    settings,
    stats,
    status,
    volunteering,
)


def register_listeners(app: App, bot: BotContext) -> None:
    """The routing table: one `register` per Slack surface."""
    commands.register(app, bot)
    home.register(app, bot)  # before menu: its Home-tab clicks of menu buttons come first
    menu.register(app, bot)
    status.register(app, bot)
    mentorships.register(app, bot)
    stats.register(app, bot)
    volunteering.register(app, bot)
    requests.register(app, bot)
    offers.register(app, bot)
    followups.register(app, bot)
    privacy.register(app, bot)
    settings.register(app, bot)
