"""The follow-ups' buttons and modals: each answer is taken by `bot.followups`, which re-checks it."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.followups import (
    ANSWER_OF_ACTION,
    answer_followup,
    end_from_followup,
    end_modal_for_followup,
    save_survey_comment,
    snooze_followup,
)
from bot.members import Person
from bot.outcome import Outcome
from handlers.background import in_background
from handlers.payload import clicked_action_id, clicked_id, input_value, view_metadata_id


def answer_button(bot: BotContext, person: Person, body: dict) -> Outcome:
    return answer_followup(bot, person, clicked_action_id(body), clicked_id(body))


def start_end(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The end button: the modal within the trigger's 3 s; the end comes on submission."""
    return end_modal_for_followup(bot, person, clicked_id(body))


def finish_end(bot: BotContext, person: Person, body: dict) -> Outcome:
    reason = input_value(body, ids.FOLLOWUP_END_REASON_INPUT)
    return end_from_followup(bot, person, view_metadata_id(body), reason)


def save_comment(bot: BotContext, person: Person, body: dict) -> Outcome:
    comment = input_value(body, ids.FOLLOWUP_COMMENT_INPUT)
    return save_survey_comment(bot, person, view_metadata_id(body), comment)


def snooze(bot: BotContext, person: Person, body: dict) -> Outcome:
    return snooze_followup(bot, person, clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    for action_id in ANSWER_OF_ACTION:
        app.action(action_id)(in_background(bot, answer_button))
    app.action(ids.FOLLOWUP_END)(in_background(bot, start_end))
    app.view(ids.FOLLOWUP_END_VIEW)(in_background(bot, finish_end))
    app.view(ids.FOLLOWUP_COMMENT_VIEW)(in_background(bot, save_comment))
    app.action(ids.FOLLOWUP_SNOOZE)(in_background(bot, snooze))
