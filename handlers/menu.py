"""The buttons of the /mentor menu that only show something: who-are-you, help, status."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.members import Person, choose_role
from bot.menu import help_for, menu_for
from bot.outcome import Outcome, reply
from bot.status import status_for
from handlers.background import in_background
from handlers.payload import clicked_action_id
from storage.models import Role


def answer_role_choice(bot: BotContext, person: Person, body: dict) -> Outcome:
    role = Role.STUDENT if clicked_action_id(body) == ids.CHOOSE_ROLE_STUDENT else Role.ALUMNUS
    return reply(menu_for(bot, choose_role(bot, person, role)), replace_original=True)


def answer_help_button(bot: BotContext, person: Person, body: dict) -> Outcome:
    return reply(help_for(person), replace_original=True)


def answer_status_button(bot: BotContext, person: Person, body: dict) -> Outcome:
    return reply(status_for(bot, person))


def register(app: App, bot: BotContext) -> None:
    for action_id in (ids.CHOOSE_ROLE_STUDENT, ids.CHOOSE_ROLE_ALUMNUS):
        app.action(action_id)(in_background(bot, answer_role_choice))
    app.action(ids.SHOW_HELP)(in_background(bot, answer_help_button))
    app.action(ids.SHOW_STATUS)(in_background(bot, answer_status_button))
