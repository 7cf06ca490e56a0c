"""Ending a mentorship: the End button opens a confirmation modal; its submission ends it."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.i18n import t
from bot.members import identify
from bot.mentorships import EndOutcome, end_mentorship, end_modal_for, end_refusal, locale_of
from bot.messages.mentorships import MAX_REASON_LENGTH
from handlers.background import in_background


def _mentorship_id(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0  # 0 matches no mentorship: refused like a forgery


def _reason(body: dict) -> str:
    state = body["view"]["state"]["values"].get(ids.END_REASON_INPUT, {}).get(ids.END_REASON_INPUT, {})
    return state.get("value") or ""


def open_end_modal(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    # First thing: the trigger_id dies 3 s after the click.
    mentorship_id = _mentorship_id(body["actions"][0].get("value"))
    view = end_modal_for(bot, body["team"]["id"], body["user"]["id"], mentorship_id)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_end_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """Ack-stage: Slack's max_length already holds the reason to 500; a forged longer one is refused."""
    if len(_reason(body)) > MAX_REASON_LENGTH:
        locale = locale_of(bot, body["team"]["id"], body["user"]["id"])
        ack(response_action="errors", errors={ids.END_REASON_INPUT: t(locale, "end.reason_too_long")})
        return False
    ack()
    return True


def answer_end_submission(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    mentorship_id = _mentorship_id(body["view"].get("private_metadata"))
    outcome = end_mentorship(bot, person, mentorship_id, _reason(body))
    if outcome is not EndOutcome.ENDED:
        client.chat_postMessage(channel=person.user_id, **end_refusal(person, outcome).as_kwargs())


def register(app: App, bot: BotContext) -> None:
    app.action(ids.END_MENTORSHIP)(in_background(bot, open_end_modal))
    app.view(ids.END_MENTORSHIP_VIEW)(in_background(bot, answer_end_submission, check=check_end_submission))
