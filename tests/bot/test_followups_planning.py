"""The planning rules and quiet hours, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.followups import match_followups, next_window_start, zone_of
from storage.models import Mentorship, ProgrammeSettings

STARTED = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)


def settings(**changes: int) -> ProgrammeSettings:
    defaults = dict(
        first_contact_check_days=3,
        first_contact_reminder_days=7,
        first_contact_escalation_days=14,
        survey_delay_days=30,
        meeting_prompt_interval_days=30,
        mentorship_term_days=182,
    )
    return ProgrammeSettings(team_id="T0001", topics=[], **{**defaults, **changes})


def a_mentorship() -> Mentorship:
    return Mentorship(
        id=7,
        team_id="T0001",
        student_id=1,
        mentor_id=2,
        started_at=STARTED,
        term_ends_at=STARTED + timedelta(182),
    )


def test_a_match_plans_the_first_contact_checks_survey_prompts_and_end_of_term() -> None:
    planned = {
        (item.kind, item.recipient_id, str(item.period)): item.due_at
        for item in match_followups(a_mentorship(), settings())
    }

    day = lambda n: STARTED + timedelta(days=n)  # noqa: E731
    assert planned == {
        ("first_contact_check", 2, "m7"): day(3),
        ("first_contact_reminder", 1, "m7"): day(7),
        ("first_contact_escalation", 1, "m7"): day(14),
        ("first_contact_escalation", 2, "m7"): day(14),
        ("first_meeting_survey", 1, "m7"): day(30),
        ("first_meeting_survey", 2, "m7"): day(30),
        **{("meeting_prompt", who, f"m7:p{k}"): day(30 + 30 * k) for k in range(1, 5) for who in (1, 2)},
        ("end_of_term", 1, "m7:t2027-03-08"): day(175),
        ("end_of_term", 2, "m7:t2027-03-08"): day(175),
    }


def test_the_school_sets_the_cadences() -> None:
    planned = match_followups(
        a_mentorship(), settings(first_contact_check_days=2, meeting_prompt_interval_days=60)
    )

    check = next(item for item in planned if item.kind == "first_contact_check")
    prompts = sorted({item.due_at for item in planned if item.kind == "meeting_prompt"})
    assert check.due_at == STARTED + timedelta(days=2)
    assert prompts == [STARTED + timedelta(days=90), STARTED + timedelta(days=150)]


def test_inside_working_hours_a_message_goes_at_once() -> None:
    monday_10_paris = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
    assert next_window_start(monday_10_paris, "Europe/Paris", 9, 18) == monday_10_paris


def test_friday_evening_waits_for_monday_morning_in_the_recipients_zone() -> None:
    friday_19_paris = datetime(2026, 9, 11, 17, 0, tzinfo=UTC)
    assert next_window_start(friday_19_paris, "Europe/Paris", 9, 18) == datetime(
        2026, 9, 14, 7, 0, tzinfo=UTC
    )
    assert next_window_start(friday_19_paris, "America/Los_Angeles", 9, 18) == friday_19_paris  # 10:00 there


def test_an_unknown_time_zone_falls_back_to_the_schools() -> None:
    assert zone_of("Mars/Olympus_Mons").key == "Europe/Paris"
    assert zone_of(None).key == "Europe/Paris"


ZONES = st.sampled_from(["Europe/Paris", "America/New_York", "Asia/Tokyo", "Pacific/Auckland", "UTC"])


@given(
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)),
    tz=ZONES,
    start=st.integers(0, 12),
    length=st.integers(1, 12),
)
def test_the_window_start_is_never_earlier_than_now_and_always_in_working_hours(
    now: datetime, tz: str, start: int, length: int
) -> None:
    end = start + length
    opens = next_window_start(now, tz, start, end)

    local = opens.astimezone(zone_of(tz))
    assert opens >= now
    assert opens - now < timedelta(days=4)
    assert local.weekday() < 5 and start <= local.hour < end
    if opens > now:  # held: exactly at a window's start, and no window opened in between
        assert (local.hour, local.minute, local.second) == (start, 0, 0)
        assert next_window_start(opens - timedelta(minutes=1), tz, start, end) == opens
