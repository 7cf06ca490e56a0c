"""Data rights: the Export and Delete buttons of `/mentor privacy` and the delete confirmation (the
commands themselves are routed by `handlers.commands`)."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.members import Person, known_person
from bot.outcome import Outcome
from bot.privacy import confirmed_erasure, delete_confirmation_for, export_member_data
from handlers.background import in_background
from handlers.payload import view_metadata


def export_clicked(bot: BotContext, person: Person, body: dict) -> Outcome:
    return export_member_data(bot, person)


def delete_clicked(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The confirmation, first thing: the trigger_id dies 3 s after the click. The button's value is
    ignored: this button only ever erases the data of whoever clicks it."""
    return delete_confirmation_for(person, None)


def deletion_confirmed(bot: BotContext, person: Person, body: dict) -> Outcome:
    return confirmed_erasure(bot, person, view_metadata(body) or None)


def register(app: App, bot: BotContext) -> None:
    app.action(ids.PRIVACY_EXPORT)(in_background(bot, export_clicked))
    app.action(ids.PRIVACY_DELETE)(in_background(bot, delete_clicked))
    # Confirming must not create a member again for someone already erased.
    app.view(ids.PRIVACY_DELETE_VIEW)(in_background(bot, deletion_confirmed, resolve=known_person))
