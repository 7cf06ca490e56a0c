"""The admins' Approve / Decline of a self-declared alumnus."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.members import Person
from bot.outcome import Outcome
from bot.verification import approve_alumnus, decline_alumnus
from handlers.background import in_background
from handlers.payload import clicked_id


def approve(bot: BotContext, person: Person, body: dict) -> Outcome:
    return approve_alumnus(bot, person, clicked_id(body))


def decline(bot: BotContext, person: Person, body: dict) -> Outcome:
    return decline_alumnus(bot, person, clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.VERIFY_ALUMNUS_APPROVE)(in_background(bot, approve))
    app.action(ids.VERIFY_ALUMNUS_DECLINE)(in_background(bot, decline))
