"""Members' data rights: everything stored about one member, erasing it, and the retention sweep.

Erasing keeps the school's anonymous counts: the member's row stays as a tombstone with no personal data
(its Slack id replaced by `erased-<id>`, its role kept so the counts of students and alumni hold), their
requests stay as cancelled rows without their words, and mentorships, meetings and survey ratings lose the
link to the person (`NULL`) but still count. All functions take a Session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from storage.models import (
    LIVE_MENTORSHIP_STATUSES,
    CharterAcceptance,
    Followup,
    Meeting,
    MeetingBooking,
    Member,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    Offer,
    OfferStatus,
    RequestStatus,
    SurveyAnswer,
)

ERASED_PREFIX = "erased-"


def live_mentorship_ids(session: Session, member_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Mentorship.id)
            .where(
                or_(Mentorship.student_id == member_id, Mentorship.mentor_id == member_id),
                Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES),
            )
            .order_by(Mentorship.id)
        )
    )


# ------------------------------------------------------------------------------------------------------
# What is stored about a member


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def member_data(session: Session, member: Member) -> dict[str, Any]:
    """Everything mentorbot stores about `member`, as plain JSON-ready values.

    Other people appear only by their Slack id, and only where the row is also about this member (their
    mentor, their mentee). An end reason is included only when this member wrote it: the other side's
    reason is kept for the admins alone.
    """
    profile = session.get(MentorProfile, member.id)
    requests = session.scalars(
        select(MentoringRequest).where(MentoringRequest.student_id == member.id).order_by(MentoringRequest.id)
    ).all()
    offers = session.scalars(select(Offer).where(Offer.mentor_id == member.id).order_by(Offer.id)).all()
    mentorships = session.scalars(
        select(Mentorship)
        .where(or_(Mentorship.student_id == member.id, Mentorship.mentor_id == member.id))
        .order_by(Mentorship.id)
    ).all()
    mentorship_ids = [mentorship.id for mentorship in mentorships]
    meetings = session.scalars(
        select(Meeting).where(Meeting.mentorship_id.in_(mentorship_ids)).order_by(Meeting.id)
    ).all()
    answers = session.scalars(
        select(SurveyAnswer).where(SurveyAnswer.member_id == member.id).order_by(SurveyAnswer.id)
    ).all()
    followups = session.scalars(
        select(Followup).where(Followup.recipient_id == member.id).order_by(Followup.due_at, Followup.id)
    ).all()
    acceptances = session.scalars(
        select(CharterAcceptance)
        .where(CharterAcceptance.member_id == member.id)
        .order_by(CharterAcceptance.id)
    ).all()
    people = {request.preferred_mentor_id for request in requests}
    people |= {someone for row in mentorships for someone in (row.student_id, row.mentor_id)}
    people.discard(None)
    slack_ids = dict(
        session.execute(select(Member.id, Member.slack_user_id).where(Member.id.in_(list(people)))).all()
    )
    return {
        "member": {
            "team_id": member.team_id,
            "slack_user_id": member.slack_user_id,
            "role": member.role,
            "language": member.locale,
            "time_zone": member.tz,
            "display_name": member.display_name,
            "graduation_year": member.graduation_year,
            "email": member.email,
            "is_workspace_admin": member.is_workspace_admin,
            "is_programme_admin": member.is_programme_admin,
            "wants_student_reminders": member.wants_student_reminders,
            "inactive_since": _when(member.inactive_since),
            "known_since": _when(member.created_at),
        },
        "mentor_profile": None
        if profile is None
        else {
            "industry": profile.industry,
            "job_title": profile.job_title,
            "capacity": profile.capacity,
            "current_mentees": profile.active_mentee_count,
            "paused": profile.paused,
            "topics": sorted(row.topic for row in profile.topics),
            "languages": sorted(row.language for row in profile.languages),
            "charter_version": profile.charter_version,
            "volunteered_at": _when(profile.volunteered_at),
            "updated_at": _when(profile.updated_at),
        },
        "requests": [
            {
                "id": request.id,
                "status": request.status,
                "message": request.message,
                "language": request.language,
                "topics": sorted(row.topic for row in request.topics),
                "preferred_mentor": slack_ids.get(request.preferred_mentor_id),
                "charter_version": request.charter_version,
                "created_at": _when(request.created_at),
                "matched_at": _when(request.matched_at),
                "closed_at": _when(request.closed_at),
            }
            for request in requests
        ],
        "offers_received": [
            {
                "id": offer.id,
                "request_id": offer.request_id,
                "status": offer.status,
                "offered_at": _when(offer.offered_at),
                "answered_at": _when(offer.answered_at),
                "decline_reason": offer.decline_reason,
            }
            for offer in offers
        ],
        "mentorships": [
            {
                "id": mentorship.id,
                "as": "student" if mentorship.student_id == member.id else "mentor",
                "student": slack_ids.get(mentorship.student_id),
                "mentor": slack_ids.get(mentorship.mentor_id),
                "status": mentorship.status,
                "started_at": _when(mentorship.started_at),
                "first_contact_at": _when(mentorship.first_contact_at),
                "term_ends_at": _when(mentorship.term_ends_at),
                "ended_at": _when(mentorship.ended_at),
                "ended_by_you": mentorship.ended_by_id == member.id,
                "end_reason": mentorship.end_reason if mentorship.ended_by_id == member.id else None,
            }
            for mentorship in mentorships
        ],
        "meetings": [
            {
                "mentorship_id": meeting.mentorship_id,
                "met_at": _when(meeting.met_at),
                "how": meeting.how,
                "reported_by_you": meeting.reported_by_id == member.id,
            }
            for meeting in meetings
        ],
        "survey_answers": [
            {
                "mentorship_id": answer.mentorship_id,
                "survey": answer.survey,
                "rating": answer.rating,
                "not_met_yet": answer.not_met_yet,
                "comment": answer.comment,
                "answered_at": _when(answer.answered_at),
            }
            for answer in answers
        ],
        "follow_ups": [
            {
                "kind": followup.kind,
                "due_at": _when(followup.due_at),
                "state": followup.state,
                "sent_at": _when(followup.sent_at),
                "answer": followup.answer,
                "answered_at": _when(followup.answered_at),
            }
            for followup in followups
        ],
        "charter_acceptances": [
            {
                "version": acceptance.version,
                "accepted_as": acceptance.accepted_as,
                "accepted_at": _when(acceptance.accepted_at),
            }
            for acceptance in acceptances
        ],
    }


# ------------------------------------------------------------------------------------------------------
# Erasing one member


@dataclass
class Erasure:
    """What erasing a member changed, for the caller's messages after the commit."""

    withdrawn_offer_ids: list[int] = field(default_factory=list)  # offers of their own request
    # (channel, ts, mentor's language) of every offer DM that showed their request to a mentor
    offer_dms: list[tuple[str, str, str | None]] = field(default_factory=list)
    reoffered_request_ids: list[int] = field(default_factory=list)  # others' requests offered to them
    ended_mentorships: list[tuple[int, int | None]] = field(default_factory=list)  # (id, other member)


