"""Telling a person, in their language, that their click or command failed on our side."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.context import BotContext
from bot.i18n import t
from storage.queries.members import find_member

logger = logging.getLogger(__name__)


def user_and_team_of(body: dict) -> tuple[str | None, str | None]:
    """The Slack user and team of any payload: slash command, interaction or event."""
    if "user_id" in body:  # slash command
        return body["user_id"], body.get("team_id")
    user = body.get("user")
    if isinstance(user, dict):  # interactions
        return user.get("id"), (body.get("team") or {}).get("id") or user.get("team_id")
    event = body.get("event") or {}
    return event.get("user"), body.get("team_id")


def apologise(bot: BotContext, client: WebClient, body: dict, key: str = "common.apology") -> None:
    """DM the person a short apology; never raises, since it runs when something already failed."""
    user_id, team_id = user_and_team_of(body)
    if not user_id:
        return
    locale = bot.config.default_locale
    try:
        with bot.sessions.begin() as session:
            member = find_member(session, team_id or "", user_id)
            if member is not None and member.locale:
                locale = member.locale
    except SQLAlchemyError:
        key = "common.try_again_later"
    try:
        client.chat_postMessage(channel=user_id, text=t(locale, key))
    except SlackApiError as error:
        logger.warning("could not apologise to a member: %s", error.response.get("error"))
