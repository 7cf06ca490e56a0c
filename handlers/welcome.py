"""The first set-up's own button: announcing the programme to students (a channel picker, then the post).
The guide's other buttons are the settings' (`handlers.settings`). Admins only, re-checked in `bot/`."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.members import Person
from bot.outcome import Outcome
from bot.welcome import announce_programme, announcement_modal
from handlers.background import in_background
from handlers.payload import selected_conversation


def open_announcement(bot: BotContext, person: Person, body: dict) -> Outcome:
    return announcement_modal(bot, person)


def submit_announcement(bot: BotContext, person: Person, body: dict) -> Outcome:
    return announce_programme(bot, person, selected_conversation(body, ids.ANNOUNCEMENT_CHANNEL))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.OPEN_ANNOUNCEMENT_MODAL)(in_background(bot, open_announcement))
    app.view(ids.ANNOUNCEMENT_VIEW)(in_background(bot, submit_announcement))
