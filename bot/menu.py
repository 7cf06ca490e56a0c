"""What `/mentor` shows a person: the role question, their menu, or the help."""

from __future__ import annotations

from bot.context import BotContext
from bot.members import Person
from bot.messages import menu as menu_messages
from bot.messages.kit import Message
from storage.queries.programme import mentor_profile


def menu_for(bot: BotContext, person: Person) -> Message:
    if person.role is None:
        return menu_messages.role_question(person.locale)
    with bot.sessions.begin() as session:
        profile = mentor_profile(session, person.member_id)
        return menu_messages.menu(
            person.locale,
            person.user_id,
            person.role,
            is_mentor=profile is not None,
            paused=bool(profile and profile.paused),
        )


def help_for(person: Person, not_understood: str | None = None) -> Message:
    return menu_messages.help_message(person.locale, not_understood)
