"""What an alumnus sees when volunteering: the volunteer modal, its errors, the confirmation DM, and the
answers to pausing and resuming."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DividerBlock,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
    UrlInputElement,
)

from bot import ids
from bot.i18n import SUPPORTED_LOCALES, t
from bot.messages.kit import AnyBlock, Message, clip, escape, message, modal, note, section
from bot.messages.topics import Topic

DEFAULT_CAPACITY = 2


@dataclass(frozen=True)
class VolunteerAnswers:
    """What a mentor offers, as the form holds it: read from a submission or from the saved profile."""

    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    capacity: int = DEFAULT_CAPACITY
    graduation_year: int | None = None
    industry: str | None = None
    job_title: str | None = None
    charter_version: int | None = None  # the charter version accepted; None when not accepted
    how_i_can_help: str | None = None  # the line of their card in the students' directory
    in_directory: bool = True
    meeting_link: str | None = None  # their own video link, offered when a meeting is booked by video


CHARTER_ACCEPTED = "accepted"
CAPACITY_CHOICES = range(1, 6)
TEXT_FIELD_MAX_LENGTH = 150
HOW_I_CAN_HELP_MAX_LENGTH = 280
IN_DIRECTORY = "listed"
# Slack's limits: an option's text, and a section's text.
PLACEHOLDER_MAX_LENGTH = PlainTextInputElement.placeholder_max_length
_OPTION_TEXT_MAX = 75
_SECTION_TEXT_MAX = 3000


def _option(value: str, label: str) -> Option:
    if len(label) > _OPTION_TEXT_MAX:
        label = label[: _OPTION_TEXT_MAX - 1] + "…"
    return Option(value=value, text=PlainTextObject(text=label))


def language_name(locale: str, language: str) -> str:
    return t(locale, f"volunteer.language_{language}")


def volunteer_modal(
    locale: str,
    *,
    topics: Sequence[Topic],
    charter_version: int,
    charter_text: str,
    answers: VolunteerAnswers,
    editing: bool,
    private_metadata: str,
) -> dict:
    """The volunteer form, pre-filled with `answers` (the saved profile when `editing`).

    The charter checkbox starts ticked only when `answers` accepted this very version: a new charter
    has to be read and accepted again.
    """
    topic_options = {topic.key: _option(topic.key, topic.label(locale)) for topic in topics}
    language_options = {code: _option(code, language_name(locale, code)) for code in SUPPORTED_LOCALES}
    capacity_options = {number: _option(str(number), str(number)) for number in CAPACITY_CHOICES}
    charter_option = _option(CHARTER_ACCEPTED, t(locale, "volunteer.charter_accept"))
    directory_option = _option(IN_DIRECTORY, t(locale, "volunteer.directory_option"))

    initial_topics = [topic_options[key] for key in answers.topics if key in topic_options]
    initial_languages = [language_options[code] for code in answers.languages if code in language_options]
    initial_capacity = capacity_options.get(answers.capacity) or capacity_options[max(CAPACITY_CHOICES)]

    blocks: list[AnyBlock] = [
        section(t(locale, "volunteer.intro_edit" if editing else "volunteer.intro_new")),
        InputBlock(
            block_id=ids.VOLUNTEER_TOPICS,
            label=t(locale, "volunteer.topics_label"),
            element=StaticMultiSelectElement(
                action_id=ids.VOLUNTEER_TOPICS,
                placeholder=t(locale, "volunteer.topics_placeholder"),
                options=list(topic_options.values()),
                initial_options=initial_topics or None,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_LANGUAGES,
            label=t(locale, "volunteer.languages_label"),
            element=CheckboxesElement(
                action_id=ids.VOLUNTEER_LANGUAGES,
                options=list(language_options.values()),
                initial_options=initial_languages or None,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_CAPACITY,
            label=t(locale, "volunteer.capacity_label"),
            hint=t(locale, "volunteer.capacity_hint"),
            element=StaticSelectElement(
                action_id=ids.VOLUNTEER_CAPACITY,
                options=list(capacity_options.values()),
                initial_option=initial_capacity,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_GRADUATION_YEAR,
            label=t(locale, "volunteer.graduation_year_label"),
            element=NumberInputElement(
                action_id=ids.VOLUNTEER_GRADUATION_YEAR,
                is_decimal_allowed=False,
                initial_value=str(answers.graduation_year) if answers.graduation_year else None,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_INDUSTRY,
            label=t(locale, "volunteer.industry_label"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.VOLUNTEER_INDUSTRY,
                placeholder=t(locale, "volunteer.industry_placeholder"),
                max_length=TEXT_FIELD_MAX_LENGTH,
                initial_value=answers.industry or None,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_JOB_TITLE,
            label=t(locale, "volunteer.job_title_label"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.VOLUNTEER_JOB_TITLE,
                placeholder=t(locale, "volunteer.job_title_placeholder"),
                max_length=TEXT_FIELD_MAX_LENGTH,
                initial_value=answers.job_title or None,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_HOW_I_CAN_HELP,
            label=t(locale, "volunteer.help_label"),
            hint=t(locale, "volunteer.help_hint", max=HOW_I_CAN_HELP_MAX_LENGTH),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.VOLUNTEER_HOW_I_CAN_HELP,
                placeholder=clip(
                    t(locale, "volunteer.help_placeholder"), PlainTextInputElement.placeholder_max_length
                ),
                multiline=True,
                max_length=HOW_I_CAN_HELP_MAX_LENGTH,
                initial_value=answers.how_i_can_help or None,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_IN_DIRECTORY,
            label=t(locale, "volunteer.directory_label"),
            hint=t(locale, "volunteer.directory_hint"),
            optional=True,
            element=CheckboxesElement(
                action_id=ids.VOLUNTEER_IN_DIRECTORY,
                options=[directory_option],
                initial_options=[directory_option] if answers.in_directory else None,
            ),
        ),
        InputBlock(
            block_id=ids.VOLUNTEER_MEETING_LINK,
            label=t(locale, "booking.link_label"),
            hint=t(locale, "booking.link_hint"),
            optional=True,
            element=UrlInputElement(
                action_id=ids.VOLUNTEER_MEETING_LINK, initial_value=answers.meeting_link or None
            ),
        ),
        DividerBlock(),
        section(t(locale, "volunteer.charter_title", version=charter_version)),
        *_charter_sections(charter_text),
        InputBlock(
            block_id=ids.VOLUNTEER_CHARTER,
            label=t(locale, "volunteer.charter_label"),
            element=CheckboxesElement(
                action_id=ids.VOLUNTEER_CHARTER,
                options=[charter_option],
                initial_options=[charter_option] if answers.charter_version == charter_version else None,
            ),
        ),
    ]
    return modal(
        callback_id=ids.VOLUNTEER_VIEW,
        title=t(locale, "volunteer.title_edit" if editing else "volunteer.title_new"),
        submit=t(locale, "volunteer.submit"),
        close=t(locale, "volunteer.close"),
        private_metadata=private_metadata,
        blocks=blocks,
    )


def _charter_sections(charter_text: str) -> list[AnyBlock]:
    """The school's charter, made inert like any typed text, in as many sections as its length needs."""
    text = escape(charter_text)
    return [
        section(text[start : start + _SECTION_TEXT_MAX]) for start in range(0, len(text), _SECTION_TEXT_MAX)
    ]


