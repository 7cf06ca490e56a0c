"""What an admin sees to match a request by hand: `/mentoring-stats requests`, the "Find a mentor" modal
with the ranked candidates and a search, and the answers around them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    RadioButtonsElement,
)

from bot import ids
from bot.i18n import t
from bot.messages.kit import Message, button, escape, mention, message, modal, note, section, slack_date
from bot.messages.requests import MAX_SECTION_TEXT, quoted, topic_labels
from bot.messages.topics import Topic

# How much of a student's words a list row or the modal shows: enough to judge, short enough for 20
# rows in one message (each section holds at most 3000 characters).
ROW_MESSAGE_LENGTH = 300
MODAL_MESSAGE_LENGTH = 1200
CANDIDATE_BLOCK = "hand_match_candidates"
SEARCH_BLOCK = "hand_match_search"


@dataclass(frozen=True)
class RequestCard:
    """A request as an admin is shown it."""

    request_id: int
    student_user_id: str
    topics: Sequence[Topic]
    message: str
    created_at: datetime
    expired: bool = False


@dataclass(frozen=True)
class CandidateCard:
    """A ranked mentor and what would stop an offer to them now."""

    member_id: int
    user_id: str
    display_name: str | None
    paused: bool = False
    full: bool = False
    already_asked: bool = False

    @property
    def pickable(self) -> bool:
        return not (self.paused or self.full or self.already_asked)


def clipped(user_text: str, limit: int) -> str:
    """A person's words cut to `limit` characters (on a word when one is near), then quoted and escaped."""
    text = user_text.strip()
    if len(text) > limit:
        cut = text[:limit]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit * 0.8 else cut).rstrip() + "…"
    return quoted(text)


def _flags(locale: str, candidate: CandidateCard) -> str:
    flags = [
        t(locale, key)
        for key, on in (
            ("handmatch.flag_paused", candidate.paused),
            ("handmatch.flag_full", candidate.full),
            ("handmatch.flag_asked", candidate.already_asked),
        )
        if on
    ]
    return f" — _{', '.join(flags)}_" if flags else ""


def find_mentor_modal(locale: str, request: RequestCard, candidates: Sequence[CandidateCard]) -> dict:
    """The ranked candidates, flagged when they cannot be picked, a choice among the pickable ones and a
    search among every available mentor; the request id and the admin's language ride in the metadata
    (the submission's ack checks the pick in that language without reading the database)."""
    intro = t(
        locale,
        "handmatch.request_intro",
        student=mention(request.student_user_id),
        date=slack_date(request.created_at),
        topics=topic_labels(locale, request.topics),
    )
    blocks: list = [
        section((intro + "\n" + clipped(request.message, MODAL_MESSAGE_LENGTH))[:MAX_SECTION_TEXT])
    ]
    if request.expired:
        blocks.append(note(t(locale, "handmatch.expired_note")))
    if candidates:
        lines = [
            f"{rank}. {mention(candidate.user_id)}{_flags(locale, candidate)}"
            for rank, candidate in enumerate(candidates, start=1)
        ]
        blocks.append(section(t(locale, "handmatch.candidates_title") + "\n" + "\n".join(lines)))
        if not all(candidate.pickable for candidate in candidates):
            blocks.append(note(t(locale, "handmatch.not_pickable_note")))
    else:
        blocks.append(section(t(locale, "handmatch.no_candidates")))
    pickable = [candidate for candidate in candidates if candidate.pickable][:10]  # radio buttons: 10 at most
    if pickable:
        blocks.append(
            InputBlock(
                block_id=CANDIDATE_BLOCK,
                optional=True,
                label=PlainTextObject(text=t(locale, "handmatch.candidate_label")),
                element=RadioButtonsElement(
                    action_id=ids.HAND_MATCH_CANDIDATE,
                    options=[
                        Option(
                            value=str(candidate.member_id),
                            text=MarkdownTextObject(text=mention(candidate.user_id)),
                        )
                        for candidate in pickable
                    ],
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=SEARCH_BLOCK,
            optional=True,
            label=PlainTextObject(text=t(locale, "handmatch.search_label")),
            element=ExternalDataSelectElement(
                action_id=ids.HAND_MATCH_SELECT,
                placeholder=PlainTextObject(text=t(locale, "handmatch.search_placeholder")),
                min_query_length=0,
            ),
        )
    )
    return modal(
        callback_id=ids.HAND_MATCH_VIEW,
        title=t(locale, "handmatch.modal_title"),
        submit=t(locale, "handmatch.submit"),
        close=t(locale, "handmatch.close"),
        private_metadata=json.dumps({"request_id": request.request_id, "locale": locale}),
        blocks=blocks,
    )


def pick_errors(locale: str, *, picked_in_list: bool, picked_in_search: bool) -> dict[str, str]:
    """The modal's error when no mentor or two were picked; empty when exactly one was."""
    if picked_in_list and picked_in_search:
        return {SEARCH_BLOCK: t(locale, "handmatch.error_pick_both")}
    if not (picked_in_list or picked_in_search):
        return {SEARCH_BLOCK: t(locale, "handmatch.error_pick_none")}
    return {}


def request_list(
    locale: str, open_requests: Sequence[RequestCard], expired: Sequence[RequestCard], expired_days: int
) -> Message:
    """`/mentoring-stats requests`: the open requests and those closed unmatched lately, each with
    "Find a mentor" (at most 48 rows: the callers keep to 20 of each)."""
    title = t(locale, "handmatch.list_title")
    if not open_requests and not expired:
        text = t(locale, "handmatch.list_empty")
        return message(text, [section(title), section(text)])

    def row(card: RequestCard) -> dict:
        text = t(
            locale,
            "handmatch.list_row",
            student=mention(card.student_user_id),
            topics=escape(topic_labels(locale, card.topics)),
            date=slack_date(card.created_at),
            message=clipped(card.message, ROW_MESSAGE_LENGTH),
        )
        return {
            **section(text[:MAX_SECTION_TEXT]),
            "accessory": button(t(locale, "handmatch.find_button"), ids.FIND_MENTOR, str(card.request_id)),
        }

    blocks: list = [section(title)]
    if open_requests:
        blocks += [section(t(locale, "handmatch.list_open")), *(row(card) for card in open_requests)]
    if expired:
        blocks += [
            section(t(locale, "handmatch.list_expired", days=expired_days)),
            *(row(card) for card in expired),
        ]
    return message(title, blocks)


def offer_sent(locale: str, mentor_user_id: str, student_user_id: str, *, reopened: bool) -> Message:
    key = "handmatch.sent_reopened" if reopened else "handmatch.sent"
    text = t(locale, key, mentor=mention(mentor_user_id), student=mention(student_user_id))
    return message(text, [section(text)])


def hand_match_refusal(locale: str, key: str) -> Message:
    text = t(locale, key)
    return message(text, [section(text)])
