"""The SQL pieces the stats are built on, on both databases: time arithmetic in UTC, and one school's
figures never mixing with another's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import literal, select, text

from bot.clock import ManualClock
from storage.models import Member, Mentorship, Role
from storage.queries.stats import (
    epoch_seconds,
    matched_requests,
    member_counts,
    mentor_counts,
    monthly_counts,
    requested_topics,
)
from tests.factories_stats import OTHER_TEAM_ID, TEAM_ID, seed_programme


def add_mentorship(session, started_at: datetime, first_contact_at: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    student = Member(team_id=TEAM_ID, slack_user_id=f"U{started_at.timestamp():.0f}", role=Role.STUDENT)
    session.add(student)
    session.flush()
    session.add(
        Mentorship(
            team_id=TEAM_ID, student_id=student.id, started_at=started_at, first_contact_at=first_contact_at
        )
    )


def test_epoch_seconds_are_those_of_the_utc_moment(sessions) -> None:
    started = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Europe moves its clocks
    with sessions.begin() as session:
        add_mentorship(session, started, started + timedelta(days=7, seconds=1))

    with sessions.begin() as session:
        row = session.execute(
            select(
                epoch_seconds(Mentorship.started_at),
                epoch_seconds(Mentorship.first_contact_at) - epoch_seconds(Mentorship.started_at),
            )
        ).one()

    assert row[0] == pytest.approx(started.timestamp(), abs=0.01)
    assert row[1] == pytest.approx(7 * 86400 + 1, abs=0.01)


def test_months_are_utc_months_whatever_the_sessions_time_zone(sessions, clock: ManualClock) -> None:
    with sessions.begin() as session:
        add_mentorship(session, datetime(2026, 3, 31, 23, 30, tzinfo=UTC))  # April already in Paris
        add_mentorship(session, datetime(2026, 4, 1, 0, 30, tzinfo=UTC))

    with sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL TIME ZONE 'Pacific/Auckland'"))
        counts = monthly_counts(session, TEAM_ID, datetime(2026, 1, 1, tzinfo=UTC))

    assert counts["matches"] == {"2026-03": 1, "2026-04": 1}


def test_figures_of_one_school_never_count_another_schools_rows(sessions, clock: ManualClock) -> None:
    programme = seed_programme(sessions, clock.now())

    with sessions.begin() as session:
        ours, theirs = member_counts(session, TEAM_ID), member_counts(session, OTHER_TEAM_ID)
        empty = member_counts(session, "T0NOBODY")
        assert mentor_counts(session, "T0NOBODY").mentors == 0
        assert requested_topics(session, "T0NOBODY", None) == []
        assert matched_requests(session, "T0NOBODY", None) == (0, None)

    assert (ours.alumni, ours.students) == (len(programme.alumni), len(programme.students))
    assert (theirs.alumni, theirs.students) == (40, 60)
    assert (empty.alumni, empty.students, empty.inactive) == (0, 0, 0)


def test_the_sql_constructs_compile_for_both_dialects() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    column = literal(datetime(2026, 1, 1, tzinfo=UTC))
    assert "julianday" in str(epoch_seconds(column).compile(dialect=sqlite.dialect()))
    assert "EXTRACT(EPOCH FROM" in str(epoch_seconds(column).compile(dialect=postgresql.dialect()))
