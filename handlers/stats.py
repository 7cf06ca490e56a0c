"""`/mentoring-stats` and its Export CSV button: admins only, acked at once, answered after.

The first word after the command picks a subcommand (`settings`: `handlers.settings`); anything else is
the report's period. Every subcommand and the button are refused to non-admins before any work.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.exports import export_programme_csv
from bot.members import Person, identify
from bot.settings import SETTINGS_WORDS
from bot.stats import refuse_non_admin, report_stats
from handlers.background import in_background
from handlers.settings import settings_subcommand

# (bot, admin, body, client, respond, rest of the text)
StatsSubcommand = Callable[[BotContext, Person, dict, WebClient, Respond, str], None]


def show_report(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, text: str
) -> None:
    respond(**report_stats(bot, person, text).as_kwargs())


SUBCOMMANDS: dict[str, StatsSubcommand] = dict.fromkeys(SETTINGS_WORDS, settings_subcommand)


def answer_stats_command(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None  # slash commands always carry a response_url
    person = identify(bot, body["team_id"], body["user_id"])
    text = body.get("text", "").strip()
    if not person.is_admin:
        respond(**refuse_non_admin(person, ids.STATS_COMMAND).as_kwargs())
        return
    word, _, rest = text.partition(" ")
    subcommand = SUBCOMMANDS.get(word.lower())
    if subcommand is None:
        show_report(bot, person, body, client, respond, text)
    else:
        subcommand(bot, person, body, client, respond, rest.strip())


def answer_export_click(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    respond(replace_original=False, **export_programme_csv(bot, person).as_kwargs())


def register(app: App, bot: BotContext) -> None:
    app.command(ids.STATS_COMMAND)(in_background(bot, answer_stats_command))
    app.action(ids.EXPORT_STATS_CSV)(in_background(bot, answer_export_click))
