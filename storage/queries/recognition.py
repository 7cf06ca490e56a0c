"""What a mentor did over a stretch of time: the figures of their impact note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Kudos, KudosStatus, Meeting, Member, Mentorship, SurveyAnswer


@dataclass(frozen=True)
class MentorImpact:
    students: int  # distinct students of the mentor's mentorships live at some moment of the stretch
    meetings: int  # meetings those pairs reported in the stretch
    average_rating: float | None  # the students' ratings of those mentorships given in the stretch


def mentor_impact(session: Session, mentor_id: int, since: datetime, until: datetime) -> MentorImpact:
    live = (
        Mentorship.mentor_id == mentor_id,
        Mentorship.started_at < until,
        or_(Mentorship.ended_at.is_(None), Mentorship.ended_at >= since),
    )
    students = session.scalar(select(func.count(func.distinct(Mentorship.student_id))).where(*live)) or 0
    meetings = (
        session.scalar(
            select(func.count())
            .select_from(Meeting)
            .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
            .where(*live, Meeting.met_at >= since, Meeting.met_at < until)
        )
        or 0
    )
    rating = session.scalar(
        select(func.avg(SurveyAnswer.rating))
        .join(Mentorship, Mentorship.id == SurveyAnswer.mentorship_id)
        .where(
            *live,
            SurveyAnswer.member_id == Mentorship.student_id,
            SurveyAnswer.rating.is_not(None),
            SurveyAnswer.answered_at >= since,
            SurveyAnswer.answered_at < until,
        )
    )
    return MentorImpact(students, meetings, float(rating) if rating is not None else None)


def mentors_of_stretch(session: Session, team_id: str, since: datetime, until: datetime) -> list[int]:
    """Mentors still in Slack with a student at some moment of [`since`, `until`): whom a year's note
    thanks."""
    return list(
        session.scalars(
            select(Mentorship.mentor_id)
            .join(Member, Member.id == Mentorship.mentor_id)
            .where(
                Mentorship.team_id == team_id,
                Mentorship.started_at < until,
                or_(Mentorship.ended_at.is_(None), Mentorship.ended_at >= since),
                Member.inactive_since.is_(None),
            )
            .distinct()
            .order_by(Mentorship.mentor_id)
        )
    )


def answer_kudos(session: Session, kudos_id: int, mentor_id: int, status: str, now: datetime) -> bool:
    """The mentor's answer, once: a conditional UPDATE from ASKED, so a second click changes nothing."""
    result = session.execute(
        update(Kudos)
        .where(Kudos.id == kudos_id, Kudos.mentor_id == mentor_id, Kudos.status == KudosStatus.ASKED)
        .values(status=status, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
