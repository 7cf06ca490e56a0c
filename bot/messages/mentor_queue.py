"""The mentors' queue: the Home section listing requests in a mentor's topics still waiting after a day,
the student's "Accept / No thanks" when a mentor offers to take theirs, and the answers around them.

The queue shows a request's topics and words (escaped, cut short), never the student's name: the student
learns who offered and says yes before the mentor learns who they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import ids
from bot.i18n import t, tn
from bot.messages.hand_matching import clipped
from bot.messages.kit import AnyBlock, Message, button, buttons, escape, mention, message, note, section
from bot.messages.requests import MAX_SECTION_TEXT, topic_labels
from bot.messages.topics import Topic

# A Home stays readable with ten requests of about three lines each.
QUEUE_MESSAGE_LENGTH = 400


@dataclass(frozen=True)
class QueuedRequest:
    request_id: int
    topics: Sequence[Topic]
    message: str
    waiting_days: int


def queue_section(locale: str, requests: Sequence[QueuedRequest]) -> list[AnyBlock]:
    """The Home section; empty when nothing waits (a Home holds 100 blocks: 2 + one per request)."""
    if not requests:
        return []
    rows = [
        {
            **section(
                t(
                    locale,
                    "queue.row",
                    topics=escape(topic_labels(locale, request.topics)),
                    waiting=tn(locale, "queue.waiting", request.waiting_days),
                    message=clipped(request.message, QUEUE_MESSAGE_LENGTH),
                )[:MAX_SECTION_TEXT]
            ),
            "accessory": button(
                t(locale, "queue.take_button"), ids.TAKE_QUEUED_REQUEST, str(request.request_id)
            ),
        }
        for request in requests
    ]
    return [section(t(locale, "queue.title")), note(t(locale, "queue.intro")), *rows]


def proposal_for_student(locale: str, mentor_user_id: str, topics: Sequence[Topic], offer_id: int) -> Message:
    """The student's DM when a mentor offers to take their request: Accept / No thanks, the offer's id."""
    text = t(
        locale,
        "queue.proposal_for_student",
        mentor=mention(mentor_user_id),
        topics=escape(topic_labels(locale, topics)),
    )
    return message(
        text,
        [
            section(text),
            buttons(
                button(
                    t(locale, "queue.accept"), ids.CONFIRM_MENTOR_PROPOSAL, str(offer_id), style="primary"
                ),
                button(t(locale, "queue.no_thanks"), ids.REFUSE_MENTOR_PROPOSAL, str(offer_id)),
            ),
        ],
    )


def proposal_answered(locale: str, mentor_user_id: str, *, accepted: bool) -> Message:
    """The student's DM once answered: no live buttons left."""
    key = "queue.proposal_accepted" if accepted else "queue.proposal_refused"
    text = t(locale, key, mentor=mention(mentor_user_id))
    return message(text, [section(text)])


def queue_answer(locale: str, key: str, **params: str) -> Message:
    """A short answer (thanks, refusals, the mentor told of a "no thanks")."""
    text = t(locale, key, **params)
    return message(text, [section(text)])
