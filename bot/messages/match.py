"""The two DMs of a match: to the student (the first contact is on them) and to the mentor."""

from __future__ import annotations

from collections.abc import Sequence

from bot import ids
from bot.i18n import t
from bot.messages.kit import Message, button, buttons, escape, link_button, mention, message, note, section
from bot.messages.requests import MAX_SECTION_TEXT, language_name, quoted, topic_labels
from bot.messages.topics import Topic


def match_for_student(
    locale: str,
    *,
    mentor_user_id: str,
    shared_topics: Sequence[Topic],
    shared_language: str | None,
    charter_text: str,
    mentorship_id: int,
    first_contact_recorded: bool = False,
    team_id: str = "",
) -> Message:
    """Who the mentor is, what they share, and plainly that the student writes first.

    Once the student says they made contact, the button gives way to a line saying it was recorded.
    Two ways to make that contact easy stay: a link straight into the DM with the mentor (Slack's deep
    link `slack://user?team=…&id=…`, docs.slack.dev "Deep linking into Slack") and "Propose times",
    the modal that books the first meeting (`bot.booking`).
    """
    mentor = mention(mentor_user_id)
    title = t(locale, "match.student_title", mentor=mentor)
    shared = []
    if shared_topics:
        shared.append(t(locale, "match.shared_topics", topics=topic_labels(locale, shared_topics)))
    if shared_language:
        shared.append(t(locale, "match.shared_language", language=language_name(locale, shared_language)))
    blocks = [section(title)]
    if shared:
        blocks.append(section("\n".join(shared)))
    blocks += [
        section(t(locale, "match.first_contact_on_you", mentor=mentor)),
        section(t(locale, "match.charter", charter=escape(charter_text))[:MAX_SECTION_TEXT]),
    ]
    booking_buttons = [
        button(t(locale, "booking.propose"), ids.BOOKING_PROPOSE, str(mentorship_id), style="primary"),
    ]
    if team_id:
        booking_buttons.insert(
            0,
            link_button(
                t(locale, "booking.open_dm"),
                ids.BOOKING_OPEN_DM,
                f"slack://user?team={team_id}&id={mentor_user_id}",
            ),
        )
    if first_contact_recorded:
        blocks.append(section(t(locale, "match.first_contact_recorded")))
        blocks.append(buttons(*booking_buttons))
    else:
        blocks.append(
            buttons(
                *booking_buttons,
                button(
                    t(locale, "match.first_contact_button"),
                    ids.FIRST_CONTACT_DONE,
                    str(mentorship_id),
                ),
            )
        )
    return message(t(locale, "match.student_fallback", mentor=mentor), blocks)


def match_for_mentor(
    locale: str, *, student_user_id: str, topics: Sequence[Topic], request_message: str, language: str
) -> Message:
    """Who the mentee is, what they asked (escaped), and that they will make the first move."""
    student = mention(student_user_id)
    title = t(locale, "match.mentor_title", student=student)
    details = "\n".join(
        [
            t(locale, "offer.topics", topics=topic_labels(locale, topics)),
            t(locale, "offer.language", language=language_name(locale, language)),
        ]
    )
    return message(
        title,
        [
            section(title),
            section(details),
            section(t(locale, "offer.their_message", message=quoted(request_message))[:MAX_SECTION_TEXT]),
            section(t(locale, "match.student_writes_first", student=student)),
            note(t(locale, "match.mentor_tip")),
        ],
    )
