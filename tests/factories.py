"""Readable helpers to put people and requests in the database (and in the Slack stand-in) for tests.

    with sessions.begin() as session:
        anna = make_mentor(session, TEAM_ID, "UANNA", topics=["careers"], languages=["fr"], capacity=2)

`in_sandbox(...)` variants also add the person to the stand-in's directory, so the bot can look them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.roster import verify_roster_alumnus
from bot.sandbox import Sandbox
from storage.models import (
    Member,
    MentoringRequest,
    MentorLanguage,
    MentorProfile,
    Mentorship,
    MentorTopic,
    Offer,
    OfferStatus,
    RequestStatus,
    RequestTopic,
    Role,
    Verification,
)
from storage.queries.members import get_or_create_member

TEAM_ID = "T0001"
WHEN = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
SLACK_LOCALES = {"fr": "fr-FR", "en": "en-GB"}


def make_member(
    session: Session,
    team_id: str,
    user_id: str,
    *,
    role: Role | None,
    locale: str = "fr",
    display_name: str | None = None,
    inactive_since: datetime | None = None,
) -> Member:
    member = get_or_create_member(session, team_id, user_id)
    member.role = role
    member.locale = locale
    member.display_name = display_name
    member.inactive_since = inactive_since
    session.flush()
    return member


def make_student(session: Session, team_id: str, user_id: str, *, locale: str = "fr") -> Member:
    return make_member(session, team_id, user_id, role=Role.STUDENT, locale=locale)


def make_mentor(
    session: Session,
    team_id: str,
    user_id: str,
    *,
    topics: Sequence[str] = ("careers",),
    languages: Sequence[str] = ("fr",),
    capacity: int = 2,
    active_mentees: int = 0,
    paused: bool = False,
    volunteered_at: datetime = WHEN,
    locale: str = "fr",
    display_name: str | None = None,
    job_title: str | None = None,
    industry: str | None = None,
    inactive_since: datetime | None = None,
    how_i_can_help: str | None = None,
    in_directory: bool = True,
    graduation_year: int | None = None,
    verified: bool = True,
) -> Member:
    """An alumnus with a mentor profile, as if they had volunteered; verified (as by the roster import)
    unless `verified=False`."""
    member = make_member(
        session,
        team_id,
        user_id,
        role=Role.ALUMNUS,
        locale=locale,
        display_name=display_name,
        inactive_since=inactive_since,
    )
    member.graduation_year = graduation_year
    member.verification = Verification.VERIFIED if verified else None
    session.add(
        MentorProfile(
            member_id=member.id,
            team_id=team_id,
            capacity=capacity,
            active_mentee_count=active_mentees,
            paused=paused,
            charter_version=1,
            volunteered_at=volunteered_at,
            updated_at=volunteered_at,
            job_title=job_title,
            industry=industry,
            how_i_can_help=how_i_can_help,
            in_directory=in_directory,
            topics=[MentorTopic(topic=topic) for topic in topics],
            languages=[MentorLanguage(language=language) for language in languages],
        )
    )
    session.flush()
    return member


def make_request(
    session: Session,
    team_id: str,
    student: Member,
    *,
    topics: Sequence[str] = ("careers",),
    message: str = "I would like advice on my career plans.",
    language: str = "fr",
    status: RequestStatus = RequestStatus.OPEN,
    preferred_mentor: Member | None = None,
    created_at: datetime = WHEN,
) -> MentoringRequest:
    request = MentoringRequest(
        team_id=team_id,
        student_id=student.id,
        message=message,
        language=language,
        status=status,
        preferred_mentor_id=preferred_mentor.id if preferred_mentor else None,
        charter_version=1,
        created_at=created_at,
        topics=[RequestTopic(topic=topic) for topic in topics],
    )
    session.add(request)
    session.flush()
    return request


def make_offer(
    session: Session,
    request: MentoringRequest,
    mentor: Member,
    *,
    status: OfferStatus = OfferStatus.PENDING,
    offered_at: datetime = WHEN,
) -> Offer:
    offer = Offer(
        team_id=request.team_id,
        request_id=request.id,
        mentor_id=mentor.id,
        status=status,
        offered_at=offered_at,
    )
    session.add(offer)
    session.flush()
    return offer


def make_mentorship(
    session: Session,
    student: Member,
    mentor: Member,
    *,
    started_at: datetime = WHEN,
    first_contact_at: datetime | None = None,
) -> Mentorship:
    """An active mentorship between the two, in the student's team, without a request behind it. The
    mentor's load is the caller's to set (`make_mentor(..., active_mentees=...)`)."""
    mentorship = Mentorship(
        team_id=student.team_id,
        student_id=student.id,
        mentor_id=mentor.id,
        started_at=started_at,
        first_contact_at=first_contact_at,
    )
    session.add(mentorship)
    session.flush()
    return mentorship


def student_in_sandbox(
    sandbox: Sandbox, user_id: str, *, locale: str = "fr", real_name: str | None = None
) -> int:
    """A student known to Slack and to mentorbot; returns their member id."""
    sandbox.slack.add_user(
        user_id, locale=SLACK_LOCALES[locale], real_name=real_name, team_id=sandbox.team_id
    )
    with sandbox.bot.sessions.begin() as session:
        return make_student(session, sandbox.team_id, user_id, locale=locale).id


def mentor_in_sandbox(
    sandbox: Sandbox, user_id: str, *, locale: str = "fr", real_name: str | None = None, **profile: object
) -> int:
    """A mentor known to Slack and to mentorbot (profile as in `make_mentor`); returns their member id."""
    sandbox.slack.add_user(
        user_id, locale=SLACK_LOCALES[locale], real_name=real_name, team_id=sandbox.team_id
    )
    with sandbox.bot.sessions.begin() as session:
        return make_mentor(
            session,
            sandbox.team_id,
            user_id,
            locale=locale,
            display_name=real_name,
            **profile,  # type: ignore[arg-type]
        ).id


def verified_by_roster(sandbox: Sandbox, user_id: str) -> None:
    """The school's roster lists this member as an alumnus, as `mentorbot import` would record it."""
    with sandbox.bot.sessions.begin() as session:
        member = get_or_create_member(session, sandbox.team_id, user_id)
        verify_roster_alumnus(session, sandbox.team_id, member, sandbox.bot.clock.now())


