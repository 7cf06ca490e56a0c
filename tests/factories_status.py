"""Rows for the status, Home and end-mentorship tests, written straight into the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import (
    Member,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    MentorTopic,
    Offer,
    RequestTopic,
    Role,
)

TEAM_ID = "T0001"


def make_member(session: Session, user_id: str, role: Role | None, *, locale: str = "fr") -> Member:
    member = Member(
        team_id=TEAM_ID,
        slack_user_id=user_id,
        role=role,
        locale=locale,
        is_workspace_admin=False,
        wants_student_reminders=True,
    )
    session.add(member)
    session.flush()
    return member


def make_mentor(
    session: Session,
    user_id: str,
    *,
    topics: tuple[str, ...] = ("careers",),
    capacity: int = 2,
    mentees: int = 0,
    paused: bool = False,
    locale: str = "fr",
) -> Member:
    member = make_member(session, user_id, Role.ALUMNUS, locale=locale)
    session.add(
        MentorProfile(
            member_id=member.id,
            team_id=TEAM_ID,
            capacity=capacity,
            active_mentee_count=mentees,
            paused=paused,
            charter_version=1,
            topics=[MentorTopic(topic=topic) for topic in topics],
        )
    )
    session.flush()
    return member


def make_open_request(
    session: Session, student: Member, now: datetime, *, topics: tuple[str, ...] = ("careers",)
) -> MentoringRequest:
    request = MentoringRequest(
        team_id=TEAM_ID,
        student_id=student.id,
        message="I would like advice on my studies.",
        language="fr",
        charter_version=1,
        created_at=now,
        topics=[RequestTopic(topic=topic) for topic in topics],
    )
    session.add(request)
    session.flush()
    return request


def make_offer(session: Session, request: MentoringRequest, mentor: Member, now: datetime) -> Offer:
    offer = Offer(team_id=TEAM_ID, request_id=request.id, mentor_id=mentor.id, offered_at=now)
    session.add(offer)
    session.flush()
    return offer


def make_mentorship(
    session: Session,
    student: Member,
    mentor: Member,
    started_at: datetime,
    *,
    first_contact_at: datetime | None = None,
) -> Mentorship:
    """An active mentorship; the mentor's load is the caller's to set (make_mentor(mentees=...))."""
    mentorship = Mentorship(
        team_id=TEAM_ID,
        student_id=student.id,
        mentor_id=mentor.id,
        started_at=started_at,
        first_contact_at=first_contact_at,
    )
    session.add(mentorship)
    session.flush()
    return mentorship
