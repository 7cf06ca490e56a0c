"""`/mentor` and its text shortcuts: a routing table from the first word to one `bot/` function."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from bot import ids
from bot.admin_roles import admin_command
from bot.context import BotContext
from bot.directory import open_directory
from bot.members import Person
from bot.menu import help_for, menu_for
from bot.outcome import Outcome, reply
from bot.privacy import admin_privacy_command, privacy_overview_for
from bot.requests import start_request
from bot.status import status_for
from bot.volunteering import open_volunteer_modal, pause_mentoring, resume_mentoring
from handlers.background import in_background
from handlers.payload import command_text

# (bot, person, rest of the text) -> what to do
Subcommand = Callable[[BotContext, Person, str], Outcome]


def admin_subcommand(bot: BotContext, person: Person, rest: str) -> Outcome:
    """`/mentor admin …`: admin tools, answered to the admin alone."""
    word, _, arguments = rest.partition(" ")
    if word.lower() in ("privacy", "confidentialite"):
        return admin_privacy_command(bot, person, arguments.strip())
    return reply(admin_command(bot, person, rest))


SUBCOMMANDS: dict[str, Subcommand] = {
    "": lambda bot, person, rest: reply(menu_for(bot, person)),
    "help": lambda bot, person, rest: reply(help_for(person)),
    "aide": lambda bot, person, rest: reply(help_for(person)),
    "status": lambda bot, person, rest: reply(status_for(bot, person)),
    "statut": lambda bot, person, rest: reply(status_for(bot, person)),
    "admin": admin_subcommand,
    "volunteer": lambda bot, person, rest: open_volunteer_modal(bot, person),
    "pause": lambda bot, person, rest: pause_mentoring(bot, person),
    "resume": lambda bot, person, rest: resume_mentoring(bot, person),
    "request": lambda bot, person, rest: start_request(bot, person),
    "privacy": lambda bot, person, rest: reply(privacy_overview_for(bot, person)),
    "confidentialite": lambda bot, person, rest: reply(privacy_overview_for(bot, person)),
    "mentors": lambda bot, person, rest: open_directory(bot, person),
    "annuaire": lambda bot, person, rest: open_directory(bot, person),
}
# Shortcuts a member without a role cannot use yet: they are asked who they are first.
NEEDS_ROLE = {"", "request", "volunteer", "status", "mentors", "annuaire"}


def answer_mentor_command(bot: BotContext, person: Person, body: dict) -> Outcome:
    text = command_text(body)
    word, _, rest = text.partition(" ")
    word = word.lower()
    subcommand = SUBCOMMANDS.get(word)
    if subcommand is None:
        return reply(help_for(person, not_understood=text))
    if person.role is None and word in NEEDS_ROLE:
        return reply(menu_for(bot, person))  # the menu of a member without a role asks it
    return subcommand(bot, person, rest.strip())


def register(app: App, bot: BotContext) -> None:
    app.command(ids.MENTOR_COMMAND)(in_background(bot, answer_mentor_command))
