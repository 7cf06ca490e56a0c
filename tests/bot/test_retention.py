"""The retention job: after MENTORBOT_RETENTION_DAYS, people's words about what ended are erased and members
who left the workspace are anonymised; nothing younger is touched, and a second run changes nothing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.config import Config
from bot.privacy import anonymise_expired
from bot.sandbox import Sandbox
from bot.scheduler import RETENTION_JOB_ID, build_scheduler
from storage.models import (
    Member,
    MentoringRequest,
    Mentorship,
    MentorshipStatus,
    Offer,
    OfferStatus,
    RequestStatus,
    SurveyAnswer,
)
from tests.factories import TEAM_ID, make_mentor, make_offer, make_request, make_student

DAYS = 730


def an_ended_mentorship(sandbox: Sandbox, student_user: str, mentor_user: str, ended_days_ago: int) -> int:
    now = sandbox.bot.clock.now()
    ended_at = now - timedelta(days=ended_days_ago)
    with sandbox.bot.sessions.begin() as session:
        student = make_student(session, TEAM_ID, student_user)
        mentor = make_mentor(session, TEAM_ID, mentor_user)
        request = make_request(
            session, TEAM_ID, student, status=RequestStatus.MATCHED, message="My private worries"
        )
        request.closed_at = ended_at - timedelta(hours=1)
        declined = make_offer(session, request, make_mentor(session, TEAM_ID, mentor_user + "X"))
        declined.status, declined.answered_at = OfferStatus.DECLINED, request.closed_at
        declined.decline_reason = "Too busy with my newborn"
        mentorship = Mentorship(
            team_id=TEAM_ID,
            request_id=request.id,
            student_id=student.id,
            mentor_id=mentor.id,
            status=MentorshipStatus.ENDED,
            started_at=request.closed_at,
            ended_at=ended_at,
            ended_by_id=student.id,
            end_reason="I felt uneasy",
        )
        session.add(mentorship)
        session.flush()
        session.add(
            SurveyAnswer(
                team_id=TEAM_ID,
                mentorship_id=mentorship.id,
                member_id=student.id,
                survey="closing",
                rating=2,
                comment="Not a good fit",
                answered_at=ended_at,
            )
        )
        return mentorship.id


def words_of(sandbox: Sandbox, mentorship_id: int) -> tuple:
    with sandbox.bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        assert mentorship is not None
        comment = session.scalar(
            select(SurveyAnswer.comment).where(SurveyAnswer.mentorship_id == mentorship_id)
        )
        message = session.scalar(
            select(MentoringRequest.message).where(MentoringRequest.id == mentorship.request_id)
        )
        reason = session.scalar(
            select(Offer.decline_reason).where(
                Offer.request_id == mentorship.request_id, Offer.status == OfferStatus.DECLINED
            )
        )
        return mentorship.end_reason, comment, message, reason


def test_words_about_mentorships_ended_before_the_period_are_erased_and_counts_kept(
    sandbox: Sandbox,
) -> None:
    old = an_ended_mentorship(sandbox, "UOLDSTU", "UOLDMEN", ended_days_ago=DAYS + 1)
    recent = an_ended_mentorship(sandbox, "UNEWSTU", "UNEWMEN", ended_days_ago=DAYS - 1)

    changed = anonymise_expired(sandbox.bot, sandbox.bot.clock.now())

    assert changed == 4  # an end reason, a comment, a request message, a decline reason
    assert words_of(sandbox, old) == (None, None, "", None)
    assert words_of(sandbox, recent) == (
        "I felt uneasy",
        "Not a good fit",
        "My private worries",
        "Too busy with my newborn",
    )
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(SurveyAnswer.rating).where(SurveyAnswer.mentorship_id == old)) == 2


def test_the_job_is_idempotent(sandbox: Sandbox) -> None:
    an_ended_mentorship(sandbox, "USTU", "UMEN", ended_days_ago=DAYS + 10)
    with sandbox.bot.sessions.begin() as session:
        make_student(session, TEAM_ID, "UGONE").inactive_since = sandbox.bot.clock.now() - timedelta(
            days=DAYS + 1
        )

    first = anonymise_expired(sandbox.bot, sandbox.bot.clock.now())
    second = anonymise_expired(sandbox.bot, sandbox.bot.clock.now())

    assert first == 5 and second == 0


def test_members_gone_longer_than_the_period_are_anonymised_the_others_kept(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    with sandbox.bot.sessions.begin() as session:
        long_gone = make_student(session, TEAM_ID, "ULONGGONE")
        long_gone.inactive_since, long_gone.display_name = clock.now(), "Léa Martin"
        recently_gone = make_student(session, TEAM_ID, "URECENT")
        recently_gone.inactive_since = clock.now() + timedelta(days=10)
        make_student(session, TEAM_ID, "UHERE")

    clock.advance(timedelta(days=DAYS + 1))
    assert anonymise_expired(sandbox.bot, clock.now()) == 1

    with sandbox.bot.sessions.begin() as session:
        users = set(session.scalars(select(Member.slack_user_id)))
        assert users == {f"erased-{long_gone.id}", "URECENT", "UHERE"}
        erased = session.get(Member, long_gone.id)
        assert erased is not None and erased.display_name is None and erased.role == "student"


def test_the_period_is_configurable(sandbox: Sandbox) -> None:
    an_ended_mentorship(sandbox, "USTU", "UMEN", ended_days_ago=40)
    config = Config.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "MENTORBOT_RETENTION_DAYS": "30"}
    )
    assert config.retention_days == 30
    short = dataclasses.replace(
        sandbox.bot, config=dataclasses.replace(sandbox.bot.config, retention_days=30)
    )

    assert anonymise_expired(sandbox.bot, sandbox.bot.clock.now()) == 0
    assert anonymise_expired(short, sandbox.bot.clock.now()) == 4


def test_the_default_period_is_two_school_years() -> None:
    assert Config.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}).retention_days == 730


def test_the_scheduler_runs_the_job_daily_once_even_after_a_long_pause(sandbox: Sandbox) -> None:
    scheduler = build_scheduler(sandbox.bot)
    job = scheduler.get_job(RETENTION_JOB_ID)

    assert job is not None
    assert job.trigger.interval == timedelta(days=1)
    assert job.coalesce is True and job.misfire_grace_time == 24 * 3600
    assert job.args == (sandbox.bot,)
