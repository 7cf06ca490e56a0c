"""The recruiting campaign's messages: the invitation an alumnus receives, and what the admin is told."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot import ids
from bot.i18n import days, every, t, tn
from bot.messages.kit import Message, button, buttons, message, note, section


def invitation(locale: str, followup_id: int, meeting_interval_days: int, term_days: int) -> Message:
    """The invitation to volunteer, sent by the dispatcher (a follow-up of kind `recruiting_invite`): how
    often pairs meet and how long a mentorship lasts come from the school's settings."""
    text = t(
        locale,
        "recruiting.invitation",
        interval=every(locale, meeting_interval_days),
        term=days(locale, term_days),
    )
    return message(
        text,
        [
            section(text),
            buttons(
                # The menu's own button: it opens the volunteer modal wherever it is clicked.
                button(t(locale, "recruiting.become_mentor"), ids.OPEN_VOLUNTEER_MODAL, style="primary"),
                button(t(locale, "recruiting.not_now"), ids.RECRUITING_NOT_NOW, str(followup_id)),
            ),
        ],
    )


def invitation_declined(locale: str, followup_id: int, meeting_interval_days: int, term_days: int) -> Message:
    """The invitation after "Not now": its buttons gone, a thank-you, the door left open."""
    shown = invitation(locale, followup_id, meeting_interval_days, term_days)
    blocks = [block for block in Block.parse_all(shown.blocks) if block.type != "actions"]
    answer = t(locale, "recruiting.not_now_answer")
    blocks.append(note(answer))
    return message(f"{shown.text}\n{answer}", blocks)


def campaign_started(locale: str, term: str, invited: int, already: int) -> Message:
    """What the admin reads after clicking "Invite alumni to volunteer"."""
    if invited:
        text = tn(locale, "recruiting.started", invited, term=term)
    else:
        text = t(locale, "recruiting.nothing_new", term=term, already=already)
    return message(text, [section(text)])


def refusal(locale: str, key: str) -> Message:
    text = t(locale, key)
    return message(text, [section(text)])
