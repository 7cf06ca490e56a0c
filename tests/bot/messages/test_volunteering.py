"""The volunteer modal, its reading and errors, the confirmation DM and the pause/resume answers, in both
languages, checked against Slack's Block Kit limits."""

from __future__ import annotations

import json

import pytest

from bot import ids
from bot.i18n import catalogue
from bot.messages.kit import Message
from bot.messages.volunteering import (
    CHARTER_ACCEPTED,
    availability_answer,
    form_errors,
    not_for_students,
    volunteer_confirmation,
    volunteer_modal,
)
from bot.programme import DEFAULT_TOPIC_KEYS, Topic
from bot.slack_double.payloads import find_element, view_state_values
from bot.slack_double.web_api import block_kit_problem
from bot.volunteering import FormMetadata, VolunteerAnswers, read_volunteer_form

LOCALES = ["fr", "en"]
TOPICS = [
    Topic(key=key, labels={locale: catalogue(locale)[f"topics.{key}"] for locale in LOCALES})
    for key in DEFAULT_TOPIC_KEYS
]
SAVED = VolunteerAnswers(
    topics=("careers", "engineering"),
    languages=("fr", "en"),
    capacity=3,
    graduation_year=2012,
    industry="Énergie",
    job_title="Ingénieure <R&D>",
    charter_version=1,
)
VALID = {
    ids.VOLUNTEER_TOPICS: ["careers", "studies"],
    ids.VOLUNTEER_LANGUAGES: ["en"],
    ids.VOLUNTEER_CAPACITY: "3",
    ids.VOLUNTEER_GRADUATION_YEAR: "2012",
    ids.VOLUNTEER_INDUSTRY: "  Energy ",
    ids.VOLUNTEER_JOB_TITLE: "",
    ids.VOLUNTEER_CHARTER: [CHARTER_ACCEPTED],
}


def build_modal(
    locale: str = "en",
    answers: VolunteerAnswers = VolunteerAnswers(),  # noqa: B008 - frozen, never mutated
    *,
    editing: bool = False,
    charter_version: int = 1,
    charter: str = "1. Be kind.",
) -> dict:
    return volunteer_modal(
        locale,
        topics=TOPICS,
        charter_version=charter_version,
        charter_text=charter,
        answers=answers,
        editing=editing,
        private_metadata=FormMetadata(locale, charter_version).encode(),
    )


def submitted(view: dict, values: dict) -> dict:
    return {**view, "state": {"values": view_state_values(view, values)}}


def element(view: dict, action_id: str) -> dict:
    return find_element(view["blocks"], action_id)[1]


