"""The student's side: the request modal (from the menu), its submission, the mentor search box, cancel."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.members import Person
from bot.outcome import Outcome
from bot.requests import cancel_request, read_request_form, start_request, submit_request, suggest_mentors
from handlers.background import in_background
from handlers.payload import clicked_id, team_and_user, view


def open_request_from_menu(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The menu's "Find a mentor", from a message or the Home tab."""
    return start_request(bot, person)


def check_request_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: field errors keep the modal open; a valid form closes it and the work follows."""
    errors = read_request_form(view(body), bot.config.default_locale).errors()
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def create_submitted_request(bot: BotContext, person: Person, body: dict) -> Outcome:
    return submit_request(bot, person, view(body))


def search_mentors(bot: BotContext, ack: Callable[..., None], body: dict) -> None:
    """Options for the "specific mentor" box, answered within the ack as Slack requires."""
    team_id, user_id = team_and_user(body)
    typed = str(body.get("value") or "")
    ack(options=suggest_mentors(bot, team_id or "", user_id or "", typed))


def cancel_open_request(bot: BotContext, person: Person, body: dict) -> Outcome:
    return cancel_request(bot, person, clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.OPEN_REQUEST_MODAL)(in_background(bot, open_request_from_menu))
    app.view(ids.REQUEST_VIEW)(in_background(bot, create_submitted_request, check=check_request_submission))
    app.options(ids.PREFERRED_MENTOR_SELECT)(partial(search_mentors, bot))
    app.action(ids.CANCEL_REQUEST)(in_background(bot, cancel_open_request))
