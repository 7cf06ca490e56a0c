"""The admins' delivery and campaign lines of the report, re-send answers, and the mentors' impact note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)

from bot import ids
from bot.i18n import catalogue, t
from bot.messages.kit import AnyBlock, Message, button, buttons, escape, mention, message, modal, section

FAILED_SHOWN = 10
ERROR_SHOWN = 200


@dataclass(frozen=True)
class FailedDelivery:
    followup_id: int
    kind: str
    recipient_user_id: str
    error: str | None


@dataclass(frozen=True)
class CampaignFigures:
    term: str
    invited: int
    delivered: int
    volunteered: int
    declined: int


@dataclass(frozen=True)
class ImpactFigures:
    """A mentor's school year so far: distinct students, meetings reported, their mentees' average rating."""

    students: int
    meetings: int
    average_rating: float | None


THANKS_SHOWN = 2000  # escaped characters of the school's text in a section (Slack's limit: 3000)


def escaped_within(user_text: str, limit: int) -> str:
    """`user_text` escaped, shortened (before escaping, so no entity is cut) to fit in `limit`."""
    shown = escape(user_text)
    while len(shown) > limit:
        user_text = user_text[: max(0, len(user_text) * limit // len(shown) - 1)]
        shown = escape(user_text) + "…"
    return shown


def kind_label(locale: str, kind: str) -> str:
    return catalogue(locale).get(f"followups.home.kinds.{kind}", kind)


def failed_deliveries(locale: str, failed: Sequence[FailedDelivery]) -> list[AnyBlock]:
    """The latest failed follow-ups, one row each with its Re-send button, then Re-send all."""
    if not failed:
        return []
    shown = list(failed)[:FAILED_SHOWN]
    blocks: list[AnyBlock] = [section(t(locale, "recognition.failed_heading", count=len(shown)))]
    for one in shown:
        row = t(
            locale,
            "recognition.failed_row",
            kind=kind_label(locale, one.kind),
            recipient=mention(one.recipient_user_id),
            error=escape((one.error or t(locale, "recognition.no_error"))[:ERROR_SHOWN]).replace("`", "'"),
        )
        blocks.append(
            section(row)
            | {
                "accessory": button(
                    t(locale, "recognition.resend"), ids.RESEND_FOLLOWUP, str(one.followup_id)
                )
            }
        )
    blocks.append(buttons(button(t(locale, "recognition.resend_all"), ids.RESEND_ALL_FOLLOWUPS, "all")))
    return blocks


def campaign_line(locale: str, campaign: CampaignFigures) -> str:
    return t(
        locale,
        "recognition.campaign",
        term=campaign.term,
        invited=campaign.invited,
        delivered=campaign.delivered,
        volunteered=campaign.volunteered,
        declined=campaign.declined,
    )


def resent(locale: str, moved: int, sent: int, failed: int, waiting: int) -> Message:
    if not moved:
        body = t(locale, "recognition.nothing_to_resend")
    else:
        body = t(locale, "recognition.resent", moved=moved, sent=sent, failed=failed, waiting=waiting)
    return message(body, [section(body)])


def rating_text(locale: str, rating: float | None) -> str:
    if rating is None:
        return t(locale, "recognition.no_rating")
    return f"{rating:.1f}/5".replace(".", t(locale, "stats.format.decimal_separator"))


def impact_note(locale: str, student_user_id: str | None, impact: ImpactFigures, thanks: str) -> Message:
    """To a mentor at a term's end (`student_user_id`: whose mentorship ended) or the school year's end
    (None): what they did this school year, and the school's thank-you (an admin's text, escaped)."""
    title = (
        t(locale, "recognition.impact_term", student=mention(student_user_id))
        if student_user_id
        else t(locale, "recognition.impact_year")
    )
    figures = t(
        locale,
        "recognition.impact_figures",
        students=impact.students,
        meetings=impact.meetings,
        rating=rating_text(locale, impact.average_rating),
    )
    return message(title, [section(title), section(figures), section(escaped_within(thanks, THANKS_SHOWN))])


def reminder_topics(locale: str, topic_labels: Sequence[str], mentors: int) -> str:
    return t(
        locale,
        "recognition.reminder_topics",
        topics=", ".join(escape(label) for label in topic_labels),
        mentors=mentors,
    )


THANKS_MAX_LENGTH = 1000


def admin_to_thank(
    locale: str, followup_id: int, mentor_user_id: str | None, impact: ImpactFigures
) -> Message:
    """To admins with each impact note: the mentor to thank, and "Ask to share" a kudos publicly."""
    text = t(
        locale,
        "recognition.admin_to_thank",
        mentor=mention(mentor_user_id) if mentor_user_id else "?",
        students=impact.students,
        meetings=impact.meetings,
        rating=rating_text(locale, impact.average_rating),
    )
    ask = button(t(locale, "recognition.ask_to_share"), ids.KUDOS_ASK, str(followup_id))
    return message(text, [section(text), buttons(ask)])


def kudos_modal(locale: str, mentor_user_id: str, followup_id: int) -> dict:
    """The admin picks the channel; `private_metadata` carries the "mentor to thank" follow-up's id."""
    return modal(
        callback_id=ids.KUDOS_VIEW,
        title=t(locale, "recognition.share_modal_title"),
        submit=t(locale, "recognition.share_modal_submit"),
        close=t(locale, "settings.cancel"),
        private_metadata=str(followup_id),
        blocks=[
            section(t(locale, "recognition.share_modal_intro", mentor=mention(mentor_user_id))),
            InputBlock(
                block_id=ids.KUDOS_CHANNEL,
                label=PlainTextObject(text=t(locale, "recognition.share_modal_channel")),
                element=ConversationSelectElement(
                    action_id=ids.KUDOS_CHANNEL,
                    filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
                ),
            ),
        ],
    )


