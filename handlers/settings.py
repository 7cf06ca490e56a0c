"""`/mentoring-stats settings`, its edit buttons and modals, and the recruiting campaign's buttons.

Every button and submission re-checks that the person is an admin (`bot.settings`, `bot.recruiting`):
a forged click or submission by anyone else is refused and logged.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.members import Person
from bot.messages.kit import Message
from bot.outcome import Outcome
from bot.recruiting import decline_invitation, start_campaign
from bot.settings import (
    Which,
    cadences_form_errors,
    charter_form_errors,
    save_cadences,
    save_charter,
    save_topics,
    settings_modal,
    topics_form_errors,
)
from handlers.background import in_background
from handlers.payload import clicked_action_id, clicked_id, team_and_user, view

_MODAL_OF_BUTTON = {
    ids.OPEN_CHARTER_MODAL: Which.CHARTER,
    ids.OPEN_TOPICS_MODAL: Which.TOPICS,
    ids.OPEN_CADENCES_MODAL: Which.CADENCES,
}
_SAVE_OF_VIEW: dict[str, Callable[[BotContext, Person, dict], Message]] = {
    ids.CHARTER_VIEW: save_charter,
    ids.TOPICS_VIEW: save_topics,
    ids.CADENCES_VIEW: save_cadences,
}


def open_settings_modal(bot: BotContext, person: Person, body: dict) -> Outcome:
    return settings_modal(bot, person, _MODAL_OF_BUTTON[clicked_action_id(body)])


def check_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: field errors keep the modal open with them; a valid form closes it."""
    submitted = view(body)
    callback_id = submitted.get("callback_id")
    if callback_id == ids.CHARTER_VIEW:
        errors = charter_form_errors(submitted)
    elif callback_id == ids.TOPICS_VIEW:
        errors = topics_form_errors(bot, team_and_user(body)[0] or "", submitted)
    else:
        errors = cadences_form_errors(submitted)
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def save_submission(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The answer, and the admin's Home refreshed: its set-up guide ticks the charter and the topics."""
    submitted = view(body)
    return Outcome(reply=_SAVE_OF_VIEW[submitted["callback_id"]](bot, person, submitted), homes=(person,))


def answer_recruiting_click(bot: BotContext, person: Person, body: dict) -> Outcome:
    return Outcome(reply=start_campaign(bot, person), homes=(person,))


def answer_not_now(bot: BotContext, person: Person, body: dict) -> Outcome:
    return decline_invitation(bot, person, clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    for action_id in _MODAL_OF_BUTTON:
        app.action(action_id)(in_background(bot, open_settings_modal))
    for callback_id in _SAVE_OF_VIEW:
        app.view(callback_id)(in_background(bot, save_submission, check=check_submission))
    app.action(ids.START_RECRUITING)(in_background(bot, answer_recruiting_click))
    app.action(ids.RECRUITING_NOT_NOW)(in_background(bot, answer_not_now))
