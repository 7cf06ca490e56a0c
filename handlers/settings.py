"""`/mentoring-stats settings`, its edit buttons and modals, and the recruiting campaign's buttons.

Every button and submission re-checks that the person is an admin (`bot.settings`, `bot.recruiting`):
a forged click or submission by anyone else is refused and logged.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.members import Person, identify
from bot.messages.kit import Message
from bot.recruiting import decline_invitation, start_campaign
from bot.settings import (
    Which,
    cadences_form_errors,
    charter_form_errors,
    save_cadences,
    save_charter,
    save_topics,
    settings_modal,
    show_settings,
    topics_form_errors,
)
from handlers.background import in_background

_MODAL_OF_BUTTON = {
    ids.OPEN_CHARTER_MODAL: Which.CHARTER,
    ids.OPEN_TOPICS_MODAL: Which.TOPICS,
    ids.OPEN_CADENCES_MODAL: Which.CADENCES,
}
_SAVE_OF_VIEW: dict[str, Callable[[BotContext, str, str, dict], Message]] = {
    ids.CHARTER_VIEW: save_charter,
    ids.TOPICS_VIEW: save_topics,
    ids.CADENCES_VIEW: save_cadences,
}


def settings_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    """`/mentoring-stats settings`: the overview, answered to the admin alone."""
    respond(**show_settings(bot, person).as_kwargs())


def open_settings_modal(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    modal_or_refusal = settings_modal(bot, person, _MODAL_OF_BUTTON[body["actions"][0]["action_id"]])
    if isinstance(modal_or_refusal, Message):
        _answer(client, respond, person, modal_or_refusal)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=modal_or_refusal)


def check_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: field errors keep the modal open with them; a valid form closes it."""
    view = body["view"]
    callback_id = view["callback_id"]
    if callback_id == ids.CHARTER_VIEW:
        errors = charter_form_errors(view)
    elif callback_id == ids.TOPICS_VIEW:
        errors = topics_form_errors(bot, body["team"]["id"], view)
    else:
        errors = cadences_form_errors(view)
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def save_submission(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    save = _SAVE_OF_VIEW[body["view"]["callback_id"]]
    answer = save(bot, body["team"]["id"], body["user"]["id"], body["view"])
    client.chat_postMessage(channel=body["user"]["id"], **answer.as_kwargs())


def answer_recruiting_click(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    _answer(client, respond, person, start_campaign(bot, person))


def answer_not_now(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    value = str(body["actions"][0].get("value") or "")
    updated, refusal = decline_invitation(bot, person, int(value) if value.isdigit() else 0)
    if updated is not None:
        respond(replace_original=True, **updated.as_kwargs())
    elif refusal is not None:
        respond(replace_original=False, **refusal.as_kwargs())


def _answer(client: WebClient, respond: Respond | None, person: Person, answer: Message) -> None:
    """Beside the clicked message, or in the person's DM when the click came from a view."""
    if respond is not None:
        respond(replace_original=False, **answer.as_kwargs())
    else:
        client.chat_postMessage(channel=person.user_id, **answer.as_kwargs())


def register(app: App, bot: BotContext) -> None:
    for action_id in _MODAL_OF_BUTTON:
        app.action(action_id)(in_background(bot, open_settings_modal))
    for callback_id in _SAVE_OF_VIEW:
        app.view(callback_id)(in_background(bot, save_submission, check=check_submission))
    app.action(ids.START_RECRUITING)(in_background(bot, answer_recruiting_click))
    app.action(ids.RECRUITING_NOT_NOW)(in_background(bot, answer_not_now))