def consent_question(locale: str, kudos_id: int, channel_id: str) -> Message:
    text = t(locale, "recognition.consent_question", channel=channel_id)
    return message(
        text,
        [
            section(text),
            buttons(
                button(t(locale, "recognition.consent_yes"), ids.KUDOS_YES, str(kudos_id), "primary"),
                button(t(locale, "recognition.consent_no"), ids.KUDOS_NO, str(kudos_id)),
            ),
        ],
    )


def consent_asked(locale: str, mentor_user_id: str, channel_id: str) -> Message:
    body = t(locale, "recognition.consent_asked", mentor=mention(mentor_user_id), channel=channel_id)
    return message(body, [section(body)])


def consent_answered(locale: str, shared: bool, channel_id: str) -> Message:
    body = (
        t(locale, "recognition.consent_shared", channel=channel_id)
        if shared
        else t(locale, "recognition.consent_declined")
    )
    return message(body, [section(body)])


def kudos_post(locale: str, mentor_user_id: str, impact: ImpactFigures, thanks: str) -> Message:
    """The public thank-you, posted only after the mentor said yes; the school's text escaped."""
    body = t(
        locale,
        "recognition.kudos_post",
        mentor=mention(mentor_user_id),
        students=impact.students,
        meetings=impact.meetings,
        thanks=escaped_within(thanks, THANKS_SHOWN),
    )
    return message(body, [section(body)])


def notice(locale: str, key: str) -> Message:
    body = t(locale, key)
    return message(body, [section(body)])


def thanks_modal(locale: str, text_fr: str, text_en: str) -> dict:
    """The school's thank-you in both languages; an empty field falls back to the bot's words."""
    return modal(
        callback_id=ids.THANKS_VIEW,
        title=t(locale, "recognition.thanks_modal_title"),
        submit=t(locale, "settings.save"),
        close=t(locale, "settings.cancel"),
        private_metadata=locale,
        blocks=[
            _thanks_input(ids.THANKS_TEXT_FR, t(locale, "recognition.thanks_fr"), text_fr, locale),
            _thanks_input(ids.THANKS_TEXT_EN, t(locale, "recognition.thanks_en"), text_en, locale),
        ],
    )


def _thanks_input(action_id: str, label: str, initial: str, locale: str) -> InputBlock:
    return InputBlock(
        block_id=action_id,
        label=PlainTextObject(text=label),
        hint=PlainTextObject(text=t(locale, "recognition.thanks_hint")),
        optional=True,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=True,
            max_length=THANKS_MAX_LENGTH,
            initial_value=initial[:THANKS_MAX_LENGTH] or None,
        ),
    )
