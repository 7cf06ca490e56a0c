"""Booking a meeting: "Propose times" and its modal, the picks of a proposal, Reschedule and Cancel.
Each click is re-checked by `bot.booking` against the database."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot import ids
from bot.booking import (
    booking_form_errors,
    booking_modal_for,
    cancel_meeting,
    none_fit,
    pick_slot,
    propose_times,
    read_booking_form,
    reschedule_modal_for,
)
from bot.context import BotContext
from bot.members import Person, stored_locale
from bot.messages.booking import PICK_BUTTONS
from bot.outcome import NOTHING, Outcome
from handlers.background import in_background
from handlers.payload import clicked_action_id, clicked_id, team_and_user, view, view_metadata


def opened_dm(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The link into the DM with the mentor: Slack opens it; the click only needs its ack."""
    return NOTHING


def open_proposal(bot: BotContext, person: Person, body: dict) -> Outcome:
    return booking_modal_for(bot, person, clicked_id(body))  # first thing: the trigger dies after 3 s


def open_reschedule(bot: BotContext, person: Person, body: dict) -> Outcome:
    return reschedule_modal_for(bot, person, clicked_id(body))


def check_proposal(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: a proposal needs a time, and none in the past."""
    team_id, user_id = team_and_user(body)
    errors = booking_form_errors(
        view(body), stored_locale(bot, team_id or "", user_id or ""), bot.clock.now()
    )
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def submit_proposal(bot: BotContext, person: Person, body: dict) -> Outcome:
    return propose_times(bot, person, view_metadata(body), read_booking_form(view(body)))


def pick(bot: BotContext, person: Person, body: dict) -> Outcome:
    return pick_slot(bot, person, clicked_id(body), PICK_BUTTONS.index(clicked_action_id(body)))


def none_of_these(bot: BotContext, person: Person, body: dict) -> Outcome:
    return none_fit(bot, person, clicked_id(body))


def cancel(bot: BotContext, person: Person, body: dict) -> Outcome:
    return cancel_meeting(bot, person, clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.BOOKING_OPEN_DM)(in_background(bot, opened_dm))
    app.action(ids.BOOKING_PROPOSE)(in_background(bot, open_proposal))
    app.action(ids.BOOKING_RESCHEDULE)(in_background(bot, open_reschedule))
    app.view(ids.BOOKING_VIEW)(in_background(bot, submit_proposal, check=check_proposal))
    for action_id in PICK_BUTTONS:
        app.action(action_id)(in_background(bot, pick))
    app.action(ids.BOOKING_NONE_FIT)(in_background(bot, none_of_these))
    app.action(ids.BOOKING_CANCEL)(in_background(bot, cancel))
