"""Ending a mentorship: the End button opens a confirmation modal; its submission ends it."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.i18n import t
from bot.members import Person, stored_locale
from bot.mentorships import end_mentorship, end_modal_for
from bot.messages.mentorships import MAX_REASON_LENGTH
from bot.outcome import Outcome
from handlers.background import in_background
from handlers.payload import clicked_id, input_value, team_and_user, view_metadata_id


def _reason(body: dict) -> str:
    return input_value(body, ids.END_REASON_INPUT) or ""


def open_end_modal(bot: BotContext, person: Person, body: dict) -> Outcome:
    return end_modal_for(bot, person, clicked_id(body))  # first thing: the trigger_id dies after 3 s


def check_end_submission(bot: BotContext, ack: Ack, body: dict) -> bool:
    """Ack-stage: Slack's max_length already holds the reason to 500; a forged longer one is refused."""
    if len(_reason(body)) > MAX_REASON_LENGTH:
        team_id, user_id = team_and_user(body)
        locale = stored_locale(bot, team_id or "", user_id or "")
        ack(response_action="errors", errors={ids.END_REASON_INPUT: t(locale, "end.reason_too_long")})
        return False
    ack()
    return True


def answer_end_submission(bot: BotContext, person: Person, body: dict) -> Outcome:
    return end_mentorship(bot, person, view_metadata_id(body), _reason(body))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.END_MENTORSHIP)(in_background(bot, open_end_modal))
    app.view(ids.END_MENTORSHIP_VIEW)(in_background(bot, answer_end_submission, check=check_end_submission))
