"""Recognition's buttons and modals: "Ask to share" and its channel picker (admins, re-checked in `bot/`),
the mentor's consent, and the school's thank-you in settings."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.members import Person
from bot.outcome import Outcome
from bot.recognition import answer_kudos, ask_kudos_consent, open_kudos_modal, save_thanks, thanks_modal
from handlers.background import in_background
from handlers.payload import clicked_action_id, clicked_id, selected_conversation, view, view_metadata_id


def open_kudos(bot: BotContext, person: Person, body: dict) -> Outcome:
    return open_kudos_modal(bot, person, clicked_id(body))


def submit_kudos(bot: BotContext, person: Person, body: dict) -> Outcome:
    return ask_kudos_consent(
        bot, person, view_metadata_id(body), selected_conversation(body, ids.KUDOS_CHANNEL) or ""
    )


def answer_consent(bot: BotContext, person: Person, body: dict) -> Outcome:
    return answer_kudos(bot, person, clicked_id(body), shared=clicked_action_id(body) == ids.KUDOS_YES)


def open_thanks(bot: BotContext, person: Person, body: dict) -> Outcome:
    return thanks_modal(bot, person)


def submit_thanks(bot: BotContext, person: Person, body: dict) -> Outcome:
    return save_thanks(bot, person, view(body))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.KUDOS_ASK)(in_background(bot, open_kudos))
    app.view(ids.KUDOS_VIEW)(in_background(bot, submit_kudos))
    app.action(ids.KUDOS_YES)(in_background(bot, answer_consent))
    app.action(ids.KUDOS_NO)(in_background(bot, answer_consent))
    app.action(ids.OPEN_THANKS_MODAL)(in_background(bot, open_thanks))
    app.view(ids.THANKS_VIEW)(in_background(bot, submit_thanks))
