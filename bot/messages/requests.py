"""What a student sees when asking for a mentor: the request modal and the answers around it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
)

from bot import ids
from bot.i18n import SUPPORTED_LOCALES, t, tn
from bot.messages.kit import Message, button, buttons, clip, escape, mention, message, modal, note, section
from bot.messages.topics import Topic

# Block and action ids of the request modal, shared by the builder and the code reading a submission.
TOPICS_BLOCK, TOPICS_INPUT = "request_topics", "topics"
MESSAGE_BLOCK, MESSAGE_INPUT = "request_message", "message"
LANGUAGE_BLOCK, LANGUAGE_INPUT = "request_language", "language"
MENTOR_BLOCK = "request_mentor"
CHARTER_BLOCK, CHARTER_INPUT = "request_charter", "charter"
CHARTER_ACCEPTED = "accepted"
VISIBILITY_BLOCK, VISIBILITY_INPUT = "request_visibility", "visible_to_mentors"
VISIBLE_TO_MENTORS = "visible"

MESSAGE_MIN_LENGTH = 10
MESSAGE_MAX_LENGTH = 1000
MAX_SECTION_TEXT = 3000
MAX_OPTION_TEXT = 75


def language_name(locale: str, language: str) -> str:
    return t(locale, f"matching.language_{language}") if language in SUPPORTED_LOCALES else language


def topic_labels(locale: str, topics: Sequence[Topic]) -> str:
    return ", ".join(topic.label(locale) for topic in topics)


def quoted(user_text: str) -> str:
    """A person's words, escaped and shown as a quote."""
    return "\n".join("> " + line for line in escape(user_text).splitlines() or [""])


def _option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=clip(label, MAX_OPTION_TEXT)), value=value)


def request_modal(
    locale: str,
    topics: Sequence[Topic],
    charter_text: str,
    charter_version: int,
    default_language: str,
    preferred_mentor: tuple[int, str | None] | None = None,
) -> dict:
    """The modal a student fills in to ask for a mentor; `preferred_mentor` (member id, name) is the
    mentor already chosen, when the student came from the directory.

    `private_metadata` carries the student's language and the charter version shown, so that the
    submission can be checked at once (in the ack) and the accepted version recorded exactly.
    """
    languages = [_option(language_name(locale, language), language) for language in SUPPORTED_LOCALES]
    initial_language = next(
        (option for option in languages if option.value == default_language), languages[0]
    )
    charter_box = _option(t(locale, "request.charter_accept"), CHARTER_ACCEPTED)
    visible_box = Option(
        text=PlainTextObject(text=t(locale, "queue.request_visibility_option")),
        value=VISIBLE_TO_MENTORS,
        description=PlainTextObject(text=t(locale, "queue.request_visibility_hint")),
    )
    blocks = [
        section(t(locale, "request.intro")),
        InputBlock(
            block_id=TOPICS_BLOCK,
            label=PlainTextObject(text=t(locale, "request.topics_label")),
            element=StaticMultiSelectElement(
                action_id=TOPICS_INPUT,
                placeholder=PlainTextObject(text=t(locale, "request.topics_placeholder")),
                options=[_option(topic.label(locale), topic.key) for topic in topics],
            ),
        ),
        InputBlock(
            block_id=MESSAGE_BLOCK,
            label=PlainTextObject(text=t(locale, "request.message_label")),
            hint=PlainTextObject(
                text=t(locale, "request.message_hint", minimum=MESSAGE_MIN_LENGTH, maximum=MESSAGE_MAX_LENGTH)
            ),
            element=PlainTextInputElement(
                action_id=MESSAGE_INPUT, multiline=True, max_length=MESSAGE_MAX_LENGTH
            ),
        ),
        InputBlock(
            block_id=LANGUAGE_BLOCK,
            label=PlainTextObject(text=t(locale, "request.language_label")),
            element=StaticSelectElement(
                action_id=LANGUAGE_INPUT, options=languages, initial_option=initial_language
            ),
        ),
        InputBlock(
            block_id=MENTOR_BLOCK,
            optional=True,
            label=PlainTextObject(text=t(locale, "request.mentor_label")),
            hint=PlainTextObject(text=t(locale, "request.mentor_hint")),
            element=ExternalDataSelectElement(
                action_id=ids.PREFERRED_MENTOR_SELECT,
                placeholder=PlainTextObject(text=t(locale, "request.mentor_placeholder")),
                min_query_length=0,
                initial_option=_option(
                    preferred_mentor[1] or t(locale, "request.unnamed_mentor"), str(preferred_mentor[0])
                )
                if preferred_mentor is not None
                else None,
            ),
        ),
        InputBlock(
            block_id=VISIBILITY_BLOCK,
            optional=True,
            label=PlainTextObject(text=t(locale, "queue.request_visibility_label")),
            element=CheckboxesElement(
                action_id=VISIBILITY_INPUT,
                options=[visible_box],
                initial_options=[visible_box],  # on by default; unticking it keeps the request private
            ),
        ),
        section(
            clip(
                t(locale, "request.charter_title") + "\n" + escape(charter_text),
                MAX_SECTION_TEXT,
            )
        ),
        InputBlock(
            block_id=CHARTER_BLOCK,
            label=PlainTextObject(text=t(locale, "request.charter_label")),
            element=CheckboxesElement(
                action_id=CHARTER_INPUT,
                options=[charter_box],
            ),
        ),
    ]
    return modal(
        callback_id=ids.REQUEST_VIEW,
        title=t(locale, "request.modal_title"),
        submit=t(locale, "request.submit"),
        close=t(locale, "request.close"),
        private_metadata=json.dumps({"locale": locale, "charter_version": charter_version}),
        blocks=blocks,
    )


