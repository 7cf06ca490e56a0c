"""Telling a person, in their language, that their click or command failed on our side."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from bot.context import BotContext
from bot.i18n import t
from bot.messages.kit import Message
from bot.outcome import Notice, NoticeKind
from storage.queries.members import find_member


def apology_for(bot: BotContext, team_id: str, user_id: str) -> Notice:
    """A short apology for the person's DM; with the database away, a "try again in a minute"."""
    locale, key = bot.config.default_locale, "common.apology"
    try:
        with bot.sessions.begin() as session:
            member = find_member(session, team_id, user_id)
            if member is not None and member.locale:
                locale = member.locale
    except SQLAlchemyError:
        key = "common.try_again_later"
    return Notice(user_id=user_id, message=Message(text=t(locale, key)), kind=NoticeKind.CONFIRMATION)
