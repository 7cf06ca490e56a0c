"""Alumni volunteering: the menu's "Become a mentor" / "Edit my profile" button, the volunteer modal's
submission, and the pause / resume buttons.

The buttons are in the /mentor menu (answered through its response_url) and on the Home tab (which has
none: the outcome refreshes the Home after every change, which is the answer there).
"""

from __future__ import annotations

import dataclasses

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.members import Person
from bot.outcome import Outcome
from bot.volunteering import (
    open_volunteer_modal,
    pause_mentoring,
    resume_mentoring,
    save_volunteer_profile,
    volunteer_form_errors,
)
from handlers.background import in_background
from handlers.home import clicked_on_home
from handlers.payload import view


def open_volunteer_modal_from_menu(bot: BotContext, person: Person, body: dict) -> Outcome:
    return open_volunteer_modal(bot, person)


def check_volunteer_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: field errors keep the modal open with them; a valid form closes it."""
    errors = volunteer_form_errors(bot, view(body))
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def save_volunteer_submission(bot: BotContext, person: Person, body: dict) -> Outcome:
    return save_volunteer_profile(bot, person, view(body))


def _in_place(outcome: Outcome, body: dict) -> Outcome:
    """The refreshed menu replaces the clicked one; on the Home tab the refreshed Home says it all."""
    if clicked_on_home(body):
        return dataclasses.replace(outcome, reply=None)
    return dataclasses.replace(outcome, replace_original=True)


def answer_pause_button(bot: BotContext, person: Person, body: dict) -> Outcome:
    return _in_place(pause_mentoring(bot, person), body)


def answer_resume_button(bot: BotContext, person: Person, body: dict) -> Outcome:
    return _in_place(resume_mentoring(bot, person), body)


def register(app: App, bot: BotContext) -> None:
    app.action(ids.OPEN_VOLUNTEER_MODAL)(in_background(bot, open_volunteer_modal_from_menu))
    app.view(ids.VOLUNTEER_VIEW)(
        in_background(bot, save_volunteer_submission, check=check_volunteer_submission)
    )
    app.action(ids.PAUSE_MENTORING)(in_background(bot, answer_pause_button))
    app.action(ids.RESUME_MENTORING)(in_background(bot, answer_resume_button))
