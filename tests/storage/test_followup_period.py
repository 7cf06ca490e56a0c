"""A follow-up's period is one typed value, written and read the same way everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.models import FollowupPeriod


@pytest.mark.parametrize(
    "text",
    ["m12", "m12:p3", "m12:p3:r2", "m12:t2027-03-01", "m12:d2026-11-02", "r5", "w40", "2026-T3", "a"],
)
def test_a_period_reads_back_as_it_was_written(text: str) -> None:
    assert str(FollowupPeriod.parse(text)) == text


def test_a_request_scope_is_not_mistaken_for_a_reminder() -> None:
    assert FollowupPeriod.parse("r5") == FollowupPeriod(scope="r5")
    assert FollowupPeriod.parse("m12:p3:r2") == FollowupPeriod("m12", "p3", reminder=2)


def test_a_reminder_answers_the_prompt_it_reminds_of() -> None:
    prompt = FollowupPeriod.of_mentorship(12, "p3")

    again = prompt.reminded().reminded()

    assert str(again) == "m12:p3:r2" and again.asked == prompt


def test_the_end_of_term_question_names_its_term() -> None:
    period = FollowupPeriod.of_mentorship(12, "t2027-03-01")

    assert period.is_term_ending(datetime(2027, 3, 1, 8, tzinfo=UTC))
    assert not period.is_term_ending(datetime(2027, 9, 1, 8, tzinfo=UTC))
