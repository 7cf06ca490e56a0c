"""The student's side: the request modal (from the menu), its submission, the mentor search box, cancel."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.members import Person, identify
from bot.requests import cancel_request, read_request_form, start_request, submit_request, suggest_mentors
from handlers.background import in_background


def clicked_id(body: dict) -> int:
    """The id a button carries; 0 (which matches nothing) for a value that is not one."""
    value = str(body["actions"][0].get("value") or "")
    return int(value) if value.isdigit() else 0


def request_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    """`/mentor request`: the request modal, or why not."""
    answer = start_request(bot, person, body["trigger_id"])
    if answer is not None:
        respond(**answer.as_kwargs())


def open_request_from_menu(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    """The menu's "Find a mentor", from a message (answered through respond) or the Home tab (by DM)."""
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    answer = start_request(bot, person, body["trigger_id"])
    if answer is None:
        return
    if respond is not None:
        respond(**answer.as_kwargs())
    else:
        client.chat_postMessage(channel=person.user_id, **answer.as_kwargs())


def check_request_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: field errors keep the modal open; a valid form closes it and the work follows."""
    errors = read_request_form(body["view"], bot.config.default_locale).errors()
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def create_submitted_request(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    user_id = body["user"]["id"]
    answer = submit_request(bot, body["team"]["id"], user_id, body["view"])
    if answer is not None:
        client.chat_postMessage(channel=user_id, **answer.as_kwargs())


def search_mentors(bot: BotContext, ack: Callable[..., None], body: dict) -> None:
    """Options for the "specific mentor" box, answered within the ack as Slack requires."""
    ack(options=suggest_mentors(bot, body["team"]["id"], body["user"]["id"], body.get("value") or ""))


def cancel_open_request(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    respond(**cancel_request(bot, person, clicked_id(body)).as_kwargs())


def register(app: App, bot: BotContext) -> None:
    app.action(ids.OPEN_REQUEST_MODAL)(in_background(bot, open_request_from_menu))
    app.view(ids.REQUEST_VIEW)(in_background(bot, create_submitted_request, check=check_request_submission))
    app.options(ids.PREFERRED_MENTOR_SELECT)(partial(search_mentors, bot))
    app.action(ids.CANCEL_REQUEST)(in_background(bot, cancel_open_request))
