"""The re-send rows, the campaign line, the impact note, "mentor to thank", the kudos and thank-you modals:
every builder in both languages at its worst case, checked against Block Kit's limits."""

from __future__ import annotations

import dataclasses

import pytest

from bot import ids
from bot.i18n import t
from bot.messages import followups as followup_messages
from bot.messages import recognition as messages
from bot.messages.followups import FollowupContent
from bot.messages.kit import Message
from bot.messages.recognition import CampaignFigures, FailedDelivery, ImpactFigures
from bot.messages.stats import ChartNote, report
from bot.messages.topics import Topic
from bot.slack_double.web_api import block_kit_problem
from storage.models import FollowupKind
from tests.bot.messages.test_stats import FIGURES, LABELS

LOCALES = ["fr", "en"]
HOSTILE = "<!channel> & <@U123> " * 100  # far longer than a section once escaped
WORST_IMPACT = ImpactFigures(students=999, meetings=99_999, average_rating=4.666)


def assert_valid(message: Message) -> None:
    assert block_kit_problem(blocks=message.blocks) is None
    assert len(message.blocks) <= 50
    assert message.text
    assert all(len(block["text"]["text"]) <= 3000 for block in message.blocks if block["type"] == "section")


def texts(message: Message) -> str:
    return "\n".join(block["text"]["text"] for block in message.blocks if block["type"] == "section")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_report_lists_ten_failed_followups_with_resend_and_the_campaign_at_worst(locale: str) -> None:
    failed = tuple(
        FailedDelivery(10_000_000 + n, "first_contact_escalation", f"U{n:010d}", "x`<&>" * 200)
        for n in range(12)
    )
    figures = dataclasses.replace(
        FIGURES,
        failed_deliveries=failed,
        campaign=CampaignFigures("2026-T3", 99_999, 99_999, 99_999, 99_999),
        delivery_paused_by="invalid_auth",
    )

    shown = report(locale, figures, LABELS, chart=ChartNote.FAILED)

    assert_valid(shown)
    resend = [
        b["accessory"]["value"]
        for b in shown.blocks
        if (b.get("accessory") or {}).get("action_id") == ids.RESEND_FOLLOWUP
    ]
    assert resend == [str(10_000_000 + n) for n in range(10)]  # the latest ten only
    actions = [e["action_id"] for b in shown.blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions == [ids.RESEND_ALL_FOLLOWUPS, ids.EXPORT_STATS_CSV]
    assert "2026-T3" in texts(shown) and "<&>" not in texts(shown)


def test_a_report_without_failures_or_campaign_shows_neither() -> None:
    shown = report("en", FIGURES, LABELS, chart=ChartNote.SENT)

    assert "Failed follow-ups" not in texts(shown) and "Recruiting campaign" not in texts(shown)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("moved", [0, 99_999])
def test_the_resend_answer_renders(locale: str, moved: int) -> None:
    assert_valid(messages.resent(locale, moved, moved, moved, moved))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", [FollowupKind.MENTOR_THANKS, FollowupKind.MENTOR_YEAR_IMPACT])
def test_the_impact_note_renders_with_a_hostile_thank_you_escaped(locale: str, kind: FollowupKind) -> None:
    content = FollowupContent(
        followup_id=2**31,
        kind=kind,
        student_user_id="U0123456789",
        impact=WORST_IMPACT,
        thanks=(("fr", HOSTILE), ("en", HOSTILE)),
    )

    shown = followup_messages.followup_message(locale, content)

    assert_valid(shown)
    assert "<!channel>" not in texts(shown) and "&lt;!channel&gt;" in texts(shown)
    assert ("<@U0123456789>" in texts(shown)) is (kind is FollowupKind.MENTOR_THANKS)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_impact_note_without_a_rating_or_school_text_uses_the_bots_words(locale: str) -> None:
    content = FollowupContent(
        followup_id=1, kind=FollowupKind.MENTOR_YEAR_IMPACT, impact=ImpactFigures(0, 0, None)
    )

    shown = texts(followup_messages.followup_message(locale, content))

    assert t(locale, "recognition.no_rating") in shown
    assert t(locale, "recognition.thanks_default") in shown


@pytest.mark.parametrize("locale", LOCALES)
def test_the_mentor_to_thank_notice_offers_ask_to_share(locale: str) -> None:
    content = FollowupContent(
        followup_id=2**31,
        kind=FollowupKind.ADMIN_MENTOR_TO_THANK,
        mentor_user_id="U0123456789",
        impact=WORST_IMPACT,
    )

    shown = followup_messages.followup_message(locale, content)

    assert_valid(shown)
    [ask] = [e for b in shown.blocks if b["type"] == "actions" for e in b["elements"]]
    assert (ask["action_id"], ask["value"]) == (ids.KUDOS_ASK, str(2**31))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_student_reminder_leads_with_their_topics(locale: str) -> None:
    topics = tuple(Topic(key=f"k{n}", labels={"fr": "<b>" * 10, "en": "<b>" * 10}) for n in range(30))
    content = FollowupContent(
        followup_id=1,
        kind=FollowupKind.STUDENT_REMINDER,
        mentors=999,
        new_mentors=99,
        days=28,
        student_topics=topics,
        mentors_in_topics=999,
    )

    shown = followup_messages.followup_message(locale, content)

    assert_valid(shown)
    assert texts(shown).startswith(t(locale, "recognition.reminder_topics", topics="", mentors=999)[:8])
    assert "<b>" not in texts(shown)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_kudos_messages_and_modals_render(locale: str) -> None:
    channel = "C0123456789"
    for shown in (
        messages.consent_question(locale, 2**31, channel),
        messages.consent_asked(locale, "U0123456789", channel),
        messages.consent_answered(locale, True, channel),
        messages.consent_answered(locale, False, channel),
        messages.kudos_post(locale, "U0123456789", WORST_IMPACT, HOSTILE),
        messages.notice(locale, "recognition.thanks_saved"),
    ):
        assert_valid(shown)
        assert "<!channel>" not in texts(shown)
    buttons = [
        e["action_id"]
        for b in messages.consent_question(locale, 1, channel).blocks
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == [ids.KUDOS_YES, ids.KUDOS_NO]
    kudos_modal = messages.kudos_modal(locale, "U0123456789", 2**31)
    assert block_kit_problem(view=kudos_modal) is None
    assert kudos_modal["private_metadata"] == str(2**31)
    long_thanks = "é" * messages.THANKS_MAX_LENGTH * 2
    assert block_kit_problem(view=messages.thanks_modal(locale, long_thanks, long_thanks)) is None
    assert block_kit_problem(view=messages.thanks_modal(locale, "", "")) is None
