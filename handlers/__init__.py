"""Slack listeners, thin: each reads its payload and calls one `bot/` function; `handlers.background` acks,
resolves the person and delivers the outcome."""

from __future__ import annotations

from slack_bolt import App

from bot.context import BotContext
from handlers import (
    booking,
    commands,
    direct_messages,
    directory,
    feedback,
    followups,
    hand_matching,
    home,
    lifecycle,
    members,
    mentorships,
    menu,
    offers,
    privacy,
    recognition,
    requests,
    settings,
    stats,
    verification,
    volunteering,
    welcome,
)


def register_listeners(app: App, bot: BotContext) -> None:
    """The routing table: one `register` per Slack surface."""
    commands.register(app, bot)
    home.register(app, bot)  # before menu: its Home-tab clicks of menu buttons come first
    direct_messages.register(app, bot)
    menu.register(app, bot)
    mentorships.register(app, bot)
    members.register(app, bot)
    lifecycle.register(app, bot)
    stats.register(app, bot)
    volunteering.register(app, bot)
    requests.register(app, bot)
    offers.register(app, bot)
    followups.register(app, bot)
    privacy.register(app, bot)
    settings.register(app, bot)
    directory.register(app, bot)
    booking.register(app, bot)
    hand_matching.register(app, bot)
    verification.register(app, bot)
    recognition.register(app, bot)
    feedback.register(app, bot)
    welcome.register(app, bot)