def texts(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


@pytest.mark.parametrize("locale", LOCALES)
def test_new_volunteer_modal_is_valid_block_kit_and_starts_with_two_mentees_and_charter_unticked(
    locale: str,
) -> None:
    view = build_modal(locale)

    assert block_kit_problem(view=view) is None
    assert view["callback_id"] == ids.VOLUNTEER_VIEW
    assert view["title"]["text"] == catalogue(locale)["volunteer.title_new"]
    topics = element(view, ids.VOLUNTEER_TOPICS)
    assert [option["value"] for option in topics["options"]] == list(DEFAULT_TOPIC_KEYS)
    assert topics["options"][0]["text"]["text"] == catalogue(locale)["topics.careers"]
    assert "initial_options" not in topics
    assert element(view, ids.VOLUNTEER_CAPACITY)["initial_option"]["value"] == "2"
    assert "initial_options" not in element(view, ids.VOLUNTEER_CHARTER)
    assert "initial_value" not in element(view, ids.VOLUNTEER_GRADUATION_YEAR)
    assert FormMetadata.decode(view["private_metadata"]) == FormMetadata(locale, 1)


@pytest.mark.parametrize("locale", LOCALES)
def test_editing_modal_is_prefilled_with_the_saved_profile(locale: str) -> None:
    view = build_modal(locale, SAVED, editing=True)

    assert block_kit_problem(view=view) is None
    assert view["title"]["text"] == catalogue(locale)["volunteer.title_edit"]
    assert [o["value"] for o in element(view, ids.VOLUNTEER_TOPICS)["initial_options"]] == [
        "careers",
        "engineering",
    ]
    assert [o["value"] for o in element(view, ids.VOLUNTEER_LANGUAGES)["initial_options"]] == ["fr", "en"]
    assert element(view, ids.VOLUNTEER_CAPACITY)["initial_option"]["value"] == "3"
    assert element(view, ids.VOLUNTEER_GRADUATION_YEAR)["initial_value"] == "2012"
    assert element(view, ids.VOLUNTEER_INDUSTRY)["initial_value"] == "Énergie"
    assert element(view, ids.VOLUNTEER_JOB_TITLE)["initial_value"] == "Ingénieure <R&D>"
    assert [o["value"] for o in element(view, ids.VOLUNTEER_CHARTER)["initial_options"]] == [CHARTER_ACCEPTED]


def test_a_new_charter_version_must_be_accepted_again() -> None:
    view = build_modal("fr", SAVED, editing=True, charter_version=2)

    assert "initial_options" not in element(view, ids.VOLUNTEER_CHARTER)
    assert "(version 2)" in json.dumps(view["blocks"])


def test_the_charter_is_shown_inert_and_split_when_long() -> None:
    view = build_modal("en", charter="<!channel> " + "x" * 4000)

    assert block_kit_problem(view=view) is None
    shown = "".join(block["text"]["text"] for block in view["blocks"] if block["type"] == "section")
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown


def test_a_submission_of_the_prefilled_modal_reads_back_the_saved_answers() -> None:
    view = build_modal("en", SAVED, editing=True)

    answers, problems = read_volunteer_form(submitted(view, {}), current_year=2026)

    assert problems == {}
    assert answers == SAVED


def test_a_valid_submission_is_read_with_text_trimmed_and_empty_text_as_none() -> None:
    answers, problems = read_volunteer_form(submitted(build_modal("en"), VALID), current_year=2026)

    assert problems == {}
    assert answers == VolunteerAnswers(
        topics=("careers", "studies"),
        languages=("en",),
        capacity=3,
        graduation_year=2012,
        industry="Energy",
        job_title=None,
        charter_version=1,
    )


@pytest.mark.parametrize(
    ("changes", "block_id"),
    [
        ({ids.VOLUNTEER_TOPICS: []}, ids.VOLUNTEER_TOPICS),
        ({ids.VOLUNTEER_LANGUAGES: []}, ids.VOLUNTEER_LANGUAGES),
        ({ids.VOLUNTEER_CAPACITY: None}, ids.VOLUNTEER_CAPACITY),
        ({ids.VOLUNTEER_GRADUATION_YEAR: "1800"}, ids.VOLUNTEER_GRADUATION_YEAR),
        ({ids.VOLUNTEER_GRADUATION_YEAR: "2027"}, ids.VOLUNTEER_GRADUATION_YEAR),
        ({ids.VOLUNTEER_GRADUATION_YEAR: "20.5"}, ids.VOLUNTEER_GRADUATION_YEAR),
        ({ids.VOLUNTEER_GRADUATION_YEAR: None}, ids.VOLUNTEER_GRADUATION_YEAR),
        ({ids.VOLUNTEER_INDUSTRY: "x" * 151}, ids.VOLUNTEER_INDUSTRY),
        ({ids.VOLUNTEER_JOB_TITLE: "x" * 151}, ids.VOLUNTEER_JOB_TITLE),
        ({ids.VOLUNTEER_CHARTER: []}, ids.VOLUNTEER_CHARTER),
    ],
)
def test_each_invalid_field_is_reported_on_its_own_block(changes: dict, block_id: str) -> None:
    answers, problems = read_volunteer_form(
        submitted(build_modal("en"), {**VALID, **changes}), current_year=2026
    )

    assert answers is None
    assert list(problems) == [block_id]


def test_the_oldest_and_the_current_graduation_years_are_accepted() -> None:
    for year in ("1950", "2026"):
        answers, _ = read_volunteer_form(
            submitted(build_modal("en"), {**VALID, ids.VOLUNTEER_GRADUATION_YEAR: year}), current_year=2026
        )
        assert answers is not None and answers.graduation_year == int(year)


@pytest.mark.parametrize("locale", LOCALES)
def test_form_errors_are_said_in_the_persons_language(locale: str) -> None:
    _, problems = read_volunteer_form(
        submitted(build_modal(locale), {ids.VOLUNTEER_GRADUATION_YEAR: "1800"}), current_year=2026
    )

    errors = form_errors(locale, problems)

    assert set(errors) == {
        ids.VOLUNTEER_TOPICS,
        ids.VOLUNTEER_LANGUAGES,
        ids.VOLUNTEER_GRADUATION_YEAR,
        ids.VOLUNTEER_CHARTER,
    }
    assert "1950" in errors[ids.VOLUNTEER_GRADUATION_YEAR] and "2026" in errors[ids.VOLUNTEER_GRADUATION_YEAR]
    assert errors[ids.VOLUNTEER_CHARTER] == catalogue(locale)["volunteer.errors.charter"]


@pytest.mark.parametrize("locale", LOCALES)
def test_confirmation_says_what_is_offered_with_typed_text_escaped(locale: str) -> None:
    confirmation = volunteer_confirmation(
        locale,
        topic_labels=["Careers", "<!here> tricks"],
        answers=SAVED,
        first_time=True,
        active_mentee_count=0,
        paused=False,
    )

    assert block_kit_problem(blocks=confirmation.blocks) is None
    shown = texts(confirmation)
    assert confirmation.text == catalogue(locale)["volunteer.confirmation.title_new"]
    assert "&lt;!here&gt; tricks" in shown and "<!here>" not in shown
    assert "Ingénieure &lt;R&amp;D&gt;" in shown
    assert catalogue(locale)["volunteer.language_fr"] in shown
    assert "/mentor pause" in shown
    assert "(0)" not in shown  # no load warning for a free mentor


@pytest.mark.parametrize("locale", LOCALES)
def test_confirmation_warns_a_mentor_whose_load_fills_their_new_capacity(locale: str) -> None:
    confirmation = volunteer_confirmation(
        locale,
        topic_labels=["Careers"],
        answers=VolunteerAnswers(topics=("careers",), languages=("fr",), capacity=1, graduation_year=2000),
        first_time=False,
        active_mentee_count=3,
        paused=True,
    )

    assert block_kit_problem(blocks=confirmation.blocks) is None
    shown = texts(confirmation)
    assert confirmation.text == catalogue(locale)["volunteer.confirmation.title_edit"]
    assert "(3)" in shown
    assert "/mentor resume" in shown


@pytest.mark.parametrize("locale", LOCALES)
def test_students_are_told_kindly_how_to_ask_for_a_mentor_instead(locale: str) -> None:
    answer = not_for_students(locale)

    assert block_kit_problem(blocks=answer.blocks) is None
    assert "/mentor request" in answer.text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", ["paused", "already_paused", "resumed", "already_active", "not_a_mentor"])
def test_availability_answer_puts_its_sentence_above_the_menu(locale: str, key: str) -> None:
    menu = Message(text="menu", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "menu"}}])

    answer = availability_answer(locale, key, menu)

    assert block_kit_problem(blocks=answer.blocks) is None
    assert answer.text == catalogue(locale)[f"availability.{key}"]
    assert answer.blocks[1:] == menu.blocks
