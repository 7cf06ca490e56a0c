"""The /mentor menu, the help and the "who are you?" question."""

from __future__ import annotations

from bot import ids
from bot.i18n import t
from bot.messages.kit import Message, button, buttons, escape, mention, message, section
from storage.models import Role


def role_question(locale: str) -> Message:
    return message(
        t(locale, "role.question"),
        [
            section(t(locale, "role.question")),
            buttons(
                button(t(locale, "role.student"), ids.CHOOSE_ROLE_STUDENT, "student"),
                button(t(locale, "role.alumnus"), ids.CHOOSE_ROLE_ALUMNUS, "alumnus"),
            ),
        ],
    )


def help_message(locale: str, not_understood: str | None = None) -> Message:
    blocks = []
    if not_understood is not None:
        # Echoed back to its author only, but escaped all the same: it is still typed text.
        blocks.append(section(t(locale, "help.not_understood", text=escape(not_understood[:200]))))
    blocks += [
        section(t(locale, "help.title")),
        section(t(locale, "help.student")),
        section(t(locale, "help.alumnus")),
        section(t(locale, "help.commands")),
    ]
    return message(t(locale, "help.title"), blocks)


def menu(locale: str, user_id: str, role: Role, *, is_mentor: bool, paused: bool) -> Message:
    """The ephemeral menu of `/mentor`, fitted to the person's role and mentor status."""
    greeting = t(locale, "menu.greeting", name=mention(user_id))
    if role is Role.STUDENT:
        choices = [
            button(t(locale, "menu.find_mentor"), ids.OPEN_REQUEST_MODAL, style="primary"),
            button(t(locale, "menu.meet_mentors"), ids.OPEN_DIRECTORY),
            button(t(locale, "menu.my_mentorship"), ids.SHOW_STATUS),
        ]
    elif not is_mentor:
        choices = [button(t(locale, "menu.become_mentor"), ids.OPEN_VOLUNTEER_MODAL, style="primary")]
    else:
        availability = (
            button(t(locale, "menu.resume"), ids.RESUME_MENTORING)
            if paused
            else button(t(locale, "menu.pause"), ids.PAUSE_MENTORING)
        )
        choices = [
            button(t(locale, "menu.edit_profile"), ids.OPEN_VOLUNTEER_MODAL),
            availability,
            button(t(locale, "menu.my_mentees"), ids.SHOW_STATUS),
        ]
    choices.append(button(t(locale, "menu.help"), ids.SHOW_HELP))
    return message(greeting, [section(greeting), buttons(*choices)])
