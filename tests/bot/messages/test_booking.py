"""The booking's modal and messages, in both languages at their worst case, validated as Slack would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import ids
from bot.messages import booking as messages
from bot.messages.booking import Meeting
from bot.slack_double.web_api import block_kit_problem
from tests.factories import action_ids, shown_text

LOCALES = ["fr", "en"]
SLOTS = [datetime(2026, 9, 10 + day, 16, 0, tzinfo=UTC) for day in range(3)]
# The longest link a mentor or an admin may give, every character of it one to escape.
WORST_LINK = "https://x/" + "&" * (messages.LINK_MAX_LENGTH - 10)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_booking_modal_offers_three_times_a_mode_and_whose_link(locale: str) -> None:
    view = messages.booking_modal(
        locale, metadata="m12", partner_user_id="UMEN", school_link=WORST_LINK, mentor_link=WORST_LINK
    )

    assert block_kit_problem(view=view) is None
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [block["element"]["type"] for block in inputs] == ["datetimepicker"] * 3 + ["radio_buttons"] * 2
    assert [block.get("optional", False) for block in inputs[:3]] == [False, True, True]
    assert [option["value"] for option in inputs[4]["element"]["options"]] == ["school", "mentor"]


@pytest.mark.parametrize("locale", LOCALES)
def test_without_any_link_the_modal_offers_a_huddle(locale: str) -> None:
    view = messages.booking_modal(
        locale, metadata="b3", partner_user_id="UMEN", school_link=None, mentor_link=None
    )

    assert block_kit_problem(view=view) is None
    assert "huddle" in str(view["blocks"][-1]["element"]["options"]).lower()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_proposal_has_a_pick_per_time_in_the_readers_zone_and_none_of_these(locale: str) -> None:
    shown = messages.proposal(
        locale,
        booking_id=7,
        proposer_user_id="USTU",
        slots=SLOTS,
        tz_name="America/New_York",
        meeting=Meeting("video", WORST_LINK + "<!channel>"),
    )

    assert block_kit_problem(blocks=shown.blocks) is None
    picks = [block["accessory"] for block in shown.blocks if "accessory" in block]
    assert [(pick["action_id"], pick["value"]) for pick in picks] == [
        (ids.BOOKING_PICK_1, "7"),
        (ids.BOOKING_PICK_2, "7"),
        (ids.BOOKING_PICK_3, "7"),
    ]
    assert action_ids(shown) == [ids.BOOKING_NONE_FIT]
    assert "|2026-09-10 12:00 (America/New_York)>" in shown_text(shown)
    assert "<!channel>" not in shown_text(shown) and "&lt;!channel&gt;" in shown_text(shown)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("mode", messages.MODES)
def test_a_booked_meeting_says_when_and_how_with_reschedule_and_cancel(locale: str, mode: str) -> None:
    for attached in (True, False):
        shown = messages.booked(
            locale,
            booking_id=7,
            partner_user_id="UMEN",
            starts_at=SLOTS[0],
            tz_name="Europe/Paris",
            meeting=Meeting(mode, WORST_LINK if mode == "video" else None),
            invitation_attached=attached,
        )

        assert block_kit_problem(blocks=shown.blocks) is None
        assert action_ids(shown) == [ids.BOOKING_RESCHEDULE, ids.BOOKING_CANCEL]
        assert "|2026-09-10 18:00 (Europe/Paris)>" in shown.text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_other_messages_render(locale: str) -> None:
    shown = [
        messages.proposal_sent(locale, partner_user_id="UMEN", slots=SLOTS, tz_name=None),
        messages.none_fit_for_proposer(locale, partner_user_id="UMEN", mentorship_id=12),
        messages.none_fit_answered(locale, proposer_user_id="USTU"),
        messages.cancelled(locale, by_user_id=None, starts_at=SLOTS[0], tz_name="Europe/Paris"),
        messages.cancelled(locale, by_user_id="UMEN", starts_at=None, tz_name=None),
    ]

    for one in shown:
        assert one.text and block_kit_problem(blocks=one.blocks) is None
    assert action_ids(shown[1]) == [ids.BOOKING_PROPOSE]


def test_only_web_addresses_are_links() -> None:
    assert messages.valid_link(" https://meet.jit.si/abc ") == "https://meet.jit.si/abc"
    assert messages.valid_link("javascript:alert(1)") is None
    assert messages.valid_link("https://a b") is None
    assert messages.valid_link("https://" + "a" * messages.LINK_MAX_LENGTH) is None
