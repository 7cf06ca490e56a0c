"""Admin tools for people's roles: `/mentor admin role @someone student|alumnus`.

A member picks their role once; only an admin (workspace admin or owner, or listed in `MENTORBOT_ADMINS`)
corrects it afterwards. Every change is kept in the settings audit trail (`setting = "role:<user id>"`).
"""

from __future__ import annotations

import logging
import re

from bot.context import BotContext
from bot.members import Person, role_named
from bot.messages import admin_roles as admin_messages
from bot.messages.kit import Message
from storage.models import Role, SettingsChange
from storage.queries.members import get_or_create_member

logger = logging.getLogger(__name__)

# With `should_escape: true`, Slack sends a mention as <@U123|name> (or <@U123> for newer clients).
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def parse_role_arguments(text: str) -> tuple[str, Role] | None:
    """`<@U123|name> student` → ("U123", Role.STUDENT); None when the text is not that."""
    words = text.split()
    if len(words) != 2:
        return None
    mention, role_word = words
    match = _MENTION.match(mention)
    role = role_named(role_word)
    if match is None or role is None:
        return None
    return match.group(1), role


def admin_command(bot: BotContext, person: Person, text: str) -> Message:
    """`/mentor admin [role …]`: only for admins; anyone else is refused, and the attempt logged."""
    word, _, rest = text.strip().partition(" ")
    if not person.is_admin:
        logger.warning("non-admin %s tried /mentor admin %s", person.user_id, word.lower()[:20])
        return admin_messages.admins_only(person.locale)
    if word.lower() == "role":
        parsed = parse_role_arguments(rest)
        if parsed is None:
            return admin_messages.role_usage(person.locale)
        return set_role(bot, person, *parsed)
    return admin_messages.admin_help(person.locale)


def set_role(bot: BotContext, admin: Person, user_id: str, role: Role) -> Message:
    """Set the role of `user_id` (created if the bot has not met them yet) and record who changed it."""
    if not admin.is_admin:  # the caller checked; this function is also reachable from elsewhere
        logger.warning("non-admin %s tried to set a role", admin.user_id)
        return admin_messages.admins_only(admin.locale)
    with bot.sessions.begin() as session:
        member = get_or_create_member(session, admin.team_id, user_id)
        old = Role(member.role) if member.role else None
        if old != role:
            member.role = role
            session.add(
                SettingsChange(
                    team_id=admin.team_id,
                    changed_by=admin.user_id,
                    changed_at=bot.clock.now(),
                    setting=f"role:{user_id}",
                    old_value=old.value if old else None,
                    new_value=role.value,
                )
            )
    if old != role:
        logger.info("admin %s set the role of %s: %s -> %s", admin.user_id, user_id, old, role)
    return admin_messages.role_set(admin.locale, user_id, old, role)
