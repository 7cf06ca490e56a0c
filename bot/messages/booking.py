"""A meeting booked in the bot: the modal proposing times, the proposal with a button per time, the
booking, its cancellation. Times are Slack's `<!date^…>` tokens, which Slack shows in each reader's own
time zone and language; the fallback (older clients, notifications) is written in the reader's zone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import (
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextObject,
    RadioButtonsElement,
)

from bot import ids
from bot.i18n import t
from bot.messages.kit import (
    AnyBlock,
    Message,
    button,
    buttons,
    escape,
    mention,
    message,
    modal,
    note,
    section,
)

MODES = ("video", "in_person", "phone")
MAX_SLOTS = 3
SLOT_INPUTS = (ids.BOOKING_SLOT_1, ids.BOOKING_SLOT_2, ids.BOOKING_SLOT_3)
PICK_BUTTONS = (ids.BOOKING_PICK_1, ids.BOOKING_PICK_2, ids.BOOKING_PICK_3)
LINK_OF_SCHOOL = "school"
LINK_OF_MENTOR = "mentor"
LINK_MAX_LENGTH = 500


def valid_link(text: str | None) -> str | None:
    """What a video-link field accepts (the mentor's, the school's): a web address, else None."""
    text = (text or "").strip()
    if (
        len(text) > LINK_MAX_LENGTH
        or not text.startswith(("https://", "http://"))
        or any(c.isspace() for c in text)
    ):
        return None
    return text


@dataclass(frozen=True)
class Meeting:
    """How a booked (or proposed) meeting happens: its mode, and by video its link (None: a huddle)."""

    mode: str
    link: str | None = None


def _zone(tz_name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(tz_name) if tz_name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def slot_text(locale: str, moment: datetime, tz_name: str | None) -> str:
    """A meeting time as Slack shows it to the reader ("Tomorrow at 2:00 PM"), with a fallback written
    in the reader's time zone when we know it."""
    zone = _zone(tz_name)
    local = moment.astimezone(zone) if zone else moment
    fallback = local.strftime("%Y-%m-%d %H:%M") + (f" ({tz_name})" if zone else " UTC")
    at = t(locale, "booking.at")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {at} {{time}}|{fallback}>"


def how_text(locale: str, meeting: Meeting, partner_user_id: str) -> str:
    """The meeting's mode, and by video where: the link (escaped: someone typed it) or a huddle."""
    mode = t(locale, f"booking.modes.{meeting.mode}")
    if meeting.mode != "video":
        return t(locale, "booking.how", mode=mode)
    if meeting.link:
        return t(locale, "booking.how_link", mode=mode, link=escape(meeting.link))
    return t(locale, "booking.how_huddle", mode=mode, partner=mention(partner_user_id))


# ------------------------------------------------------------------------------------------------------
# The modal


def booking_modal(
    locale: str, *, metadata: str, partner_user_id: str, school_link: str | None, mentor_link: str | None
) -> dict:
    """Up to three times (the first required), a mode, and for video whose link: the school's default
    (its link, or a Slack huddle when it set none) or the mentor's own when they gave one."""
    blocks: list[AnyBlock] = [section(t(locale, "booking.modal.intro", partner=mention(partner_user_id)))]
    for number, input_id in enumerate(SLOT_INPUTS, start=1):
        blocks.append(
            InputBlock(
                block_id=input_id,
                label=PlainTextObject(text=t(locale, "booking.modal.slot", number=number)),
                optional=number > 1,
                element=DateTimePickerElement(action_id=input_id),
            )
        )
    mode_options = [Option(value=mode, label=t(locale, f"booking.modes.{mode}")) for mode in MODES]
    blocks.append(
        InputBlock(
            block_id=ids.BOOKING_MODE,
            label=PlainTextObject(text=t(locale, "booking.modal.mode")),
            element=RadioButtonsElement(
                action_id=ids.BOOKING_MODE, options=mode_options, initial_option=mode_options[0]
            ),
        )
    )
    school = t(locale, "booking.modal.link_school" if school_link else "booking.modal.link_huddle")
    link_options = [Option(value=LINK_OF_SCHOOL, label=school)]
    if mentor_link:
        link_options.append(Option(value=LINK_OF_MENTOR, label=t(locale, "booking.modal.link_mentor")))
    blocks.append(
        InputBlock(
            block_id=ids.BOOKING_LINK,
            label=PlainTextObject(text=t(locale, "booking.modal.link")),
            hint=PlainTextObject(text=t(locale, "booking.modal.link_hint")),
            optional=True,
            element=RadioButtonsElement(
                action_id=ids.BOOKING_LINK, options=link_options, initial_option=link_options[0]
            ),
        )
    )
    return modal(
        callback_id=ids.BOOKING_VIEW,
        title=t(locale, "booking.modal.title"),
        submit=t(locale, "booking.modal.submit"),
        close=t(locale, "booking.modal.close"),
        private_metadata=metadata,
        blocks=blocks,
    )


