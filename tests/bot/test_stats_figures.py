"""The report's figures, checked against a seeded programme whose expected figures the test computes
itself, with plain Python over the seed's own lists."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.stats import (
    Period,
    ProgrammeStats,
    TopicCount,
    parse_period,
    period_start,
    programme_stats,
    trend_months,
)
from storage.models import (
    FollowupState,
    Member,
    MentoringRequest,
    MentorshipStatus,
    OfferStatus,
    RequestStatus,
    Role,
)
from tests.factories_stats import TEAM_ID, SeededProgramme, seed_programme

TERM_DAYS = 182  # the programme's default mentorship term


def expected_figures(programme: SeededProgramme, period: Period) -> dict[str, object]:
    now = programme.now
    since = {
        Period.LAST_30_DAYS: now - timedelta(days=30),
        Period.LAST_90_DAYS: now - timedelta(days=90),
        Period.TERM: now - timedelta(days=TERM_DAYS),
        Period.ALL: None,
    }[period]

    def in_period(moment: datetime | None) -> bool:
        return moment is not None and (since is None or moment >= since)

    requests, mentorships, followups = programme.requests, programme.mentorships, programme.followups
    asked = {request.student for request in requests}
    open_requests = [request for request in requests if request.status is RequestStatus.OPEN]
    matched = [request for request in requests if in_period(request.matched_at)]
    offers = [offer for request in requests for offer in request.offers if in_period(offer.offered_at)]
    due_first_contact = [
        m for m in mentorships if in_period(m.started_at) and m.started_at <= now - timedelta(days=7)
    ]
    surveys_sent = [f for f in followups if f.kind == "first_meeting_survey" and in_period(f.sent_at)]
    first_meeting_answers = [
        s for m in mentorships for s in m.surveys if s.survey == "first_meeting" and in_period(s.answered_at)
    ]
    ratings = [s.rating for s in first_meeting_answers if s.rating is not None]
    active = [m for m in mentorships if m.status is MentorshipStatus.ACTIVE]
    ended = [m for m in mentorships if m.status is MentorshipStatus.ENDED and in_period(m.ended_at)]
    requested = Counter(
        topic for request in requests if in_period(request.created_at) for topic in request.topics
    )
    available_topics = {
        topic
        for mentor in programme.mentors
        if not mentor.paused and mentor.load < mentor.capacity and mentor.inactive_since is None
        for topic in mentor.topics
    }

    def top(counter: Counter) -> tuple[TopicCount, ...]:
        ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:5]
        return tuple(TopicCount(topic, count) for topic, count in ranked)

    months = trend_months(now)

    def by_month(moments: list[datetime | None]) -> Counter:
        return Counter(f"{moment:%Y-%m}" for moment in moments if moment is not None)

    matches_by_month = by_month([m.started_at for m in mentorships])
    contacts_by_month = by_month([m.first_contact_at for m in mentorships])
    meetings_by_month = by_month([met_at for m in mentorships for met_at in m.meetings])
    return {
        "alumni": len(programme.alumni),
        "mentors": len(programme.mentors),
        "paused_mentors": sum(mentor.paused for mentor in programme.mentors),
        "free_places": sum(
            mentor.capacity - mentor.load
            for mentor in programme.mentors
            if not mentor.paused and mentor.load < mentor.capacity and mentor.inactive_since is None
        ),
        "students": len(programme.students),
        "students_never_asked": sum(student.slack_id not in asked for student in programme.students),
        "requests": sum(in_period(request.created_at) for request in requests),
        "open_requests": len(open_requests),
        "waiting_requests": sum(
            all(offer.status is not OfferStatus.PENDING for offer in request.offers)
            for request in open_requests
        ),
        "requests_expired": sum(
            request.status is RequestStatus.EXPIRED and in_period(request.closed_at) for request in requests
        ),
        "matches": len(matched),
        "median_time_to_match": (
            statistics.median([request.matched_at - request.created_at for request in matched])  # type: ignore[operator]
            if matched
            else None
        ),
        "offers_declined": sum(offer.status is OfferStatus.DECLINED for offer in offers),
        "offers_expired": sum(offer.status is OfferStatus.EXPIRED for offer in offers),
        "mentorships_due_first_contact": len(due_first_contact),
        "first_contacts_within_7_days": sum(
            m.first_contact_at is not None and m.first_contact_at - m.started_at <= timedelta(days=7)
            for m in due_first_contact
        ),
        "surveys_sent": len(surveys_sent),
        "surveys_answered": sum(
            any(s.who == f.recipient and s.survey == "first_meeting" for s in f.mentorship.surveys)  # type: ignore[union-attr]
            for f in surveys_sent
        ),
        "average_rating": statistics.mean(ratings) if ratings else None,
        "not_met_yet": sum(s.not_met_yet for s in first_meeting_answers),
        "active_pairs": len(active),
        "active_pairs_met_recently": sum(
            any(met_at >= now - timedelta(days=30) for met_at in m.meetings) for m in active
        ),
        "dormant_pairs": sum(m.status is MentorshipStatus.DORMANT for m in mentorships),
        "ended": len(ended),
        "ended_by_student": sum(m.ended_by == m.student for m in ended),
        "ended_by_mentor": sum(m.ended_by == m.mentor for m in ended),
        "ended_by_programme": sum(m.ended_by is None for m in ended),
        "top_topics": top(requested),
        "unmet_topics": top(Counter({t: n for t, n in requested.items() if t not in available_topics})),
        "followups_failed": sum(f.state is FollowupState.FAILED and in_period(f.due_at) for f in followups),
        "followups_held": sum(
            f.state in (FollowupState.DUE, FollowupState.CLAIMED) and f.due_at <= now for f in followups
        ),
        "inactive_members": sum(member.inactive_since is not None for member in programme.members),
        "trend": [
            (month, matches_by_month[month], contacts_by_month[month], meetings_by_month[month])
            for month in months
        ],
    }


def actual_figures(figures: ProgrammeStats) -> dict[str, object]:
    actual = {name: getattr(figures, name) for name in figures.__dataclass_fields__}
    actual["trend"] = [(m.month, m.matches, m.first_contacts, m.meetings) for m in figures.trend]
    return actual


@pytest.mark.parametrize("period", list(Period))
def test_every_figure_matches_the_seeded_programme(sessions, clock: ManualClock, period: Period) -> None:
    programme = seed_programme(sessions, clock.now())

    with sessions.begin() as session:
        figures = programme_stats(session, TEAM_ID, period, clock.now())

    expected = expected_figures(programme, period)
    actual = actual_figures(figures)
    # Durations and averages go through floating point in SQL: equal to the second, and to 1e-9.
    expected_median, actual_median = expected.pop("median_time_to_match"), actual.pop("median_time_to_match")
    if expected_median is None:
        assert actual_median is None
    else:
        assert abs(actual_median - expected_median) <= timedelta(seconds=1)  # type: ignore[operator]
    assert actual.pop("average_rating") == pytest.approx(expected.pop("average_rating"))
    assert {name: actual[name] for name in expected} == expected
    assert figures.period is period
    assert figures.since == period_start(period, clock.now(), TERM_DAYS)


def test_the_seed_exercises_every_figure(sessions, clock: ManualClock) -> None:
    """Guards the seed itself: a figure that is zero everywhere would prove nothing."""
    seed_programme(sessions, clock.now())

    with sessions.begin() as session:
        figures = programme_stats(session, TEAM_ID, Period.ALL, clock.now())

    for name, value in actual_figures(figures).items():
        if isinstance(value, int) and not isinstance(value, bool):
            assert value > 0, name
    assert figures.unmet_topics and figures.top_topics
    assert 0 < figures.first_contacts_within_7_days < figures.mentorships_due_first_contact
    assert 0 < figures.surveys_answered < figures.surveys_sent


def test_an_empty_programme_reports_zeros_and_no_rates(sessions, clock: ManualClock) -> None:
    with sessions.begin() as session:
        figures = programme_stats(session, TEAM_ID, Period.LAST_90_DAYS, clock.now())

    assert (figures.alumni, figures.requests, figures.free_places, figures.ended) == (0, 0, 0, 0)
    assert figures.volunteer_rate is None and figures.first_contact_rate is None
    assert figures.median_time_to_match is None and figures.average_rating is None
    assert figures.top_topics == () and len(figures.trend) == 12


@pytest.mark.parametrize(
    ("hours_to_match", "median_hours"), [([1, 2, 3, 10], 2.5), ([7, 1, 30], 7), ([5], 5)]
)
def test_the_median_time_to_match_is_the_middle_one_or_the_mean_of_the_middle_two(
    sessions, clock: ManualClock, hours_to_match: list[int], median_hours: float
) -> None:
    now = clock.now()
    with sessions.begin() as session:
        for number, hours in enumerate(hours_to_match):
            student = Member(team_id=TEAM_ID, slack_user_id=f"U{number}", role=Role.STUDENT)
            session.add(student)
            session.flush()
            session.add(
                MentoringRequest(
                    team_id=TEAM_ID,
                    student_id=student.id,
                    message="",
                    language="fr",
                    status=RequestStatus.MATCHED,
                    charter_version=1,
                    created_at=now - timedelta(days=2, hours=hours),
                    matched_at=now - timedelta(days=2),
                )
            )

    with sessions.begin() as session:
        figures = programme_stats(session, TEAM_ID, Period.LAST_30_DAYS, now)

    assert figures.matches == len(hours_to_match)
    assert figures.median_time_to_match == timedelta(hours=median_hours)


def test_requests_closed_without_a_mentor_count_when_they_expired_not_when_they_were_made(
    sessions, clock: ManualClock
) -> None:
    now = clock.now()
    # (status, made days ago, closed days ago): only expired ones closed in the last 30 days count.
    history = [
        (RequestStatus.EXPIRED, 40, 10),  # made before the period, expired in it: counts
        (RequestStatus.EXPIRED, 20, 1),  # counts
        (RequestStatus.EXPIRED, 80, 50),  # expired before the period
        (RequestStatus.CANCELLED, 20, 5),  # closed by the student, not for want of a mentor
        (RequestStatus.OPEN, 25, None),
    ]
    with sessions.begin() as session:
        for number, (status, made, closed) in enumerate(history):
            student = Member(team_id=TEAM_ID, slack_user_id=f"U{number}", role=Role.STUDENT)
            session.add(student)
            session.flush()
            session.add(
                MentoringRequest(
                    team_id=TEAM_ID,
                    student_id=student.id,
                    message="",
                    language="fr",
                    status=status,
                    charter_version=1,
                    created_at=now - timedelta(days=made),
                    closed_at=None if closed is None else now - timedelta(days=closed),
                )
            )

    with sessions.begin() as session:
        last_30_days = programme_stats(session, TEAM_ID, Period.LAST_30_DAYS, now)
        since_the_start = programme_stats(session, TEAM_ID, Period.ALL, now)

    assert last_30_days.requests_expired == 2
    assert since_the_start.requests_expired == 3


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("", Period.LAST_90_DAYS),
        ("30d", Period.LAST_30_DAYS),
        ("90J", Period.LAST_90_DAYS),
        ("terme", Period.TERM),
        (" all ", Period.ALL),
        ("tout", Period.ALL),
        ("365d", None),
        ("x", None),
    ],
)
def test_periods_are_read_in_either_language(text: str, period: Period | None) -> None:
    assert parse_period(text) is period


def test_trend_months_are_the_last_twelve_calendar_months_oldest_first(clock: ManualClock) -> None:
    months = trend_months(clock.now())  # 2026-09-07

    assert months[0] == "2025-10" and months[-1] == "2026-09" and len(months) == 12


def test_the_surveys_counted_are_those_the_followups_send() -> None:
    from storage.models import FollowupKind
    from storage.queries.stats import FIRST_MEETING_SURVEY_KIND

    assert FollowupKind.FIRST_MEETING_SURVEY.value == FIRST_MEETING_SURVEY_KIND
