"""The two match DMs, in both languages."""

from __future__ import annotations

import pytest

from bot import ids
from bot.messages import match as builders
from bot.programme import Topic
from bot.slack_double.web_api import block_kit_problem
from tests.factories import action_ids, shown_text

LOCALES = ["fr", "en"]
CAREERS = Topic("careers", {"fr": "Orientation et carrière", "en": "Careers and orientation"})


@pytest.mark.parametrize("locale", LOCALES)
def test_student_learns_who_their_mentor_is_what_they_share_and_that_they_write_first(locale: str) -> None:
    dm = builders.match_for_student(
        locale,
        mentor_user_id="UMENTOR",
        shared_topics=[CAREERS],
        shared_language="fr",
        charter_text="1. Be kind <!here>",
        mentorship_id=12,
        team_id="T0001",
    )

    assert block_kit_problem(blocks=dm.blocks) is None
    text = shown_text(dm)
    assert "<@UMENTOR>" in text
    assert CAREERS.label(locale) in text and {"en": "French", "fr": "Français"}[locale] in text
    assert ("first contact is on you" if locale == "en" else "C'est à vous de faire le premier pas") in text
    assert "1. Be kind &lt;!here&gt;" in text
    assert action_ids(dm) == [ids.BOOKING_OPEN_DM, ids.BOOKING_PROPOSE, ids.FIRST_CONTACT_DONE]
    open_dm, propose, contacted = dm.blocks[-1]["elements"]
    assert open_dm["url"] == "slack://user?team=T0001&id=UMENTOR"  # Slack's deep link into the DM
    assert propose["value"] == contacted["value"] == "12"


@pytest.mark.parametrize("locale", LOCALES)
def test_student_dm_once_first_contact_is_recorded_keeps_only_the_booking(locale: str) -> None:
    dm = builders.match_for_student(
        locale,
        mentor_user_id="UMENTOR",
        shared_topics=[],
        shared_language=None,
        charter_text="x" * 5000,
        mentorship_id=12,
        first_contact_recorded=True,
    )

    assert block_kit_problem(blocks=dm.blocks) is None
    assert action_ids(dm) == [ids.BOOKING_PROPOSE]
    assert "✅" in shown_text(dm)


@pytest.mark.parametrize("locale", LOCALES)
def test_mentor_learns_who_and_what_escaped_and_that_the_student_writes_first(locale: str) -> None:
    dm = builders.match_for_mentor(
        locale, student_user_id="USTU", topics=[CAREERS], request_message="<!channel> hello", language="en"
    )

    assert block_kit_problem(blocks=dm.blocks) is None
    text = shown_text(dm)
    assert "<@USTU>" in text
    assert "&lt;!channel&gt; hello" in text and "<!channel>" not in text
    assert action_ids(dm) == []
