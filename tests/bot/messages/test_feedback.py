"""The feedback loop's builders render valid Block Kit in both languages at their worst case: the longest
comment of characters that escaping lengthens most, a full page, a full history, the biggest counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import ids
from bot.messages import feedback as messages
from bot.messages import followups as followup_messages
from bot.messages.followups import COMMENT_MAX_LENGTH, FollowupContent
from bot.messages.kit import MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS
from bot.slack_double.web_api import block_kit_problem
from storage.models import SCHEDULED_KINDS, FollowupKind

WHEN = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
LOCALES = ("fr", "en")
WORST_TEXT = ("<&>\n" * COMMENT_MAX_LENGTH)[:COMMENT_MAX_LENGTH]
ALERT = messages.Alert(
    team_id="T0001",
    since=WHEN,
    student_user_id="USTU",
    mentor_user_id="UMEN",
    mentorship_id=123456789,
    live=True,
    comment=WORST_TEXT,
    rater_user_id="USTU",
    rating=1,
    survey="closing",
)
ALERT_KINDS = (
    FollowupKind.ADMIN_LOW_RATING,
    FollowupKind.ADMIN_NO_FIRST_CONTACT,
    FollowupKind.ADMIN_DORMANT,
    FollowupKind.ADMIN_NOT_A_GOOD_FIT,
    FollowupKind.ADMIN_REQUEST_UNMATCHED,
)


def valid(blocks: list[dict]) -> bool:
    return block_kit_problem(blocks=blocks) is None and len(blocks) <= MAX_MESSAGE_BLOCKS


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", ALERT_KINDS)
def test_every_alert_renders_at_worst_case_with_its_buttons_and_the_comment_escaped(
    locale: str, kind: FollowupKind
) -> None:
    content = FollowupContent(
        followup_id=42,
        kind=kind,
        student_user_id="USTU",
        mentor_user_id="UMEN",
        days=9999,
        mentorship_id=123456789,
        alert=ALERT,
    )
    shown = followup_messages.followup_message(locale, content)

    assert valid(shown.blocks)
    text = str(shown.blocks)
    assert "<&>" not in text and "&lt;&amp;&gt;" in text
    actions = [e for b in shown.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in actions] == [
        ids.ADMIN_PAIR_HISTORY,
        ids.ADMIN_CONTACT_STUDENT,
        ids.ADMIN_CONTACT_MENTOR,
        ids.ADMIN_CLOSE_PAIR,
    ]
    assert actions[1]["url"] == "slack://user?team=T0001&id=USTU"


@pytest.mark.parametrize("locale", LOCALES)
def test_an_alert_without_a_pair_only_offers_to_contact_the_student(locale: str) -> None:
    alert = messages.Alert(team_id="T0001", since=WHEN, student_user_id="USTU")
    blocks = messages.alert_blocks(locale, "x", alert)
    assert valid(blocks)
    assert [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]] == [
        ids.ADMIN_CONTACT_STUDENT
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_digest_renders_with_big_counts(locale: str) -> None:
    shown = messages.digest(locale, messages.Digest(WHEN, 10**9, 10**9, 10**9, 10**9, 10**9), "42")
    assert valid(shown.blocks) and "1000000000" in shown.text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", ["comment", "decline", "end"])
def test_a_full_feedback_page_renders_at_worst_case(locale: str, kind: str) -> None:
    items = [
        messages.Written(
            kind, WHEN - timedelta(days=n), "UAUTHOR", "UABOUT", 1 if n % 2 else None, WORST_TEXT
        )
        for n in range(messages.FEEDBACK_PAGE)
    ]
    shown = messages.feedback_page(
        locale, items, period_label="x" * 40, period_word="term", offset=999_990, has_more=True
    )
    assert valid(shown.blocks)
    assert "<&>" not in str(shown.blocks)
    assert [e["action_id"] for b in shown.blocks if b["type"] == "actions" for e in b["elements"]] == [
        ids.FEEDBACK_MORE,
        ids.FEEDBACK_CSV,
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_an_empty_feedback_page_says_so(locale: str) -> None:
    shown = messages.feedback_page(locale, [], period_label="p", period_word="all", offset=0, has_more=False)
    assert valid(shown.blocks)
    assert [e["action_id"] for b in shown.blocks if b["type"] == "actions" for e in b["elements"]] == [
        ids.FEEDBACK_CSV
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_full_history_renders(locale: str) -> None:
    whats = ["started", "ended", "fit", "meeting", "survey_first_meeting", "survey_closing"] + [
        kind.value for kind in SCHEDULED_KINDS
    ]
    entries = [
        messages.HistoryEntry(WHEN + timedelta(days=n), whats[n % len(whats)], "UWHO", WORST_TEXT)
        for n in range(messages.HISTORY_LINES * 2)
    ]
    view = messages.pair_history_modal(locale, "USTU", "UMEN", entries)
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS and block_kit_problem(view=view) is None


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("channel", [None, "C0123456789"])
def test_the_admin_channel_modal_and_its_answers_render(locale: str, channel: str | None) -> None:
    view = messages.admin_channel_modal(locale, channel)
    assert block_kit_problem(view=view) is None
    [element] = [b["element"] for b in view["blocks"] if b["type"] == "input"]
    assert element["type"] == "conversations_select" and element["filter"]["include"] == ["public", "private"]
    for changed in (True, False):
        assert valid(messages.admin_channel_saved(locale, channel, changed).blocks)
    assert messages.admin_channel_text(locale, channel)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_pair_and_the_admin_are_told_of_a_close(locale: str) -> None:
    assert valid(messages.closed_for_pair(locale, "UMEN").blocks)
    assert valid(messages.closed_by_admin(locale, "USTU", None).blocks)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_comment_modal_says_the_admins_will_read_it(locale: str) -> None:
    view = followup_messages.comment_modal(locale, 42)
    assert block_kit_problem(view=view) is None
    assert any("admin" in str(block) for block in view["blocks"])
