"""The admins' feedback loop: the alerts' context and buttons, the weekly digest, what people wrote
(`/mentoring-stats feedback`), a pair's history, the admins' channel modal, and the word to a pair an
admin closed. Every text a person typed is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    PlainTextObject,
)

from bot import ids
from bot.i18n import t
from bot.messages.kit import (
    AnyBlock,
    Message,
    button,
    buttons,
    escape,
    mention,
    message,
    modal,
    note,
    section,
    slack_date,
)

FEEDBACK_PAGE = 10
HISTORY_LINES = 40
# A person's words shown in a list are cut here; the whole text is in the CSV.
SHOWN_TEXT = 500


def _who(user_id: str | None) -> str:
    return mention(user_id) if user_id else "?"


def _quote(text: str, limit: int = SHOWN_TEXT) -> str:
    """A person's words as a quote, cut before escaping (an entity is never cut in two)."""
    text = text.strip()
    text = escape(text if len(text) <= limit else text[: limit - 1] + "…")
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


# ------------------------------------------------------------------------------------------------------
# Alerts


@dataclass(frozen=True)
class Alert:
    """What an admin needs to act on an alert: who (the pair's or the student's user ids), since when,
    the comment if any, and whether the pair can still be closed."""

    team_id: str
    since: datetime | None = None
    student_user_id: str | None = None
    mentor_user_id: str | None = None
    mentorship_id: int | None = None
    live: bool = False
    comment: str | None = None
    rater_user_id: str | None = None  # a low rating: who gave it, how much, in which survey
    rating: int | None = None
    survey: str | None = None


def contact_url(team_id: str, user_id: str) -> str:
    return f"slack://user?team={team_id}&id={user_id}"


def _link(label: str, action_id: str, url: str) -> dict:
    element = button(label, action_id)
    element["url"] = url
    return element


def alert_blocks(locale: str, text: str, alert: Alert) -> list[AnyBlock]:
    """An alert's text, its context (since when, the comment escaped) and its buttons."""
    blocks: list[AnyBlock] = [section(text)]
    if alert.comment:
        blocks.append(section(t(locale, "feedback.comment", comment=_quote(alert.comment))))
    if alert.since is not None:
        blocks.append(note(t(locale, "feedback.since", date=slack_date(alert.since))))
    actions = []
    if alert.mentorship_id is not None:
        actions.append(
            button(t(locale, "feedback.history"), ids.ADMIN_PAIR_HISTORY, str(alert.mentorship_id), "primary")
        )
    if alert.student_user_id:
        actions.append(
            _link(
                t(locale, "feedback.contact_student"),
                ids.ADMIN_CONTACT_STUDENT,
                contact_url(alert.team_id, alert.student_user_id),
            )
        )
    if alert.mentor_user_id:
        actions.append(
            _link(
                t(locale, "feedback.contact_mentor"),
                ids.ADMIN_CONTACT_MENTOR,
                contact_url(alert.team_id, alert.mentor_user_id),
            )
        )
    if alert.mentorship_id is not None and alert.live:
        actions.append(
            button(t(locale, "feedback.close"), ids.ADMIN_CLOSE_PAIR, str(alert.mentorship_id), "danger")
        )
    if actions:
        blocks.append(buttons(*actions))
    return blocks


def low_rating_text(locale: str, rater: str | None, partner: str | None, rating: int, survey: str) -> str:
    return t(
        locale,
        "feedback.low_rating",
        rater=_who(rater),
        partner=_who(partner),
        rating=rating,
        survey=t(locale, f"feedback.survey_{survey}"),
    )


def closed_by_admin(locale: str, student_user_id: str | None, mentor_user_id: str | None) -> Message:
    """To the admin who clicked Close."""
    text = t(locale, "feedback.closed", student=_who(student_user_id), mentor=_who(mentor_user_id))
    return message(text, [section(text)])


def closed_for_pair(locale: str, partner_user_id: str | None) -> Message:
    """To each of a pair an admin closed: kind words, nothing of why."""
    text = t(locale, "feedback.closed_for_pair", partner=_who(partner_user_id))
    return message(text, [section(text)])


def refusal(locale: str, key: str) -> Message:
    text = t(locale, key)
    return message(text, [section(text)])


# ------------------------------------------------------------------------------------------------------
# The weekly digest


@dataclass(frozen=True)
class Digest:
    until: datetime
    requests: int
    matches: int
    first_contacts: int
    meetings: int
    open_alerts: int


def digest(locale: str, figures: Digest, value: str | None = None) -> Message:
    """The admins' Monday digest: five lines and the full report's button (`value`: the follow-up)."""
    title = t(locale, "feedback.digest_title", date=slack_date(figures.until))
    lines = "\n".join(
        [
            t(locale, "feedback.digest_requests", count=figures.requests),
            t(locale, "feedback.digest_matches", count=figures.matches),
            t(locale, "feedback.digest_first_contacts", count=figures.first_contacts),
            t(locale, "feedback.digest_meetings", count=figures.meetings),
            t(locale, "feedback.digest_alerts", count=figures.open_alerts),
        ]
    )
    return message(
        f"{title}\n{lines}",
        [
            section(f"{title}\n{lines}"),
            note(t(locale, "feedback.digest_report")),
            buttons(button(t(locale, "feedback.digest_button"), ids.DIGEST_FULL_REPORT, value)),
        ],
    )


