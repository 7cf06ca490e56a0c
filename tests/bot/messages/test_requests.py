"""The student's messages and the request modal, rendered in both languages and checked as Slack would."""

from __future__ import annotations

import json

import pytest

from bot import ids
from bot.messages import requests as builders
from bot.programme import Topic
from bot.slack_double.web_api import block_kit_problem
from tests.factories import action_ids, shown_text

LOCALES = ["fr", "en"]
TOPICS = [
    Topic("careers", {"fr": "Orientation et carrière", "en": "Careers and orientation"}),
    Topic("arts", {"fr": "Arts et culture", "en": "Arts and culture"}),
]


@pytest.mark.parametrize("locale", LOCALES)
def test_request_modal_renders_every_field_in_both_languages(locale: str) -> None:
    view = builders.request_modal(locale, TOPICS, "1. Be kind <!channel>", 3, default_language="en")

    assert block_kit_problem(view=view) is None
    assert view["callback_id"] == ids.REQUEST_VIEW
    assert json.loads(view["private_metadata"]) == {"locale": locale, "charter_version": 3}
    block_ids = [block.get("block_id") for block in view["blocks"] if block["type"] == "input"]
    assert block_ids == [
        "request_topics",
        "request_message",
        "request_language",
        "request_mentor",
        "request_visibility",
        "request_charter",
    ]
    mentor = next(b for b in view["blocks"] if b.get("block_id") == "request_mentor")
    assert mentor["optional"] is True
    assert mentor["element"]["type"] == "external_select"
    assert mentor["element"]["action_id"] == ids.PREFERRED_MENTOR_SELECT
    assert "1. Be kind &lt;!channel&gt;" in shown_text(view)  # the charter is shown, inert


def test_request_modal_fits_a_very_long_charter() -> None:
    view = builders.request_modal("fr", TOPICS, "x" * 10_000, 1, default_language="fr")

    assert block_kit_problem(view=view) is None


@pytest.mark.parametrize("locale", LOCALES)
def test_request_errors_name_each_faulty_field(locale: str) -> None:
    errors = builders.request_errors(
        locale, no_topic=True, message_length=3, no_language=True, no_charter=True
    )

    assert set(errors) == {"request_topics", "request_message", "request_language", "request_charter"}
    assert "10" in errors["request_message"]
    assert builders.request_errors(
        locale, no_topic=False, message_length=1001, no_language=False, no_charter=False
    ) == {
        "request_message": builders.request_errors(
            locale, no_topic=False, message_length=5000, no_language=False, no_charter=False
        )["request_message"]
    }
    assert (
        builders.request_errors(
            locale, no_topic=False, message_length=10, no_language=False, no_charter=False
        )
        == {}
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_open_request_message_quotes_the_students_words_escaped_with_a_cancel_button(locale: str) -> None:
    shown = builders.open_request_exists(locale, 42, TOPICS, "<@U123> help\nme")

    assert block_kit_problem(blocks=shown.blocks) is None
    assert action_ids(shown) == [ids.CANCEL_REQUEST]
    assert shown.blocks[-1]["elements"][0]["value"] == "42"
    assert "> &lt;@U123&gt; help\n> me" in shown_text(shown)
    assert TOPICS[0].label(locale) in shown_text(shown)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_student_answer_renders(locale: str) -> None:
    answers = [
        builders.only_students(locale),
        builders.request_sent(locale, 1, to_named_mentor=False),
        builders.request_sent(locale, 3, to_named_mentor=False),
        builders.request_sent(locale, 1, to_named_mentor=True),
        builders.request_waiting(locale),
        builders.request_cancelled(locale),
        builders.request_already_closed(locale),
    ]
    for answer in answers:
        assert answer.text
        assert block_kit_problem(blocks=answer.blocks) is None
    assert "3" in answers[2].text


def test_mentor_options_show_name_and_job_and_fit_slacks_limits() -> None:
    options = builders.mentor_options(
        "en",
        [
            (1, "Zoé Martin", "Pharmacist", None),
            (2, None, None, "Energy"),
            (3, None, None, None),
            (4, "N" * 200, None, None),
        ],
    )

    assert [option["text"]["text"] for option in options[:3]] == [
        "Zoé Martin · Pharmacist",
        "Energy",
        "Mentor",
    ]
    assert [option["value"] for option in options] == ["1", "2", "3", "4"]
    assert len(options[3]["text"]["text"]) <= 75


@pytest.mark.parametrize("locale", LOCALES)
def test_request_modal_from_the_directory_has_the_mentor_already_chosen(locale: str) -> None:
    view = builders.request_modal(
        locale, TOPICS, "Be kind", 1, default_language=locale, preferred_mentor=(7, "N" * 120)
    )

    assert block_kit_problem(view=view) is None
    mentor = next(b for b in view["blocks"] if b.get("block_id") == "request_mentor")
    assert mentor["element"]["initial_option"]["value"] == "7"
    assert len(mentor["element"]["initial_option"]["text"]["text"]) == 75


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("count", [1, 3])
def test_a_student_at_the_limit_is_offered_to_end_a_mentorship_or_ask_an_admin(
    locale: str, count: int
) -> None:
    mentors = [(10 + n, f"UMEN{n}" if n else None) for n in range(count)]  # the worst case: 3, one gone
    message = builders.mentorships_limit_reached(locale, mentors)

    assert block_kit_problem(blocks=message.blocks) is None
    ends = [
        element["value"]
        for block in message.blocks
        for element in ([block["accessory"]] if "accessory" in block else block.get("elements", []))
        if element.get("action_id") == ids.END_MENTORSHIP
    ]
    assert ends == [str(10 + n) for n in range(count)]
    assert ("admin" in shown_text(message).lower()) and message.text
