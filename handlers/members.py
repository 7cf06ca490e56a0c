"""Members' Slack accounts changing: a deactivation or a reactivation (`user_change`)."""

from __future__ import annotations

from slack_bolt import App

from bot.context import BotContext
from bot.departures import member_changed
from bot.outcome import Outcome
from handlers.background import event_in_background


def answer_user_change(bot: BotContext, body: dict) -> Outcome:
    event = body.get("event") or {}
    user = event.get("user")
    team_id = body.get("team_id")
    if not isinstance(user, dict) or not isinstance(team_id, str):
        return Outcome()
    return member_changed(bot, team_id, user)


def register(app: App, bot: BotContext) -> None:
    app.event("user_change")(event_in_background(bot, answer_user_change))