# ------------------------------------------------------------------------------------------------------
# Doing what a person does, and reading what they see


def ask_for_mentor(
    sandbox: Sandbox,
    user_id: str,
    *,
    topics: Sequence[str] = ("careers",),
    message: str = "I would like advice on my career plans.",
    language: str | None = None,
    mentor_member_id: int | None = None,
) -> None:
    """`/mentor request`, then fill in and submit the modal (charter accepted)."""
    sandbox.command(user_id, "request")
    view = sandbox.slack.last_view_opened()
    values: dict[str, object] = {"topics": list(topics), "message": message, "charter": ["accepted"]}
    if language is not None:
        values["language"] = language
    if mentor_member_id is not None:
        values["preferred_mentor"] = str(mentor_member_id)
    sandbox.submit(user_id, view, values)


def action_ids(message_or_view: object) -> list[str]:
    blocks = message_or_view["blocks"] if isinstance(message_or_view, dict) else message_or_view.blocks  # type: ignore[attr-defined]
    return [
        element["action_id"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def shown_text(message_or_view: object) -> str:
    """The mrkdwn and plain text of a message's or view's sections and context blocks, joined."""
    blocks = message_or_view["blocks"] if isinstance(message_or_view, dict) else message_or_view.blocks  # type: ignore[attr-defined]
    parts = []
    for block in blocks:
        if block["type"] == "section" and block.get("text"):
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts += [element.get("text", "") for element in block["elements"]]
    return "\n".join(parts)
