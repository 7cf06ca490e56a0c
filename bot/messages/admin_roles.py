"""What `/mentor admin` answers: the admin help, a role change, its refusals."""

from __future__ import annotations

from bot.i18n import t
from bot.messages.kit import Message, mention, message, section
from storage.models import Role


def admin_help(locale: str) -> Message:
    text = t(locale, "admin.help_title")
    return message(
        text,
        [
            section(text),
            section(t(locale, "admin.help_role")),
            section(t(locale, "admin.help_stats")),
            section(t(locale, "privacy.help_admin")),
        ],
    )


def admins_only(locale: str) -> Message:
    text = t(locale, "common.admins_only")
    return message(text, [section(text)])


def role_usage(locale: str) -> Message:
    text = t(locale, "admin.role_usage")
    return message(text, [section(text)])


def role_set(locale: str, user_id: str, old: Role | None, new: Role) -> Message:
    if old == new:
        text = t(
            locale, "admin.role_unchanged", name=mention(user_id), role=t(locale, f"admin.role_{new.value}")
        )
    else:
        text = t(locale, "admin.role_set", name=mention(user_id), role=t(locale, f"admin.role_{new.value}"))
    return message(text, [section(text)])