# ------------------------------------------------------------------------------------------------------
# Messages


def proposal(
    locale: str,
    *,
    booking_id: int,
    proposer_user_id: str,
    slots: Sequence[datetime],
    tz_name: str | None,
    meeting: Meeting,
) -> Message:
    """To the one who picks: a button per proposed time, and "none of these"."""
    proposer = mention(proposer_user_id)
    title = t(locale, "booking.proposal.text", proposer=proposer)
    blocks: list[AnyBlock] = [section(title), section(how_text(locale, meeting, proposer_user_id))]
    for slot, action_id in zip(slots[:MAX_SLOTS], PICK_BUTTONS, strict=False):
        blocks.append(
            {
                **section(slot_text(locale, slot, tz_name)),
                "accessory": button(
                    t(locale, "booking.proposal.pick"), action_id, str(booking_id), "primary"
                ),
            }
        )
    blocks.append(
        buttons(button(t(locale, "booking.proposal.none_fit"), ids.BOOKING_NONE_FIT, str(booking_id)))
    )
    return message(title, blocks)


def proposal_sent(
    locale: str, *, partner_user_id: str, slots: Sequence[datetime], tz_name: str | None
) -> Message:
    text = t(locale, "booking.sent", partner=mention(partner_user_id))
    times = "\n".join(f"• {slot_text(locale, slot, tz_name)}" for slot in slots[:MAX_SLOTS])
    return message(text, [section(text), section(times)])


def booked(
    locale: str,
    *,
    booking_id: int,
    partner_user_id: str,
    starts_at: datetime,
    tz_name: str | None,
    meeting: Meeting,
    invitation_attached: bool = True,
) -> Message:
    """The meeting as booked, to each of the pair, with Reschedule and Cancel."""
    when = slot_text(locale, starts_at, tz_name)
    text = t(locale, "booking.booked", partner=mention(partner_user_id), when=when)
    blocks: list[AnyBlock] = [section(text), section(how_text(locale, meeting, partner_user_id))]
    blocks.append(
        note(t(locale, "booking.invitation" if invitation_attached else "booking.invitation_failed"))
    )
    blocks.append(
        buttons(
            button(t(locale, "booking.reschedule"), ids.BOOKING_RESCHEDULE, str(booking_id)),
            button(t(locale, "booking.cancel"), ids.BOOKING_CANCEL, str(booking_id), "danger"),
        )
    )
    return message(text, blocks)


def none_fit_for_proposer(locale: str, *, partner_user_id: str, mentorship_id: int) -> Message:
    """Kindly: none of the times suited; propose others."""
    text = t(locale, "booking.none_fit.proposer", partner=mention(partner_user_id))
    return message(
        text,
        [
            section(text),
            buttons(button(t(locale, "booking.propose"), ids.BOOKING_PROPOSE, str(mentorship_id), "primary")),
        ],
    )


def none_fit_answered(locale: str, *, proposer_user_id: str) -> Message:
    text = t(locale, "booking.none_fit.picker", proposer=mention(proposer_user_id))
    return message(text, [section(text)])


def cancelled(
    locale: str, *, by_user_id: str | None, starts_at: datetime | None, tz_name: str | None
) -> Message:
    """The meeting is off: to the one who cancelled (`by_user_id` None) and to the other."""
    when = slot_text(locale, starts_at, tz_name) if starts_at else t(locale, "booking.no_time")
    if by_user_id is None:
        text = t(locale, "booking.cancelled.you", when=when)
    else:
        text = t(locale, "booking.cancelled.other", partner=mention(by_user_id), when=when)
    return message(text, [section(text)])


def invitation_summary(locale: str, partner_name: str) -> str:
    return t(locale, "booking.ics.summary", partner=partner_name)


def refusal(locale: str, key: str) -> Message:
    text = t(locale, key)
    return message(text, [section(text)])
