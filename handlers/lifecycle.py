"""The workspace leaving: the app uninstalled (`app_uninstalled`), or its bot token revoked
(`tokens_revoked`), which is an uninstall too. Slack sends both events without asking for a token."""

from __future__ import annotations

from slack_bolt import App

from bot.context import BotContext
from bot.lifecycle import workspace_left
from bot.outcome import NOTHING, Outcome
from handlers.background import event_in_background


def _team_of(body: dict) -> str | None:
    team_id = body.get("team_id")
    return team_id if isinstance(team_id, str) and team_id else None


def answer_app_uninstalled(bot: BotContext, body: dict) -> Outcome:
    team_id = _team_of(body)
    return workspace_left(bot, team_id, "app_uninstalled") if team_id else NOTHING


def answer_tokens_revoked(bot: BotContext, body: dict) -> Outcome:
    """Only the bot token matters: a user token revoked alone (the bot asks for none) leaves the bot as
    it was. `tokens.bot` lists the user ids whose bot tokens went, never the tokens."""
    team_id = _team_of(body)
    tokens = (body.get("event") or {}).get("tokens")
    revoked_bot = isinstance(tokens, dict) and bool(tokens.get("bot"))
    return workspace_left(bot, team_id, "tokens_revoked") if team_id and revoked_bot else NOTHING


def register(app: App, bot: BotContext) -> None:
    app.event("app_uninstalled")(event_in_background(bot, answer_app_uninstalled))
    app.event("tokens_revoked")(event_in_background(bot, answer_tokens_revoked))
