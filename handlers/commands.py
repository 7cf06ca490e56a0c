"""`/mentor` and its text shortcuts: a routing table from the first word to one `bot/` function."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.members import Person, identify
from bot.menu import help_for, menu_for
from handlers.admin import admin_subcommand
from handlers.background import in_background
from handlers.privacy import privacy_subcommand
from handlers.requests import request_subcommand
from handlers.status import status_subcommand
from handlers.volunteering import pause_subcommand, resume_subcommand, volunteer_subcommand

# (bot, person, body, client, respond, rest of the text)
Subcommand = Callable[[BotContext, Person, dict, WebClient, Respond, str], None]


def show_menu(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    respond(**menu_for(bot, person).as_kwargs())


def show_help(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    respond(**help_for(person).as_kwargs())


SUBCOMMANDS: dict[str, Subcommand] = {
    "": show_menu,
    "help": show_help,
    "aide": show_help,
    "status": status_subcommand,
    "statut": status_subcommand,
    "admin": admin_subcommand,
    "volunteer": volunteer_subcommand,
    "pause": pause_subcommand,
    "resume": resume_subcommand,
    "request": request_subcommand,
    "privacy": privacy_subcommand,
    "confidentialite": privacy_subcommand,
}
# Shortcuts a member without a role cannot use yet: they are asked who they are first.
NEEDS_ROLE = {"", "request", "volunteer", "status"}


def answer_mentor_command(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None  # slash commands always carry a response_url
    person = identify(bot, body["team_id"], body["user_id"])
    text = body.get("text", "").strip()
    word, _, rest = text.partition(" ")
    word = word.lower()
    subcommand = SUBCOMMANDS.get(word)
    if subcommand is None:
        respond(**help_for(person, not_understood=text).as_kwargs())
    elif person.role is None and word in NEEDS_ROLE:
        show_menu(bot, person, body, client, respond, rest)  # the menu of a member without a role asks it
    else:
        subcommand(bot, person, body, client, respond, rest.strip())


def register(app: App, bot: BotContext) -> None:
    app.command(ids.MENTOR_COMMAND)(in_background(bot, answer_mentor_command))
