"""The follow-ups' buttons and modals: each answer is taken by `bot.followups`, which re-checks it."""

from __future__ import annotations

from slack_bolt import App, Respond
from slack_sdk import WebClient

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
from bot.members import identify
from bot.messages.kit import Message
from handlers.background import in_background


def _clicked_id(body: dict) -> int:
    value = str(body["actions"][0].get("value") or "")
    return int(value) if value.isdigit() else 0


def _view_id(body: dict) -> int:
    metadata = str(body["view"].get("private_metadata") or "")
    return int(metadata) if metadata.isdigit() else 0


def _input_value(body: dict, input_id: str) -> str | None:
    values = ((body["view"].get("state") or {}).get("values") or {}).get(input_id, {})
    return (values.get(input_id) or {}).get("value")


def answer_button(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    outcome = answer_followup(bot, person, body["actions"][0]["action_id"], _clicked_id(body))
    if outcome.modal is not None:
        client.views_open(trigger_id=body["trigger_id"], view=outcome.modal)
    if outcome.updated is not None:
        respond(replace_original=True, **outcome.updated.as_kwargs())
    elif outcome.refusal is not None:
        respond(replace_original=False, **outcome.refusal.as_kwargs())


def start_end(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    """The end button: open the modal within the trigger's 3 s; the end comes on submission."""
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    modal_or_refusal = end_modal_for_followup(bot, person, _clicked_id(body))
    if isinstance(modal_or_refusal, Message):
        respond(replace_original=False, **modal_or_refusal.as_kwargs())
    else:
        client.views_open(trigger_id=body["trigger_id"], view=modal_or_refusal)


def finish_end(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    refusal = end_from_followup(
        bot, person, _view_id(body), _input_value(body, ids.FOLLOWUP_END_REASON_INPUT)
    )
    if refusal is not None:
        client.chat_postMessage(channel=person.user_id, **refusal.as_kwargs())


def save_comment(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    save_survey_comment(bot, person, _view_id(body), _input_value(body, ids.FOLLOWUP_COMMENT_INPUT))


def snooze(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    snooze_followup(bot, person, _clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    for action_id in ANSWER_OF_ACTION:
        app.action(action_id)(in_background(bot, answer_button))
    app.action(ids.FOLLOWUP_END)(in_background(bot, start_end))
    app.view(ids.FOLLOWUP_END_VIEW)(in_background(bot, finish_end))
    app.view(ids.FOLLOWUP_COMMENT_VIEW)(in_background(bot, save_comment))
    app.action(ids.FOLLOWUP_SNOOZE)(in_background(bot, snooze))