def form_errors(locale: str, problems: Mapping[str, tuple[str, Mapping[str, object]]]) -> dict[str, str]:
    """The modal's field errors, by block id, from the problems `read_volunteer_form` found."""
    return {block_id: t(locale, key, **params) for block_id, (key, params) in problems.items()}


def not_for_students(locale: str) -> Message:
    text = t(locale, "volunteer.not_for_students")
    return message(text, [section(text)])


def volunteer_confirmation(
    locale: str,
    *,
    topic_labels: Sequence[str],
    answers: VolunteerAnswers,
    first_time: bool,
    active_mentee_count: int,
    paused: bool,
) -> Message:
    """The DM after saving: what the mentor offers, their capacity and load, and how to take a break."""
    title = t(
        locale, "volunteer.confirmation.title_new" if first_time else "volunteer.confirmation.title_edit"
    )
    lines = [
        t(locale, "volunteer.confirmation.topics", topics=", ".join(escape(label) for label in topic_labels)),
        t(
            locale,
            "volunteer.confirmation.languages",
            languages=", ".join(language_name(locale, code) for code in answers.languages),
        ),
    ]
    if answers.industry:
        lines.append(t(locale, "volunteer.confirmation.industry", industry=escape(answers.industry)))
    if answers.job_title:
        lines.append(t(locale, "volunteer.confirmation.job_title", job_title=escape(answers.job_title)))
    lines.append(t(locale, "volunteer.confirmation.capacity", capacity=answers.capacity))

    blocks: list[AnyBlock] = [section(title), section("\n".join(lines))]
    if active_mentee_count >= answers.capacity:
        blocks.append(
            section(
                t(
                    locale,
                    "volunteer.confirmation.over_capacity",
                    count=active_mentee_count,
                    capacity=answers.capacity,
                )
            )
        )
    if paused:
        blocks.append(section(t(locale, "volunteer.confirmation.paused")))
    blocks.append(note(t(locale, "volunteer.confirmation.how_to_pause")))
    return message(title, blocks)


def availability_answer(locale: str, key: str, menu: Message) -> Message:
    """A sentence saying what pausing or resuming did, above the person's refreshed menu."""
    text = t(locale, f"availability.{key}")
    return message(text, [section(text), *menu.blocks])
