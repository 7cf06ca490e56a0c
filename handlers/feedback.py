"""The admins' feedback loop: the alerts' buttons, the feedback view's "more" and CSV buttons, the
digest's report button, and the admins' channel setting. Each one is refused to non-admins by `bot.feedback`.
"""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.feedback import (
    admin_channel_modal,
    close_pair,
    export_feedback_csv,
    full_report,
    pair_history,
    save_admin_channel,
    show_more_feedback,
)
from bot.members import Person
from bot.outcome import Outcome
from handlers.background import in_background
from handlers.payload import clicked_id, clicked_value, selected_conversation


def answer_history_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return pair_history(bot, person, clicked_id(body))


def answer_close_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return close_pair(bot, person, clicked_id(body))


def answer_contact_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    """A slack:// link button: Slack opens the conversation itself and still tells us; nothing to do."""
    return Outcome()


def answer_more_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return show_more_feedback(bot, person, clicked_value(body))


def answer_csv_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return export_feedback_csv(bot, person, clicked_value(body))


def answer_report_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return full_report(bot, person)


def open_admin_channel_modal(bot: BotContext, person: Person, body: dict) -> Outcome:
    return admin_channel_modal(bot, person)


def save_admin_channel_submission(bot: BotContext, person: Person, body: dict) -> Outcome:
    return save_admin_channel(bot, person, selected_conversation(body, ids.ADMIN_CHANNEL_INPUT))


def history_closed(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The history modal has no submit button; a forged submission changes nothing."""
    return Outcome()


def register(app: App, bot: BotContext) -> None:
    app.action(ids.ADMIN_PAIR_HISTORY)(in_background(bot, answer_history_click))
    app.action(ids.ADMIN_CLOSE_PAIR)(in_background(bot, answer_close_click))
    app.action(ids.ADMIN_CONTACT_STUDENT)(in_background(bot, answer_contact_click))
    app.action(ids.ADMIN_CONTACT_MENTOR)(in_background(bot, answer_contact_click))
    app.action(ids.FEEDBACK_MORE)(in_background(bot, answer_more_click))
    app.action(ids.FEEDBACK_CSV)(in_background(bot, answer_csv_click))
    app.action(ids.DIGEST_FULL_REPORT)(in_background(bot, answer_report_click))
    app.action(ids.OPEN_ADMIN_CHANNEL_MODAL)(in_background(bot, open_admin_channel_modal))
    app.view(ids.ADMIN_CHANNEL_VIEW)(in_background(bot, save_admin_channel_submission))
    app.view(ids.PAIR_HISTORY_VIEW)(in_background(bot, history_closed))
