"""Mentorships as their two members see them: the current pairs of a member, and ending one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import (
    LIVE_MENTORSHIP_STATUSES,
    FitAnswer,
    Followup,
    FollowupKind,
    Meeting,
    Member,
    Mentorship,
    MentorshipStatus,
    SurveyAnswer,
)
from storage.models import Mentorship as MentorshipRow


def current_mentorships_of(session: Session, member_id: int) -> list[Mentorship]:
    """The member's active and dormant mentorships, as student or as mentor, oldest first."""
    return list(
        session.scalars(
            select(Mentorship)
            .where(
                or_(Mentorship.student_id == member_id, Mentorship.mentor_id == member_id),
                Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES),
            )
            .order_by(Mentorship.started_at, Mentorship.id)
        )
    )


def slack_user_ids(session: Session, member_ids: list[int]) -> dict[int, str]:
    """Slack user id by member id, for the members named (one query, however many)."""
    if not member_ids:
        return {}
    rows = session.execute(select(Member.id, Member.slack_user_id).where(Member.id.in_(member_ids)))
    return {member_id: user_id for member_id, user_id in rows}


def claim_mentorship_end(
    session: Session,
    mentorship_id: int,
    member_id: int,
    now: datetime,
    reason: str | None,
    *,
    by_programme: bool = False,
) -> bool:
    """End the mentorship if it is still live and `member_id` is one of its pair (or, `by_programme`, an
    admin the caller checked); False otherwise.

    One conditional UPDATE, so two clicks (or the End button and a monthly prompt's "End our
    mentorship") racing each other end it once: the second finds it no longer live.
    """
    in_pair = or_(Mentorship.student_id == member_id, Mentorship.mentor_id == member_id)
    result = session.execute(
        update(Mentorship)
        .where(
            Mentorship.id == mentorship_id,
            Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES),
            *([] if by_programme else [in_pair]),
        )
        .values(status=MentorshipStatus.ENDED, ended_at=now, ended_by_id=member_id, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def record_meeting(
    session: Session,
    *,
    team_id: str,
    mentorship_id: int,
    period: str,
    met_at: datetime,
    how: str | None,
    reported_by_id: int,
) -> None:
    """One meeting per prompt: the second of the pair to say "we met" adds nothing."""
    insert = dialect_insert(session)
    session.execute(
        insert(Meeting)
        .values(
            team_id=team_id,
            mentorship_id=mentorship_id,
            period=period,
            met_at=met_at,
            how=how,
            reported_by_id=reported_by_id,
        )
        .on_conflict_do_nothing(index_elements=["mentorship_id", "period"])
    )


def record_survey_answer(
    session: Session,
    *,
    team_id: str,
    mentorship_id: int,
    member_id: int,
    survey: str,
    rating: int | None,
    not_met_yet: bool,
    answered_at: datetime,
) -> None:
    """One answer per person and survey: when the same answer arrives twice (a retried or doubled
    click), the first one stays and the second adds nothing."""
    insert = dialect_insert(session)
    session.execute(
        insert(SurveyAnswer)
        .values(
            team_id=team_id,
            mentorship_id=mentorship_id,
            member_id=member_id,
            survey=survey,
            rating=rating,
            not_met_yet=not_met_yet,
            answered_at=answered_at,
        )
        .on_conflict_do_nothing(index_elements=["mentorship_id", "member_id", "survey"])
    )


def set_mentorship_status(
    session: Session,
    mentorship_id: int,
    *,
    from_status: MentorshipStatus,
    to_status: MentorshipStatus,
    unanswered_prompts: int = 0,
) -> bool:
    """Move a pair between active and dormant once; False when it was not in `from_status`."""
    result = session.execute(
        update(MentorshipRow)
        .where(MentorshipRow.id == mentorship_id, MentorshipRow.status == from_status)
        .values(status=to_status, unanswered_prompts=unanswered_prompts)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def extend_term(session: Session, mentorship_id: int, *, from_end: datetime, to_end: datetime) -> bool:
    """Renew once: of two renewals of the same term (one from each of the pair), one extends it."""
    result = session.execute(
        update(MentorshipRow)
        .where(
            MentorshipRow.id == mentorship_id,
            MentorshipRow.term_ends_at == from_end,
            MentorshipRow.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.DORMANT)),
        )
        .values(term_ends_at=to_end, status=MentorshipStatus.ACTIVE, unanswered_prompts=0)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def live_mentorships_as_student(session: Session, student_id: int) -> list[Mentorship]:
    """The student's active and dormant mentorships, oldest first (what a new request is weighed against)."""
    return list(
        session.scalars(
            select(Mentorship)
            .where(Mentorship.student_id == student_id, Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES))
            .order_by(Mentorship.started_at, Mentorship.id)
        )
    )


