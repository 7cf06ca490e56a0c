"""Ending a mentorship: the modal and what each side is told, in both languages."""

from __future__ import annotations

import pytest

from bot import ids
from bot.messages.mentorships import (
    MAX_REASON_LENGTH,
    end_modal,
    end_refused,
    end_unavailable_modal,
    ended_for_ender,
    ended_for_other_side,
)

LOCALES = ["fr", "en"]


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_end_modal_carries_the_mentorship_and_an_optional_bounded_reason(locale: str) -> None:
    view = end_modal(locale, 42, "UOTHER")

    assert view["callback_id"] == ids.END_MENTORSHIP_VIEW
    assert view["private_metadata"] == "42"
    reason = next(b for b in view["blocks"] if b["type"] == "input")
    assert reason["optional"] is True
    assert reason["element"]["max_length"] == MAX_REASON_LENGTH
    assert "<@UOTHER>" in view["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_unavailable_modal_cannot_be_submitted(locale: str) -> None:
    assert "submit" not in end_unavailable_modal(locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_only_students_are_offered_a_new_mentor(locale: str) -> None:
    assert action_ids(ended_for_ender(locale, "UMENTOR", ender_is_student=True).blocks) == [
        ids.OPEN_REQUEST_MODAL
    ]
    assert action_ids(ended_for_ender(locale, "USTUDENT", ender_is_student=False).blocks) == []
    assert action_ids(ended_for_other_side(locale, "UMENTOR", recipient_is_student=True).blocks) == [
        ids.OPEN_REQUEST_MODAL
    ]
    assert action_ids(ended_for_other_side(locale, "USTUDENT", recipient_is_student=False).blocks) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_refusals_say_why(locale: str) -> None:
    assert end_refused(locale, already_ended=True).text != end_refused(locale, already_ended=False).text
