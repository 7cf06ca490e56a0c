"""The App Home tab: the menu's actions, the person's standing, and the sections other features add."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, PlainTextObject

from bot.i18n import t
from bot.messages import menu as menu_messages
from bot.messages.kit import AnyBlock, home, note
from bot.messages.status import PersonStatus, status_blocks


def home_view(
    locale: str,
    status: PersonStatus,
    extra_sections: Sequence[Sequence[AnyBlock]] = (),
    guide: Sequence[AnyBlock] = (),
) -> dict:
    """The Home of one person. `extra_sections` come from other features (follow-ups, charter…), each
    shown after a divider, in the order given; empty ones are left out. `guide`, an admin's first
    set-up, comes first, before the person's own standing (an installer may have no role yet)."""
    blocks: list[AnyBlock] = [HeaderBlock(text=PlainTextObject(text=t(locale, "home.title"))), *guide]
    if status.role is None:
        # A member without a role answers the who-are-you question first, here as in /mentor.
        blocks += Block.parse_all(menu_messages.role_question(locale).blocks)
        return home(blocks)
    menu = menu_messages.menu(
        locale,
        status.user_id,
        status.role,
        is_mentor=status.mentor is not None,
        paused=bool(status.mentor and status.mentor.paused),
    )
    blocks += Block.parse_all(menu.blocks)
    blocks.append(DividerBlock())
    blocks += status_blocks(locale, status)
    for extra in extra_sections:
        if extra:
            blocks.append(DividerBlock())
            blocks += extra
    blocks.append(note(t(locale, "home.footer")))
    return home(blocks)