# ------------------------------------------------------------------------------------------------------
# What people wrote


@dataclass(frozen=True)
class Written:
    kind: str  # comment, decline, end
    at: datetime
    author_user_id: str | None
    about_user_id: str | None
    rating: int | None
    text: str


def _written_line(locale: str, item: Written) -> str:
    key = f"feedback.item_{item.kind}"
    if item.kind == "comment" and item.rating is None:
        key = "feedback.item_comment_unrated"
    head = t(
        locale,
        key,
        date=slack_date(item.at),
        author=_who(item.author_user_id),
        about=_who(item.about_user_id),
        rating=item.rating or 0,
    )
    return f"{head}\n{_quote(item.text)}"


def feedback_page(
    locale: str, items: Sequence[Written], *, period_label: str, period_word: str, offset: int, has_more: bool
) -> Message:
    """One page of what people wrote, latest first, with "more" and the CSV buttons."""
    header = t(
        locale, "feedback.view_header", period=period_label, first=offset + 1, last=offset + len(items)
    )
    blocks: list[AnyBlock] = [section(header), note(t(locale, "feedback.view_note"))]
    if not items:
        blocks = [section(t(locale, "feedback.empty", period=period_label))]
    blocks += [section(_written_line(locale, item)) for item in items[:FEEDBACK_PAGE]]
    actions = []
    if has_more:
        actions.append(
            button(t(locale, "feedback.more"), ids.FEEDBACK_MORE, f"{period_word}:{offset + FEEDBACK_PAGE}")
        )
    actions.append(button(t(locale, "feedback.csv"), ids.FEEDBACK_CSV, period_word or "all"))
    blocks.append(buttons(*actions))
    return message(header, blocks)


def feedback_usage(locale: str, typed: str) -> Message:
    text = t(locale, "feedback.usage", typed=escape(typed))
    return message(text, [section(text)])


def csv_comment(locale: str) -> str:
    return t(locale, "feedback.csv_comment")


def csv_sent(locale: str) -> Message:
    text = t(locale, "feedback.csv_sent")
    return message(text, [section(text)])


def csv_failed(locale: str) -> Message:
    text = t(locale, "feedback.csv_failed")
    return message(text, [section(text)])


# ------------------------------------------------------------------------------------------------------
# A pair's history


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str
    user_id: str | None
    detail: str | None


def _history_what(locale: str, what: str) -> str:
    if what in ("started", "ended", "fit", "meeting", "survey_first_meeting", "survey_closing"):
        return t(locale, f"feedback.history_{what}")
    return t(locale, f"followups.home.kinds.{what}")


def pair_history_modal(
    locale: str, student_user_id: str | None, mentor_user_id: str | None, entries: Sequence[HistoryEntry]
) -> dict:
    """The pair's follow-ups with their answers, surveys, fit answers and meetings, oldest first."""
    blocks: list[AnyBlock] = [
        section(
            t(locale, "feedback.history_intro", student=_who(student_user_id), mentor=_who(mentor_user_id))
        )
    ]
    for entry in entries[-HISTORY_LINES:]:
        who = f" · {_who(entry.user_id)}" if entry.user_id else ""
        detail = f" · {escape(entry.detail[:300])}" if entry.detail else ""
        blocks.append(note(f"{slack_date(entry.at)} · {_history_what(locale, entry.what)}{who}{detail}"))
    return modal(
        callback_id=ids.PAIR_HISTORY_VIEW,
        title=t(locale, "feedback.history_title"),
        close=t(locale, "feedback.history_close"),
        blocks=blocks,
    )


# ------------------------------------------------------------------------------------------------------
# The admins' channel


def admin_channel_text(locale: str, channel_id: str | None) -> str:
    if channel_id:
        return t(locale, "feedback.channel_text", channel=f"<#{channel_id}>")
    return t(locale, "feedback.channel_none")


def admin_channel_modal(locale: str, channel_id: str | None) -> dict:
    """Pick the channel the admins' alerts and digest go to; empty for DMs."""
    return modal(
        callback_id=ids.ADMIN_CHANNEL_VIEW,
        title=t(locale, "feedback.channel_modal_title"),
        submit=t(locale, "feedback.channel_modal_submit"),
        close=t(locale, "feedback.channel_modal_close"),
        blocks=[
            section(t(locale, "feedback.channel_modal_hint")),
            InputBlock(
                block_id=ids.ADMIN_CHANNEL_INPUT,
                label=PlainTextObject(text=t(locale, "feedback.channel_modal_label")),
                optional=True,
                element=ConversationSelectElement(
                    action_id=ids.ADMIN_CHANNEL_INPUT,
                    initial_conversation=channel_id,
                    filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
                ),
            ),
        ],
    )


def admin_channel_saved(locale: str, channel_id: str | None, changed: bool) -> Message:
    if not changed:
        key = "feedback.channel_unchanged"
    else:
        key = "feedback.channel_saved" if channel_id else "feedback.channel_cleared"
    text = t(locale, key, channel=f"<#{channel_id}>" if channel_id else "")
    return message(text, [section(text)])
