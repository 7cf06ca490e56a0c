"""The mentor's side of an offer (Accept, Decline and its modal) and the student's "I've contacted my
mentor" button."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.matching import accept_offer, decline_modal_for, decline_offer, record_first_contact
from bot.members import Person
from bot.messages.offers import DECLINE_REASON_BLOCK, DECLINE_REASON_INPUT
from bot.outcome import Outcome
from handlers.background import in_background
from handlers.payload import clicked_id, input_value, view_metadata_id


def accept(bot: BotContext, person: Person, body: dict) -> Outcome:
    return accept_offer(bot, person, clicked_id(body))


def start_decline(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The decline modal, opened first thing: its trigger_id dies 3 s after the click."""
    return decline_modal_for(bot, person, clicked_id(body))


def finish_decline(bot: BotContext, person: Person, body: dict) -> Outcome:
    reason = input_value(body, DECLINE_REASON_BLOCK, DECLINE_REASON_INPUT)
    return decline_offer(bot, person, view_metadata_id(body), reason)


def first_contact_done(bot: BotContext, person: Person, body: dict) -> Outcome:
    return record_first_contact(bot, person, clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.ACCEPT_OFFER)(in_background(bot, accept))
    app.action(ids.DECLINE_OFFER)(in_background(bot, start_decline))
    # The decline happens on submission only: closing the modal leaves the offer pending, as if the
    # mentor had not clicked, and the offer's buttons stay live.
    app.view(ids.DECLINE_VIEW)(in_background(bot, finish_decline))
    app.action(ids.FIRST_CONTACT_DONE)(in_background(bot, first_contact_done))
