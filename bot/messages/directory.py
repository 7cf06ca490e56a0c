"""What a student sees in the mentor directory: filters, then a page of mentor cards, each with "Ask".

The filters are static selects in an actions block: choosing one sends a block action at once, and the
bot re-renders the modal in place (views.update). Their choices travel in the view's state; the page's
first card travels in the "previous"/"more" buttons' values. Ten cards a page: 2 blocks each, so a page
stays far below the 100 blocks of a modal whatever the school's topics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import DividerBlock

from bot import ids
from bot.i18n import SUPPORTED_LOCALES, t, tn
from bot.messages.kit import (
    AnyBlock,
    Message,
    button,
    buttons,
    clip,
    escape,
    mention,
    message,
    modal,
    note,
    section,
)
from bot.messages.topics import Topic

PAGE_SIZE = 10
FILTERS_BLOCK = "directory_filters"
ANY = "*"  # the value of a filter's "any" option
MAX_TOPICS_SHOWN = 6  # on a card; the rest is counted ("and 44 more")
MAX_TOPIC_LABEL = 60
MAX_OPTION_TEXT = 75
MAX_SELECT_OPTIONS = 100
MAX_SECTION_TEXT = 3000
MAX_BUTTON_NAME = 50


@dataclass(frozen=True)
class MentorCard:
    """One listed mentor, as the card shows them."""

    member_id: int
    user_id: str
    display_name: str | None
    job_title: str | None
    industry: str | None
    graduation_year: int | None
    topic_labels: Sequence[str]
    languages: Sequence[str]
    free_places: int
    how_i_can_help: str | None


@dataclass(frozen=True)
class DirectoryChoices:
    """The filters' options, and what the student chose (None: any)."""

    topics: Sequence[Topic]
    industries: Sequence[str]
    years: Sequence[int]
    topic: str | None = None
    language: str | None = None
    industry: str | None = None
    graduation_year: int | None = None

    @property
    def narrowed(self) -> bool:
        return any(
            value is not None for value in (self.topic, self.language, self.industry, self.graduation_year)
        )


def _option(label: str, value: str) -> dict:
    return {"text": {"type": "plain_text", "text": clip(label, MAX_OPTION_TEXT)}, "value": value}


def _select(action_id: str, any_label: str, options: list[dict], chosen: str | None) -> dict:
    """A static select whose first option is "any"; at most Slack's 100 options."""
    everything = [_option(any_label, ANY), *options][:MAX_SELECT_OPTIONS]
    initial = next((option for option in everything if option["value"] == chosen), everything[0])
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": {"type": "plain_text", "text": clip(any_label, 150)},
        "options": everything,
        "initial_option": initial,
    }


def _language_name(locale: str, language: str) -> str:
    return t(locale, f"volunteer.language_{language}") if language in SUPPORTED_LOCALES else language


def _filters(locale: str, choices: DirectoryChoices) -> dict:
    elements = [
        _select(
            ids.DIRECTORY_FILTER_TOPIC,
            t(locale, "directory.any_topic"),
            [_option(topic.label(locale), topic.key) for topic in choices.topics],
            choices.topic,
        ),
        _select(
            ids.DIRECTORY_FILTER_LANGUAGE,
            t(locale, "directory.any_language"),
            [_option(_language_name(locale, code), code) for code in SUPPORTED_LOCALES],
            choices.language,
        ),
    ]
    if choices.industries:
        elements.append(
            _select(
                ids.DIRECTORY_FILTER_INDUSTRY,
                t(locale, "directory.any_industry"),
                # Option values are at most 150 characters; industries are too (volunteer form).
                [_option(industry, industry[:150]) for industry in choices.industries],
                choices.industry,
            )
        )
    if choices.years:
        elements.append(
            _select(
                ids.DIRECTORY_FILTER_YEAR,
                t(locale, "directory.any_year"),
                [_option(str(year), str(year)) for year in choices.years],
                str(choices.graduation_year) if choices.graduation_year is not None else None,
            )
        )
    return buttons(*elements, block_id=FILTERS_BLOCK)


def _topics_line(locale: str, labels: Sequence[str]) -> str:
    shown = ", ".join(escape(clip(label, MAX_TOPIC_LABEL)) for label in labels[:MAX_TOPICS_SHOWN])
    hidden = len(labels) - MAX_TOPICS_SHOWN
    if hidden > 0:
        shown = tn(locale, "directory.more_topics", hidden, topics=shown)
    return t(locale, "directory.topics", topics=shown)


def _card_text(locale: str, card: MentorCard) -> str:
    lines = [f"*{mention(card.user_id)}*"]
    work = " · ".join(escape(part) for part in (card.job_title, card.industry) if part)
    if work:
        lines.append(work)
    if card.graduation_year is not None:
        lines.append(t(locale, "directory.graduated", year=card.graduation_year))
    if card.topic_labels:
        lines.append(_topics_line(locale, card.topic_labels))
    if card.languages:
        languages = ", ".join(_language_name(locale, code) for code in card.languages)
        lines.append(t(locale, "directory.languages", languages=languages))
    lines.append(tn(locale, "directory.free_places", card.free_places))
    if card.how_i_can_help:
        lines.append("> " + " ".join(escape(card.how_i_can_help).split()))
    return clip("\n".join(lines), MAX_SECTION_TEXT)


def _ask_label(locale: str, card: MentorCard) -> str:
    if not card.display_name:
        return t(locale, "directory.ask_unnamed")
    return t(locale, "directory.ask", name=clip(card.display_name, MAX_BUTTON_NAME))


def _card(locale: str, card: MentorCard) -> dict:
    block = section(_card_text(locale, card))
    block["accessory"] = button(_ask_label(locale, card), ids.DIRECTORY_ASK, str(card.member_id))
    return block


def directory_modal(
    locale: str,
    cards: Sequence[MentorCard],
    choices: DirectoryChoices,
    *,
    offset: int,
    has_more: bool,
) -> dict:
    """One page of the directory: the filters, up to `PAGE_SIZE` cards, and the paging buttons."""
    blocks: list[AnyBlock] = [section(t(locale, "directory.intro")), _filters(locale, choices)]
    if not cards:
        blocks.append(
            section(t(locale, "directory.empty_filtered" if choices.narrowed else "directory.empty"))
        )
    for card in cards[:PAGE_SIZE]:
        blocks += [DividerBlock(), _card(locale, card)]
    if cards:
        shown = len(cards[:PAGE_SIZE])
        blocks.append(note(t(locale, "directory.page", first=offset + 1, last=offset + shown)))
    paging = []
    if offset > 0:
        paging.append(
            button(t(locale, "directory.previous"), ids.DIRECTORY_PREVIOUS, str(max(0, offset - PAGE_SIZE)))
        )
    if has_more:
        paging.append(button(t(locale, "directory.more"), ids.DIRECTORY_MORE, str(offset + PAGE_SIZE)))
    if paging:
        blocks.append(buttons(*paging))
    return modal(
        callback_id=ids.DIRECTORY_VIEW,
        title=t(locale, "directory.title"),
        close=t(locale, "directory.close"),
        private_metadata=json.dumps({"locale": locale}),
        blocks=blocks,
    )


def only_students(locale: str) -> Message:
    text = t(locale, "directory.only_students")
    return message(text, [section(text)])
