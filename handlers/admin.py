"""`/mentor admin …`: admin tools, answered to the admin alone."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.admin_roles import admin_command
from bot.context import BotContext
from bot.members import Person
from handlers.privacy import admin_privacy_subcommand


def admin_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    word, _, arguments = rest.partition(" ")
    if word.lower() in ("privacy", "confidentialite"):  # needs the trigger_id for its confirmation
        admin_privacy_subcommand(bot, person, body, client, respond, arguments.strip())
        return
    respond(**admin_command(bot, person, rest).as_kwargs())
