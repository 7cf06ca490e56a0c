"""The buttons of the /mentor menu that only show something: who-are-you, help."""

from __future__ import annotations

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.members import choose_role, identify
from bot.menu import help_for, menu_for
from handlers.background import in_background
from storage.models import Role


def answer_role_choice(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    role = Role.STUDENT if body["actions"][0]["action_id"] == ids.CHOOSE_ROLE_STUDENT else Role.ALUMNUS
    person = choose_role(bot, person, role)
    respond(replace_original=True, **menu_for(bot, person).as_kwargs())


def answer_help_button(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    respond(replace_original=True, **help_for(person).as_kwargs())


def register(app: App, bot: BotContext) -> None:
    for action_id in (ids.CHOOSE_ROLE_STUDENT, ids.CHOOSE_ROLE_ALUMNUS):
        app.action(action_id)(in_background(bot, answer_role_choice))
    app.action(ids.SHOW_HELP)(in_background(bot, answer_help_button))
