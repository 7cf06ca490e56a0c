"""The mentor directory's modal, rendered in both languages at its worst case and checked as Slack would."""

from __future__ import annotations

import pytest

from bot import ids
from bot.messages import directory as builders
from bot.messages.directory import DirectoryChoices, MentorCard
from bot.messages.kit import MAX_VIEW_BLOCKS
from bot.programme import Topic
from bot.slack_double.web_api import block_kit_problem
from tests.factories import action_ids, shown_text

LOCALES = ["fr", "en"]
MANY_TOPICS = [
    Topic(f"topic{n}", {"fr": f"Thème {n} " + "é" * 50, "en": f"Topic {n} " + "e" * 50}) for n in range(50)
]


def worst_card(number: int) -> MentorCard:
    return MentorCard(
        member_id=number,
        user_id=f"U{number:010d}",
        display_name="N" * 120,
        job_title="&" * 150,
        industry="<" * 150,
        graduation_year=2001,
        topic_labels=[topic.label("en") for topic in MANY_TOPICS],
        languages=["fr", "en"],
        free_places=5,
        how_i_can_help="<!channel> & " * 21 + "x" * 7,  # 280 characters
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_ten_cards_of_fifty_topics_and_full_lines_pass_slacks_checks(locale: str) -> None:
    choices = DirectoryChoices(
        topics=MANY_TOPICS * 3,  # more than a select's 100 options
        industries=["I" * 150] * 120,
        years=list(range(1900, 2026)),
        topic="topic3",
        graduation_year=2001,
    )
    assert len(worst_card(1).how_i_can_help or "") == 280

    view = builders.directory_modal(
        locale, [worst_card(n) for n in range(1, 11)], choices, offset=10, has_more=True
    )

    assert block_kit_problem(view=view) is None
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS
    assert action_ids(view) == [
        ids.DIRECTORY_FILTER_TOPIC,
        ids.DIRECTORY_FILTER_LANGUAGE,
        ids.DIRECTORY_FILTER_INDUSTRY,
        ids.DIRECTORY_FILTER_YEAR,
        ids.DIRECTORY_PREVIOUS,
        ids.DIRECTORY_MORE,
    ]
    text = shown_text(view)
    assert "<!channel>" not in str(view["blocks"]) and "&lt;!channel&gt; &amp;" in text
    assert ("and 44 more" if locale == "en" else "et 44 autres") in text
    filters = next(block for block in view["blocks"] if block.get("block_id") == builders.FILTERS_BLOCK)
    topic_select = filters["elements"][0]
    assert len(topic_select["options"]) == 100 and topic_select["initial_option"]["value"] == "topic3"


@pytest.mark.parametrize("locale", LOCALES)
def test_an_empty_directory_says_so_and_offers_no_paging(locale: str) -> None:
    choices = DirectoryChoices(topics=MANY_TOPICS[:2], industries=[], years=[])

    view = builders.directory_modal(locale, [], choices, offset=0, has_more=False)

    assert block_kit_problem(view=view) is None
    assert action_ids(view) == [ids.DIRECTORY_FILTER_TOPIC, ids.DIRECTORY_FILTER_LANGUAGE]
    assert ("No mentor is available" if locale == "en" else "Aucun mentor n'est disponible") in shown_text(
        view
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_one_place_and_one_more_topic_use_the_singular(locale: str) -> None:
    card = MentorCard(
        member_id=1,
        user_id="U1",
        display_name=None,
        job_title=None,
        industry=None,
        graduation_year=None,
        topic_labels=[f"T{n}" for n in range(builders.MAX_TOPICS_SHOWN + 1)],
        languages=["fr"],
        free_places=1,
        how_i_can_help=None,
    )
    choices = DirectoryChoices(topics=[], industries=[], years=[])

    view = builders.directory_modal(locale, [card], choices, offset=0, has_more=False)

    text = shown_text(view)
    assert ("1 place free" if locale == "en" else "1 place libre") in text
    assert ("and 1 more" if locale == "en" else "et 1 autre") in text
    ask = next(b for b in view["blocks"] if "accessory" in b)["accessory"]["text"]["text"]
    assert ask == ("Ask this mentor" if locale == "en" else "Solliciter ce mentor")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_only_students_answer_renders(locale: str) -> None:
    message = builders.only_students(locale)
    assert message.text and block_kit_problem(blocks=message.blocks) is None
