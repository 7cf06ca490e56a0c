"""The mentor's side of an offer (Accept, Decline and its modal) and the student's "I've contacted my
mentor" button."""

from __future__ import annotations

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.matching import accept_offer, decline_offer, open_decline_modal, record_first_contact
from bot.members import identify
from bot.messages.offers import DECLINE_REASON_BLOCK, DECLINE_REASON_INPUT
from handlers.background import in_background
from handlers.requests import clicked_id


def accept(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    respond(**accept_offer(bot, person, clicked_id(body)).as_kwargs())


def start_decline(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    """Open the decline modal first thing: its trigger_id dies 3 s after the click."""
    assert respond is not None
    refusal = open_decline_modal(
        bot, body["team"]["id"], body["user"]["id"], clicked_id(body), body["trigger_id"]
    )
    if refusal is not None:
        respond(**refusal.as_kwargs())


def finish_decline(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    view = body["view"]
    metadata = str(view.get("private_metadata") or "")
    reason = (
        ((view.get("state") or {}).get("values") or {})
        .get(DECLINE_REASON_BLOCK, {})
        .get(DECLINE_REASON_INPUT, {})
    ).get("value")
    user_id = body["user"]["id"]
    answer = decline_offer(
        bot, body["team"]["id"], user_id, int(metadata) if metadata.isdigit() else 0, reason
    )
    if answer is not None:
        client.chat_postMessage(channel=user_id, **answer.as_kwargs())


def first_contact_done(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    assert respond is not None
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    respond(**record_first_contact(bot, person, clicked_id(body)).as_kwargs())


def register(app: App, bot: BotContext) -> None:
    app.action(ids.ACCEPT_OFFER)(in_background(bot, accept))
    app.action(ids.DECLINE_OFFER)(in_background(bot, start_decline))
    # The decline happens on submission only: closing the modal leaves the offer pending, as if the
    # mentor had not clicked, and the offer's buttons stay live.
    app.view(ids.DECLINE_VIEW)(in_background(bot, finish_decline))
    app.action(ids.FIRST_CONTACT_DONE)(in_background(bot, first_contact_done))