def erase_member(session: Session, member_id: int, now: datetime) -> Erasure:
    """Erase a member's personal data, keeping anonymous counts. Idempotent.

    Any mentorship still live (one made while the kind end messages were going out) is ended here, its
    mentor's place freed; the caller tells the other side.
    """
    erasure = Erasure()
    member = session.get(Member, member_id)
    if member is None:
        return erasure

    # Their open request: cancelled, its pending offers withdrawn; the words of every request erased.
    request_ids = list(
        session.scalars(select(MentoringRequest.id).where(MentoringRequest.student_id == member_id))
    )
    session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.student_id == member_id, MentoringRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.CANCELLED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if request_ids:
        erasure.offer_dms = [
            (channel, ts, locale)
            for channel, ts, locale in session.execute(
                select(Offer.dm_channel_id, Offer.message_ts, Member.locale)
                .join(Member, Member.id == Offer.mentor_id)
                .where(
                    Offer.request_id.in_(request_ids),
                    Offer.dm_channel_id.is_not(None),
                    Offer.message_ts.is_not(None),
                )
                .order_by(Offer.id)
            )
        ]
        erasure.withdrawn_offer_ids = list(
            session.scalars(
                update(Offer)
                .where(Offer.request_id.in_(request_ids), Offer.status == OfferStatus.PENDING)
                .values(status=OfferStatus.WITHDRAWN, answered_at=now)
                .returning(Offer.id)
                .execution_options(synchronize_session=False)
            )
        )
    session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.student_id == member_id)
        .values(message="", preferred_mentor_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.preferred_mentor_id == member_id)
        .values(preferred_mentor_id=None)
        .execution_options(synchronize_session=False)
    )

    # Offers made to them: pending ones withdrawn (the request goes to someone else), reasons erased.
    erasure.reoffered_request_ids = sorted(
        set(
            session.scalars(
                update(Offer)
                .where(Offer.mentor_id == member_id, Offer.status == OfferStatus.PENDING)
                .values(status=OfferStatus.WITHDRAWN, answered_at=now)
                .returning(Offer.request_id)
                .execution_options(synchronize_session=False)
            )
        )
    )
    session.execute(
        update(Offer)
        .where(Offer.mentor_id == member_id)
        .values(decline_reason=None, dm_channel_id=None, message_ts=None)
        .execution_options(synchronize_session=False)
    )

    # Mentorships: stragglers ended, the member's link and words removed; the rows still count.
    for mentorship in session.scalars(
        select(Mentorship).where(
            or_(Mentorship.student_id == member_id, Mentorship.mentor_id == member_id),
            Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES),
        )
    ).all():
        ended = session.execute(
            update(Mentorship)
            .where(Mentorship.id == mentorship.id, Mentorship.status.in_(LIVE_MENTORSHIP_STATUSES))
            .values(status=MentorshipStatus.ENDED, ended_at=now)
            .execution_options(synchronize_session=False)
        )
        if ended.rowcount == 1:
            if mentorship.mentor_id is not None and mentorship.mentor_id != member_id:
                _free_place(session, mentorship.mentor_id)
            other = mentorship.mentor_id if mentorship.student_id == member_id else mentorship.student_id
            erasure.ended_mentorships.append((mentorship.id, other))
    session.execute(
        update(Mentorship)
        .where(Mentorship.ended_by_id == member_id)
        .values(end_reason=None, ended_by_id=None)
        .execution_options(synchronize_session=False)
    )
    # A booking of their mentorships may hold the mentor's own video link: gone with the rest of them.
    their_mentorships = select(Mentorship.id).where(
        or_(Mentorship.student_id == member_id, Mentorship.mentor_id == member_id)
    )
    session.execute(
        update(MeetingBooking)
        .where(MeetingBooking.mentorship_id.in_(their_mentorships))
        .values(link=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(MeetingBooking)
        .where(MeetingBooking.proposed_by_id == member_id)
        .values(proposed_by_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Mentorship)
        .where(Mentorship.student_id == member_id)
        .values(student_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Mentorship)
        .where(Mentorship.mentor_id == member_id)
        .values(mentor_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Meeting)
        .where(Meeting.reported_by_id == member_id)
        .values(reported_by_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.member_id == member_id)
        .values(member_id=None, comment=None)
        .execution_options(synchronize_session=False)
    )

    # What exists only for them.
    session.execute(delete(Followup).where(Followup.recipient_id == member_id))
    session.execute(delete(CharterAcceptance).where(CharterAcceptance.member_id == member_id))
    profile = session.get(MentorProfile, member_id)
    if profile is not None:
        session.delete(profile)

    _anonymise_member_row(member, now)
    session.flush()
    return erasure


def _free_place(session: Session, mentor_id: int) -> None:
    session.execute(
        update(MentorProfile)
        .where(MentorProfile.member_id == mentor_id, MentorProfile.active_mentee_count > 0)
        .values(active_mentee_count=MentorProfile.active_mentee_count - 1)
        .execution_options(synchronize_session=False)
    )


def _anonymise_member_row(member: Member, now: datetime) -> None:
    member.slack_user_id = f"{ERASED_PREFIX}{member.id}"
    member.locale = None
    member.tz = None
    member.display_name = None
    member.graduation_year = None
    member.email = None
    member.is_workspace_admin = False
    member.is_programme_admin = False
    member.profile_checked_at = None
    member.wants_student_reminders = False
    member.inactive_since = member.inactive_since or now


# ------------------------------------------------------------------------------------------------------
# Retention


def inactive_member_ids(session: Session, inactive_before: datetime) -> list[int]:
    """Members Slack said were gone before `inactive_before`, not yet erased."""
    return list(
        session.scalars(
            select(Member.id).where(
                Member.inactive_since.is_not(None),
                Member.inactive_since < inactive_before,
                Member.slack_user_id.not_like(f"{ERASED_PREFIX}%"),
            )
        )
    )


def erase_old_free_text(session: Session, closed_before: datetime) -> int:
    """Erase the words people wrote about mentorships and requests closed before `closed_before`.

    End reasons and survey comments of mentorships ended then, messages of requests closed then (and whose
    mentorship, if any, has ended), decline reasons of offers answered then. Returns the rows changed; a
    second run changes none.
    """
    changed = 0
    old_mentorships = select(Mentorship.id).where(
        Mentorship.status == MentorshipStatus.ENDED, Mentorship.ended_at < closed_before
    )
    changed += session.execute(
        update(Mentorship)
        .where(Mentorship.id.in_(old_mentorships), Mentorship.end_reason.is_not(None))
        .values(end_reason=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    changed += session.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.mentorship_id.in_(old_mentorships), SurveyAnswer.comment.is_not(None))
        .values(comment=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    live_or_recent = select(Mentorship.request_id).where(
        Mentorship.request_id.is_not(None),
        or_(Mentorship.status != MentorshipStatus.ENDED, Mentorship.ended_at >= closed_before),
    )
    changed += session.execute(
        update(MentoringRequest)
        .where(
            MentoringRequest.status != RequestStatus.OPEN,
            MentoringRequest.closed_at.is_not(None),
            MentoringRequest.closed_at < closed_before,
            MentoringRequest.id.not_in(live_or_recent),
            MentoringRequest.message != "",
        )
        .values(message="")
        .execution_options(synchronize_session=False)
    ).rowcount
    changed += session.execute(
        update(Offer)
        .where(
            Offer.answered_at < closed_before,
            Offer.decline_reason.is_not(None),
        )
        .values(decline_reason=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed
