"""What a mentor sees of a request offered to them: the DM with Accept / Decline, its answered forms, and
the small modal to decline."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject

from bot import ids
from bot.i18n import t
from bot.messages.kit import Message, button, buttons, mention, message, modal, note, section
from bot.messages.requests import MAX_SECTION_TEXT, language_name, quoted, topic_labels
from bot.messages.topics import Topic

DECLINE_REASON_BLOCK, DECLINE_REASON_INPUT = "decline_reason", "reason"
DECLINE_REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class RequestSummary:
    """A request as a mentor is shown it."""

    request_id: int
    student_user_id: str
    topics: Sequence[Topic]
    message: str
    language: str


class OfferOutcome(enum.StrEnum):
    """Why an offer's DM no longer has buttons."""

    ACCEPTED = "accepted"  # by this mentor
    DECLINED = "declined"  # by this mentor
    TAKEN = "taken"  # another mentor accepted first
    WITHDRAWN = "withdrawn"  # the student cancelled the request
    EXPIRED = "expired"  # unanswered for too long


def _request_blocks(locale: str, request: RequestSummary) -> list:
    details = "\n".join(
        [
            t(locale, "offer.topics", topics=topic_labels(locale, request.topics)),
            t(locale, "offer.language", language=language_name(locale, request.language)),
        ]
    )
    text = t(locale, "offer.their_message", message=quoted(request.message))
    return [section(details), section(text[:MAX_SECTION_TEXT])]


def offer_message(
    locale: str, request: RequestSummary, offer_id: int, *, suggested_by_programme: bool = False
) -> Message:
    """The DM offering a request to a mentor, with Accept and Decline carrying the offer id; an admin's
    pick by hand says so (`suggested_by_programme`)."""
    title = t(locale, "offer.title", student=mention(request.student_user_id))
    suggested = [note(t(locale, "handmatch.suggested_note"))] if suggested_by_programme else []
    return message(
        t(locale, "offer.fallback", student=mention(request.student_user_id)),
        [
            section(title),
            *suggested,
            *_request_blocks(locale, request),
            note(t(locale, "offer.how_it_works")),
            buttons(
                button(t(locale, "offer.accept"), ids.ACCEPT_OFFER, str(offer_id), style="primary"),
                button(t(locale, "offer.decline"), ids.DECLINE_OFFER, str(offer_id)),
            ),
        ],
    )


def answered_offer(locale: str, request: RequestSummary, outcome: OfferOutcome) -> Message:
    """The same DM once nothing is left to do on it: the request, what happened, and no live buttons."""
    outcome_text = t(locale, f"offer.outcome_{outcome.value}", student=mention(request.student_user_id))
    title = t(locale, "offer.title", student=mention(request.student_user_id))
    return message(outcome_text, [section(title), *_request_blocks(locale, request), section(outcome_text)])


def decline_modal(locale: str, offer_id: int) -> dict:
    """The small modal to decline an offer, with an optional reason; the offer id rides in metadata."""
    return modal(
        callback_id=ids.DECLINE_VIEW,
        title=t(locale, "offer.decline_title"),
        submit=t(locale, "offer.decline_submit"),
        close=t(locale, "offer.decline_close"),
        private_metadata=str(offer_id),
        blocks=[
            section(t(locale, "offer.decline_intro")),
            InputBlock(
                block_id=DECLINE_REASON_BLOCK,
                optional=True,
                label=PlainTextObject(text=t(locale, "offer.decline_reason_label")),
                element=PlainTextInputElement(
                    action_id=DECLINE_REASON_INPUT,
                    multiline=True,
                    max_length=DECLINE_REASON_MAX_LENGTH,
                    placeholder=PlainTextObject(text=t(locale, "offer.decline_reason_placeholder")),
                ),
            ),
        ],
    )


def offer_refusal(locale: str, key: str) -> Message:
    """A short private answer to a click that changed nothing (taken, stale, not theirs, full...)."""
    text = t(locale, key)
    return message(text, [section(text)])
