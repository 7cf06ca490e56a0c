"""Data rights: `/mentor privacy`, its Export and Delete buttons, the delete confirmation, and the admins'
`/mentor admin privacy @someone export|delete` (routed here by `handlers.admin`)."""

from __future__ import annotations

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.members import Person, identify
from bot.privacy import (
    admin_privacy_command,
    confirmed_erasure,
    delete_confirmation_for,
    export_member_data,
    privacy_overview_for,
)
from handlers.background import in_background


def privacy_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    """`/mentor privacy` (or `confidentialite`): what is stored and why, with Export and Delete."""
    respond(**privacy_overview_for(bot, person).as_kwargs())


def admin_privacy_subcommand(
    bot: BotContext, person: Person, body: dict, client: WebClient, respond: Respond, rest: str
) -> None:
    """`/mentor admin privacy @someone export|delete`."""
    answer = admin_privacy_command(bot, person, rest, body["trigger_id"])
    if answer is not None:
        respond(**answer.as_kwargs())


def export_clicked(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    answer = export_member_data(bot, person)
    if respond is not None:
        respond(replace_original=False, **answer.as_kwargs())
    else:
        client.chat_postMessage(channel=person.user_id, **answer.as_kwargs())


def delete_clicked(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    """Open the confirmation first thing: the trigger_id dies 3 s after the click. The button's value is
    ignored: this button only ever erases the data of whoever clicks it."""
    view = delete_confirmation_for(bot, body["team"]["id"], body["user"]["id"], None)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def deletion_confirmed(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    user_id = body["user"]["id"]
    subject = str(body["view"].get("private_metadata") or "").strip() or None
    answer = confirmed_erasure(bot, body["team"]["id"], user_id, subject)
    if answer is not None:
        client.chat_postMessage(channel=user_id, **answer.as_kwargs())


def register(app: App, bot: BotContext) -> None:
    app.action(ids.PRIVACY_EXPORT)(in_background(bot, export_clicked))
    app.action(ids.PRIVACY_DELETE)(in_background(bot, delete_clicked))
    app.view(ids.PRIVACY_DELETE_VIEW)(in_background(bot, deletion_confirmed))
