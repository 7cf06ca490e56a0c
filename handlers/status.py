"""`/mentor status` and the menu's status button."""

from __future__ import annotations

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.home import publish_home
from bot.members import Person, identify
from bot.status import status_for
from handlers.background import in_background


def status_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    respond(**status_for(bot, person).as_kwargs())


def answer_status_button(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    if respond is None:  # clicked on the Home tab, which has no response_url: refresh the Home instead
        publish_home(bot, client, person)
    else:
        respond(**status_for(bot, person).as_kwargs())


def register(app: App, bot: BotContext) -> None:
    app.action(ids.SHOW_STATUS)(in_background(bot, answer_status_button))
