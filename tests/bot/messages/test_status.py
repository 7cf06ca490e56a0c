"""The status builder, rendered in both languages against Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import ids
from bot.messages.kit import MAX_MESSAGE_BLOCKS, slack_date
from bot.messages.status import status_message
from bot.status import CurrentMentorship, MentorAvailability, OpenRequest, PendingOffer, PersonStatus
from storage.models import Role

WHEN = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
LOCALES = ["fr", "en"]


def busy_mentor(mentorships: int = 2) -> PersonStatus:
    return PersonStatus(
        user_id="UMENTOR",
        role=Role.ALUMNUS,
        mentor=MentorAvailability(topics=["Careers", "Arts"], capacity=5, load=mentorships, paused=False),
        pending_offers=[PendingOffer(offer_id=7, student_user_id="UASKING", offered_at=WHEN)],
        mentorships=[
            CurrentMentorship(
                mentorship_id=i,
                other_user_id=f"USTUDENT{i}",
                is_mentor=True,
                started_at=WHEN,
                first_contact_at=WHEN if i % 2 else None,
                dormant=i == 3,
            )
            for i in range(1, mentorships + 1)
        ],
    )


def texts(blocks: list[dict]) -> str:
    return "\n".join(block.get("text", {}).get("text", "") for block in blocks)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_mentors_status_shows_load_offers_and_one_end_button_per_mentorship(locale: str) -> None:
    message = status_message(locale, busy_mentor(3))

    end_values = [b["accessory"]["value"] for b in message.blocks if b.get("accessory")]
    assert end_values == ["1", "2", "3"]
    assert all(
        b["accessory"]["action_id"] == ids.END_MENTORSHIP for b in message.blocks if b.get("accessory")
    )
    assert "<@UASKING>" in texts(message.blocks)
    assert "3" in texts(message.blocks) and "5" in texts(message.blocks)


@pytest.mark.parametrize("locale", LOCALES)
def test_many_mentorships_stay_within_slacks_block_limit(locale: str) -> None:
    message = status_message(locale, busy_mentor(60))

    assert len(message.blocks) <= MAX_MESSAGE_BLOCKS


@pytest.mark.parametrize("locale", LOCALES)
def test_a_waiting_students_status_says_the_request_waits(locale: str) -> None:
    status = PersonStatus(
        user_id="USTUDENT",
        role=Role.STUDENT,
        open_request=OpenRequest(request_id=1, topics=["Arts"], created_at=WHEN, pending_offers=0),
    )

    text = texts(status_message(locale, status).blocks)

    assert "Arts" in text
    assert slack_date(WHEN) in text
    assert ("patiente" if locale == "fr" else "waits") in text


def test_a_partner_who_left_the_workspace_is_named_without_a_mention() -> None:
    status = PersonStatus(
        user_id="USTUDENT",
        role=Role.STUDENT,
        mentorships=[CurrentMentorship(1, None, False, WHEN, None, False)],
    )

    assert "a member who has left the workspace" in texts(status_message("en", status).blocks)


def test_dates_render_in_the_readers_time_zone_with_an_iso_fallback() -> None:
    assert slack_date(WHEN) == f"<!date^{int(WHEN.timestamp())}^{{date_long}}|2026-09-07>"