def mentor_options(
    locale: str, mentors: Sequence[tuple[int, str | None, str | None, str | None]]
) -> list[dict]:
    """Options of the "specific mentor" search box: name, then job title or industry when known.

    Each mentor is `(member_id, display_name, job_title, industry)`.
    """
    options = []
    for member_id, display_name, job_title, industry in mentors:
        parts = [part for part in (display_name, job_title or industry) if part]
        label = " · ".join(parts) if parts else t(locale, "request.unnamed_mentor")
        options.append(_option(label, str(member_id)).to_dict())
    return options


def request_errors(
    locale: str, *, no_topic: bool, message_length: int, no_language: bool, no_charter: bool
) -> dict[str, str]:
    """Errors to show under the modal's fields, by block id; empty when the request can go."""
    errors = {}
    if no_topic:
        errors[TOPICS_BLOCK] = t(locale, "request.error_no_topic")
    if message_length < MESSAGE_MIN_LENGTH:
        errors[MESSAGE_BLOCK] = t(locale, "request.error_message_too_short", minimum=MESSAGE_MIN_LENGTH)
    elif message_length > MESSAGE_MAX_LENGTH:
        errors[MESSAGE_BLOCK] = t(locale, "request.error_message_too_long", maximum=MESSAGE_MAX_LENGTH)
    if no_language:
        errors[LANGUAGE_BLOCK] = t(locale, "request.error_no_language")
    if no_charter:
        errors[CHARTER_BLOCK] = t(locale, "request.error_no_charter")
    return errors


def only_students(locale: str) -> Message:
    text = t(locale, "request.only_students")
    return message(text, [section(text)])


def mentorships_limit_reached(locale: str, mentors: Sequence[tuple[int, str | None]]) -> Message:
    """Instead of a new request, for a student who has as many mentorships as the school allows at once:
    each current one with "End my current mentorship first" (the End modal of that mentorship), and the
    admins as the other way. `mentors`: (mentorship id, mentor's Slack user id or None) pairs."""
    names = [mention(user_id) if user_id else t(locale, "status.someone_left") for _, user_id in mentors]
    if len(mentors) == 1:
        text = t(locale, "fit.busy", mentors=names[0])
        choices = [
            buttons(
                button(t(locale, "fit.end_first"), ids.END_MENTORSHIP, str(mentors[0][0]), style="danger")
            )
        ]
    else:
        text = t(locale, "fit.busy_many", count=len(mentors), mentors=", ".join(names))
        choices = [
            {
                **section(t(locale, "fit.end_first_with", mentor=name)),
                "accessory": button(t(locale, "fit.end_first"), ids.END_MENTORSHIP, str(mentorship_id)),
            }
            for (mentorship_id, _), name in zip(mentors, names, strict=True)
        ]
    return message(text, [section(text), *choices, section(t(locale, "fit.ask_an_admin"))])


def open_request_exists(
    locale: str, request_id: int, topics: Sequence[Topic], request_message: str
) -> Message:
    """The student's open request, instead of a second one, with a way to cancel it."""
    text = t(locale, "request.already_open")
    return message(
        text,
        [
            section(text),
            section(
                clip(
                    t(locale, "request.summary_topics", topics=topic_labels(locale, topics))
                    + "\n"
                    + t(locale, "request.summary_message", message=quoted(request_message)),
                    MAX_SECTION_TEXT,
                )
            ),
            buttons(
                button(
                    t(locale, "request.cancel_button"), ids.CANCEL_REQUEST, str(request_id), style="danger"
                )
            ),
        ],
    )


def request_sent(locale: str, offered_count: int, *, to_named_mentor: bool) -> Message:
    """The student's confirmation once their request went out to mentors."""
    if to_named_mentor:
        text = t(locale, "request.sent_to_named_mentor")
    else:
        text = tn(locale, "request.sent", offered_count)
    return message(text, [section(text), note(t(locale, "request.first_contact_reminder"))])


def request_waiting(locale: str) -> Message:
    """No mentor can take the request now: said plainly, with what happens next."""
    text = t(locale, "request.waiting")
    return message(text, [section(text)])


def request_cancelled(locale: str) -> Message:
    text = t(locale, "request.cancelled")
    return message(text, [section(text)])


def request_already_closed(locale: str) -> Message:
    text = t(locale, "request.already_closed")
    return message(text, [section(text)])
