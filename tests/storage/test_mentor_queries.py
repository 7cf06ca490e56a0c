"""Mentor profiles in the database: upserting what a mentor offers, pausing, charter acceptances."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from storage.models import CharterAcceptance, MentorLanguage, MentorProfile, MentorTopic
from storage.queries.members import get_or_create_member
from storage.queries.mentors import (
    MentorLoad,
    find_mentor_profile,
    graduation_year_of,
    has_accepted_charter,
    is_mentor,
    record_charter_acceptance,
    set_graduation_year,
    set_paused,
    upsert_mentor_profile,
)

TEAM = "T0001"
NOW = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)


def new_member(sessions, user_id: str = "UALUM") -> int:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return get_or_create_member(session, TEAM, user_id).id


def volunteer(sessions, member_id: int, now: datetime = NOW, **changes) -> MentorLoad:  # type: ignore[no-untyped-def]
    answers = {
        "topics": ["careers", "studies"],
        "languages": ["fr"],
        "industry": "Energy",
        "job_title": "Engineer",
        "capacity": 2,
        "charter_version": 1,
        **changes,
    }
    with sessions.begin() as session:
        return upsert_mentor_profile(session, member_id, TEAM, now=now, **answers)


def test_volunteering_creates_an_available_profile_with_its_topics_and_languages(sessions) -> None:  # type: ignore[no-untyped-def]
    member_id = new_member(sessions)

    load = volunteer(sessions, member_id, languages=["fr", "en"])

    assert load == MentorLoad(active_mentee_count=0, paused=False)
    with sessions.begin() as session:
        profile = find_mentor_profile(session, member_id)
        assert profile is not None
        assert (profile.team_id, profile.industry, profile.job_title, profile.capacity) == (
            TEAM,
            "Energy",
            "Engineer",
            2,
        )
        assert (profile.paused, profile.active_mentee_count, profile.charter_version) == (False, 0, 1)
        assert profile.volunteered_at == NOW
        assert sorted(row.topic for row in profile.topics) == ["careers", "studies"]
        assert sorted(row.language for row in profile.languages) == ["en", "fr"]
        assert is_mentor(session, member_id)


def test_editing_replaces_the_offer_but_keeps_load_pause_and_first_volunteering_date(sessions) -> None:  # type: ignore[no-untyped-def]
    member_id = new_member(sessions)
    volunteer(sessions, member_id)
    with sessions.begin() as session:
        session.execute(
            update(MentorProfile)
            .where(MentorProfile.member_id == member_id)
            .values(active_mentee_count=3, paused=True)
        )

    later = NOW + timedelta(days=30)
    load = volunteer(
        sessions, member_id, now=later, topics=["arts"], languages=["en"], industry=None, capacity=1
    )

    assert load == MentorLoad(active_mentee_count=3, paused=True)
    with sessions.begin() as session:
        profile = find_mentor_profile(session, member_id)
        assert profile is not None
        assert (profile.capacity, profile.industry, profile.volunteered_at, profile.updated_at) == (
            1,
            None,
            NOW,
            later,
        )
        assert [row.topic for row in profile.topics] == ["arts"]
        assert [row.language for row in profile.languages] == ["en"]
        assert session.scalar(select(func.count()).select_from(MentorTopic)) == 1
        assert session.scalar(select(func.count()).select_from(MentorLanguage)) == 1


def test_pausing_changes_the_flag_once_and_a_second_click_learns_it_was_already_done(sessions) -> None:  # type: ignore[no-untyped-def]
    member_id = new_member(sessions)
    volunteer(sessions, member_id)

    with sessions.begin() as session:
        assert set_paused(session, member_id, True, NOW) is True
    with sessions.begin() as session:
        assert set_paused(session, member_id, True, NOW) is False
        assert find_mentor_profile(session, member_id).paused is True  # type: ignore[union-attr]
    with sessions.begin() as session:
        assert set_paused(session, member_id, False, NOW) is True
        assert find_mentor_profile(session, member_id).paused is False  # type: ignore[union-attr]


def test_someone_who_never_volunteered_cannot_be_paused(sessions) -> None:  # type: ignore[no-untyped-def]
    member_id = new_member(sessions)

    with sessions.begin() as session:
        assert set_paused(session, member_id, True, NOW) is False
        assert not is_mentor(session, member_id)
        assert find_mentor_profile(session, member_id) is None


def test_accepting_the_same_charter_version_twice_keeps_one_acceptance(sessions) -> None:  # type: ignore[no-untyped-def]
    member_id = new_member(sessions)

    with sessions.begin() as session:
        assert record_charter_acceptance(session, TEAM, member_id, 1, "mentor", NOW) is True
    with sessions.begin() as session:
        assert record_charter_acceptance(session, TEAM, member_id, 1, "mentor", NOW) is False
        assert record_charter_acceptance(session, TEAM, member_id, 2, "mentor", NOW) is True

    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(CharterAcceptance)) == 2
        assert has_accepted_charter(session, member_id, 2, "mentor")
        assert not has_accepted_charter(session, member_id, 2, "mentee")
        assert not has_accepted_charter(session, member_id, 3, "mentor")


def test_graduation_year_is_kept_on_the_member(sessions) -> None:  # type: ignore[no-untyped-def]
    member_id = new_member(sessions)

    with sessions.begin() as session:
        assert graduation_year_of(session, member_id) is None
        set_graduation_year(session, member_id, 2012)
    with sessions.begin() as session:
        assert graduation_year_of(session, member_id) == 2012