def record_fit_answer(
    session: Session, *, team_id: str, mentorship_id: int, member_id: int, fit: str, answered_at: datetime
) -> None:
    """One "is this a good fit?" answer per person and mentorship; a doubled click adds nothing."""
    insert = dialect_insert(session)
    session.execute(
        insert(FitAnswer)
        .values(
            team_id=team_id,
            mentorship_id=mentorship_id,
            member_id=member_id,
            fit=fit,
            answered_at=answered_at,
        )
        .on_conflict_do_nothing(index_elements=["mentorship_id", "member_id"])
    )


def fit_answers_of(session: Session, mentorship_id: int) -> dict[int | None, str]:
    """The pair's fit answers by member id, for the admins."""
    rows = session.execute(
        select(FitAnswer.member_id, FitAnswer.fit).where(FitAnswer.mentorship_id == mentorship_id)
    )
    return {member_id: fit for member_id, fit in rows}


def terms_ended_before(session: Session, team_id: str, cutoff: datetime, limit: int) -> list[int]:
    """Live mentorships whose term ended before `cutoff`: neither renewed nor closed since, oldest first."""
    return list(
        session.scalars(
            select(Mentorship.id)
            .where(
                Mentorship.team_id == team_id,
                Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES),
                Mentorship.term_ends_at <= cutoff,
            )
            .order_by(Mentorship.term_ends_at, Mentorship.id)
            .limit(limit)
        )
    )


def dormant_since(session: Session, team_id: str, limit: int) -> list[tuple[int, datetime]]:
    """Dormant mentorships and when their latest "continue?" question was due (when they turned dormant)."""
    rows = session.execute(
        select(Mentorship.id, func.max(Followup.due_at))
        .join(Followup, Followup.mentorship_id == Mentorship.id)
        .where(
            Mentorship.team_id == team_id,
            Mentorship.status == MentorshipStatus.DORMANT,
            Followup.kind == FollowupKind.DORMANT_CHECK,
        )
        .group_by(Mentorship.id)
        .order_by(Mentorship.id)
        .limit(limit)
    )
    return [(mentorship_id, since) for mentorship_id, since in rows]


def prompts_due_between(session: Session, mentorship_id: int, after: datetime, until: datetime) -> int:
    """How many of the pair's monthly prompts fell due in (`after`, `until`]; a prompt asked of both, or
    asked again a week later, counts once."""
    periods = session.scalars(
        select(Followup.period).where(
            Followup.mentorship_id == mentorship_id,
            Followup.kind == FollowupKind.MEETING_PROMPT,
            Followup.due_at > after,
            Followup.due_at <= until,
        )
    )
    return len({period.asked for period in periods})


def claim_closing_without_answer(
    session: Session,
    mentorship_id: int,
    now: datetime,
    reason: str,
    *,
    term_ended_before: datetime | None = None,
    dormant: bool = False,
) -> bool:
    """Close a silent pair's mentorship once, by nobody: one conditional UPDATE that only wins while the
    pair is still as the sweep saw it (live with its term ended before the cutoff, or still dormant), so
    two processes sweeping at once close it once, and an answer that arrived meanwhile keeps it."""
    statuses = (MentorshipStatus.DORMANT,) if dormant else LIVE_MENTORSHIP_STATUSES
    conditions = [Mentorship.id == mentorship_id, Mentorship.status.in_(statuses)]
    if term_ended_before is not None:
        conditions.append(Mentorship.term_ends_at <= term_ended_before)
    result = session.execute(
        update(Mentorship)
        .where(*conditions)
        .values(status=MentorshipStatus.ENDED, ended_at=now, ended_by_id=None, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
