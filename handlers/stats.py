"""`/mentoring-stats` and its Export CSV button: admins only, acked at once, answered after.

The first word after the command picks a subcommand (`settings`, `feedback [period]`); anything else is
the report's period.
Every subcommand and the button are refused to non-admins before any work.
"""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.exports import export_programme_csv
from bot.feedback import FEEDBACK_WORDS, show_feedback
from bot.hand_matching import REQUEST_WORDS, list_requests_for_admins
from bot.members import Person
from bot.outcome import Outcome, reply
from bot.redelivery import resend_failed_followups
from bot.settings import SETTINGS_WORDS, show_settings
from bot.stats import refuse_non_admin, report_stats
from handlers.background import in_background
from handlers.payload import clicked_value, command_text


def answer_stats_command(bot: BotContext, person: Person, body: dict) -> Outcome:
    text = command_text(body)
    if not person.is_admin:
        return reply(refuse_non_admin(person, ids.STATS_COMMAND))
    first, _, rest = text.partition(" ")
    if first.lower() in SETTINGS_WORDS:
        return reply(show_settings(bot, person))
    if first.lower() in REQUEST_WORDS:
        return list_requests_for_admins(bot, person)
    if first.lower() in FEEDBACK_WORDS:
        return show_feedback(bot, person, rest)
    return report_stats(bot, person, text)


def answer_export_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return export_programme_csv(bot, person)


def answer_resend_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return resend_failed_followups(bot, person, clicked_value(body))


def register(app: App, bot: BotContext) -> None:
    app.command(ids.STATS_COMMAND)(in_background(bot, answer_stats_command))
    app.action(ids.EXPORT_STATS_CSV)(in_background(bot, answer_export_click))
    app.action(ids.RESEND_FOLLOWUP)(in_background(bot, answer_resend_click))
    app.action(ids.RESEND_ALL_FOLLOWUPS)(in_background(bot, answer_resend_click))
