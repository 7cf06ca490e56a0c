"""The figures `mentorbot demo` ends with, counted in the database it leaves behind."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Followup, Meeting, Member, MentoringRequest, Mentorship, SurveyAnswer


@dataclass(frozen=True)
class DemoFigures:
    requests: int
    matches: int
    first_contacts: int
    meetings: int
    average_rating: float | None  # over every survey rating given, first-meeting and closing


def demo_figures(session: Session, team_id: str) -> DemoFigures:
    def count(statement) -> int:  # type: ignore[no-untyped-def]
        return session.scalar(statement) or 0

    return DemoFigures(
        requests=count(select(func.count()).where(MentoringRequest.team_id == team_id)),
        matches=count(select(func.count()).where(Mentorship.team_id == team_id)),
        first_contacts=count(
            select(func.count()).where(
                Mentorship.team_id == team_id, Mentorship.first_contact_at.is_not(None)
            )
        ),
        meetings=count(select(func.count()).where(Meeting.team_id == team_id)),
        average_rating=session.scalar(
            select(func.avg(SurveyAnswer.rating)).where(
                SurveyAnswer.team_id == team_id, SurveyAnswer.rating.is_not(None)
            )
        ),
    )


def member_count(session: Session, team_id: str) -> int:
    """How many members the workspace already has: the demo wants an empty one."""
    return session.scalar(select(func.count()).where(Member.team_id == team_id)) or 0


def pairs(session: Session, team_id: str) -> list[tuple[str, str]]:
    """(student, mentor) Slack user ids of every mentorship, oldest first."""
    student, mentor = Member.__table__.alias("student"), Member.__table__.alias("mentor")
    rows = session.execute(
        select(student.c.slack_user_id, mentor.c.slack_user_id)
        .select_from(Mentorship)
        .join(student, student.c.id == Mentorship.student_id)
        .join(mentor, mentor.c.id == Mentorship.mentor_id)
        .where(Mentorship.team_id == team_id)
        .order_by(Mentorship.id)
    )
    return [(row[0], row[1]) for row in rows]


@dataclass(frozen=True)
class FollowupPair:
    mentorship_id: int
    recipient_is_mentor: bool
    contacted: bool


def pair_of_followup(session: Session, followup_id: int) -> FollowupPair | None:
    """The mentorship a follow-up is about, as the demo's people know it; None for other follow-ups."""
    followup = session.get(Followup, followup_id)
    mentorship = followup.mentorship if followup is not None else None
    if followup is None or mentorship is None:
        return None
    return FollowupPair(
        mentorship_id=mentorship.id,
        recipient_is_mentor=followup.recipient_id == mentorship.mentor_id,
        contacted=mentorship.first_contact_at is not None,
    )
