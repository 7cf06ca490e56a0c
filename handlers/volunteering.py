"""Alumni volunteering: the menu's "Become a mentor" / "Edit my profile" button, the volunteer modal's
submission, and the pause / resume buttons.

The buttons are in the /mentor menu (answered through its response_url) and on the Home tab (which has
none: `bot.volunteering` re-publishes the Home after every change, so there is nothing more to send).
"""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.members import Person, identify
from bot.volunteering import (
    open_volunteer_modal,
    pause_mentoring,
    resume_mentoring,
    save_volunteer_profile,
    volunteer_form_errors,
)
from handlers.background import in_background


def open_volunteer_modal_from_menu(
    bot: BotContext, body: dict, client: WebClient, respond: Respond | None
) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    answer = open_volunteer_modal(bot, person, body["trigger_id"])
    if answer is not None and respond is not None:
        respond(**answer.as_kwargs())
    elif answer is not None:  # clicked on the Home tab
        client.chat_postMessage(channel=person.user_id, **answer.as_kwargs())


def volunteer_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    """`/mentor volunteer`: the volunteer modal, or why this person cannot volunteer."""
    answer = open_volunteer_modal(bot, person, body["trigger_id"])
    if answer is not None:
        respond(**answer.as_kwargs())


def pause_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    """`/mentor pause`."""
    respond(**pause_mentoring(bot, person).as_kwargs())


def resume_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    """`/mentor resume`."""
    respond(**resume_mentoring(bot, person).as_kwargs())


def check_volunteer_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: field errors keep the modal open with them; a valid form closes it."""
    errors = volunteer_form_errors(bot, body["view"])
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def save_volunteer_submission(
    bot: BotContext, body: dict, client: WebClient, respond: Respond | None
) -> None:
    save_volunteer_profile(bot, body["team"]["id"], body["user"]["id"], body["view"])


def answer_pause_button(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    answer = pause_mentoring(bot, person)
    if respond is not None:
        respond(replace_original=True, **answer.as_kwargs())


def answer_resume_button(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    answer = resume_mentoring(bot, person)
    if respond is not None:
        respond(replace_original=True, **answer.as_kwargs())


def register(app: App, bot: BotContext) -> None:
    app.action(ids.OPEN_VOLUNTEER_MODAL)(in_background(bot, open_volunteer_modal_from_menu))
    app.view(ids.VOLUNTEER_VIEW)(
        in_background(bot, save_volunteer_submission, check=check_volunteer_submission)
    )
    app.action(ids.PAUSE_MENTORING)(in_background(bot, answer_pause_button))
    app.action(ids.RESUME_MENTORING)(in_background(bot, answer_resume_button))
