"""Ending a mentorship: the modal that asks for confirmation, and what each side is told.

The reason a person gives is kept for the programme's admins only. The other side learns who ended the
mentorship, never why: a student's reason ("I felt uneasy") must not reach the mentor, and a mentor's
("too busy at work") is better said by them than relayed by a bot. The modal says so before anyone writes.
"""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject

from bot import ids
from bot.i18n import t
from bot.messages.kit import AnyBlock, Message, button, buttons, mention, message, modal, note, section

MAX_REASON_LENGTH = 500


def end_modal(locale: str, mentorship_id: int, other_user_id: str | None) -> dict:
    """Asks to confirm the end, with an optional private reason; private_metadata is the mentorship id."""
    other = mention(other_user_id) if other_user_id else t(locale, "status.someone_left")
    return modal(
        callback_id=ids.END_MENTORSHIP_VIEW,
        title=t(locale, "end.modal_title"),
        submit=t(locale, "end.modal_submit"),
        close=t(locale, "end.modal_cancel"),
        private_metadata=str(mentorship_id),
        blocks=[
            section(t(locale, "end.modal_question", name=other)),
            InputBlock(
                block_id=ids.END_REASON_INPUT,
                label=PlainTextObject(text=t(locale, "end.reason_label")),
                element=PlainTextInputElement(
                    action_id=ids.END_REASON_INPUT, multiline=True, max_length=MAX_REASON_LENGTH
                ),
                hint=PlainTextObject(text=t(locale, "end.reason_hint")),
                optional=True,
            ),
            note(t(locale, "end.privacy_note", name=other)),
        ],
    )


def end_unavailable_modal(locale: str) -> dict:
    """Shown instead of the confirmation when the mentorship has already ended or is not the person's."""
    return modal(
        callback_id=ids.END_MENTORSHIP_VIEW,
        title=t(locale, "end.modal_title"),
        close=t(locale, "end.modal_close"),
        blocks=[section(t(locale, "end.unavailable"))],
    )


def ended_for_ender(locale: str, other_user_id: str | None, *, ender_is_student: bool) -> Message:
    """The confirmation to whoever ended it; a student is also offered a new mentor."""
    other = mention(other_user_id) if other_user_id else t(locale, "status.someone_left")
    text = t(locale, "end.done", name=other)
    blocks = [section(text), section(t(locale, "end.thanks"))]
    if ender_is_student:
        blocks += _new_mentor_offer(locale)
    return message(text, blocks)


def ended_for_other_side(locale: str, ender_user_id: str, *, recipient_is_student: bool) -> Message:
    """The kind notice to the other member of the pair: who ended it, not why."""
    text = t(locale, "end.notice", name=mention(ender_user_id))
    blocks = [section(text), section(t(locale, "end.notice_kind"))]
    if recipient_is_student:
        blocks += _new_mentor_offer(locale)
    return message(text, blocks)


def end_refused(locale: str, *, already_ended: bool) -> Message:
    text = t(locale, "end.already_ended") if already_ended else t(locale, "common.not_for_you")
    return message(text, [section(text)])


def _new_mentor_offer(locale: str) -> list[AnyBlock]:
    return [
        section(t(locale, "end.new_mentor")),
        buttons(button(t(locale, "menu.find_mentor"), ids.OPEN_REQUEST_MODAL, style="primary")),
    ]


def partner_deactivated(locale: str, partner_user_id: str, mentorship_id: int) -> Message:
    """To the other member of a pair whose account Slack deactivated: kindly, with a way to close."""
    text = t(locale, "end.partner_deactivated", name=mention(partner_user_id))
    return message(
        text,
        [
            section(text),
            section(t(locale, "end.partner_deactivated_next")),
            buttons(button(t(locale, "status.end_button"), ids.END_MENTORSHIP, value=str(mentorship_id))),
        ],
    )
