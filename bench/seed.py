"""Large, plausible data for the benchmarks, written with bulk inserts (never ORM objects one by one).

A school of N members: 70% students and 30% alumni, 40% of alumni volunteered as mentors; over two years,
requests from 35% of members, two offers each, 60% of requests matched, three meetings, about 1.2
survey answers and four follow-ups per mentorship. Random but seeded: every run seeds the same data.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.programme import DEFAULT_TOPIC_KEYS, charter_in_force, programme_settings
from storage.models import (
    Base,
    Followup,
    FollowupState,
    Meeting,
    Member,
    MentoringRequest,
    MentorLanguage,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    MentorTopic,
    Offer,
    OfferStatus,
    RequestStatus,
    RequestTopic,
    Role,
    SurveyAnswer,
    Verification,
)

BATCH = 5000
TZ = "Europe/Paris"


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` in batches; the new ids in order when the table has an `id` column."""
    ids: list[int] = []
    has_id = "id" in model.__table__.c
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        if has_id:
            ids += session.scalars(
                insert(model).returning(model.id, sort_by_parameter_order=True),  # type: ignore[attr-defined]
                chunk,
            ).all()
        else:
            session.execute(insert(model), chunk)
    return ids


def prepare_programme(session: Session, team_id: str) -> int:
    """The programme settings and charter a school has after its first use; the charter version."""
    programme_settings(session, team_id)
    return charter_in_force(session, team_id).version


def add_members(
    session: Session, team_id: str, user_ids: Sequence[str], role: Role | None, now: datetime
) -> list[int]:
    """Members known to the bot with a fresh Slack profile (no users.info on their next click)."""
    rows = [
        {
            "team_id": team_id,
            "slack_user_id": user_id,
            "role": role,
            # Alumni as the roster import leaves them: verified to mentor.
            "verification": Verification.VERIFIED if role is Role.ALUMNUS else None,
            "locale": "fr" if position % 3 else "en",
            "tz": TZ,
            "display_name": f"Person {user_id}",
            "is_workspace_admin": False,
            "profile_checked_at": now,
            "wants_student_reminders": True,
            "created_at": now - timedelta(days=position % 700),
        }
        for position, user_id in enumerate(user_ids)
    ]
    return insert_rows(session, Member, rows)


def add_mentor_profiles(
    session: Session,
    team_id: str,
    member_ids: Sequence[int],
    now: datetime,
    rng: random.Random,
    *,
    charter_version: int = 1,
    capacity: int | None = None,
    paused_share: float = 0.15,
) -> None:
    """Mentor profiles with one to three topics and one or two languages; some paused, some full."""
    profiles, topics, languages = [], [], []
    for member_id in member_ids:
        places = capacity if capacity is not None else rng.choice((1, 2, 2, 3))
        profiles.append(
            {
                "member_id": member_id,
                "team_id": team_id,
                "industry": rng.choice(("Tech", "Finance", "Health", "Public sector", "Arts")),
                "job_title": rng.choice(("Engineer", "Manager", "Doctor", "Designer", "Founder")),
                "capacity": places,
                "active_mentee_count": rng.randint(0, places) if capacity is None else 0,
                "paused": rng.random() < paused_share,
                "charter_version": charter_version,
                "volunteered_at": now - timedelta(days=rng.randint(0, 700)),
                "updated_at": now,
            }
        )
        for topic in rng.sample(DEFAULT_TOPIC_KEYS, rng.randint(1, 3)):
            topics.append({"member_id": member_id, "topic": topic})
        for language in rng.sample(("fr", "en"), rng.choice((1, 1, 2))):
            languages.append({"member_id": member_id, "language": language})
    insert_rows(session, MentorProfile, profiles)
    insert_rows(session, MentorTopic, topics)
    insert_rows(session, MentorLanguage, languages)


def seed_school(session: Session, team_id: str, members: int, now: datetime, seed: int = 7) -> dict[str, int]:
    """A school of `members` people with two years of history; the row counts written."""
    rng = random.Random(seed)
    version = prepare_programme(session, team_id)
    students = int(members * 0.7)
    student_ids = add_members(
        session, team_id, [f"US{team_id}{n:07d}" for n in range(students)], Role.STUDENT, now
    )
    alumni_ids = add_members(
        session, team_id, [f"UA{team_id}{n:07d}" for n in range(members - students)], Role.ALUMNUS, now
    )
    mentor_ids = alumni_ids[: int(len(alumni_ids) * 0.4)]
    add_mentor_profiles(session, team_id, mentor_ids, now, rng, charter_version=version)

    request_rows, picked = [], []
    for position in range(int(members * 0.35)):
        created = now - timedelta(days=rng.uniform(0, 730))
        roll = rng.random()
        status = (
            RequestStatus.MATCHED
            if roll < 0.6
            else RequestStatus.EXPIRED
            if roll < 0.75
            else RequestStatus.CANCELLED
            if roll < 0.85
            else RequestStatus.OPEN
        )
        matched_at = (
            created + timedelta(hours=rng.uniform(1, 120)) if status == RequestStatus.MATCHED else None
        )
        request_rows.append(
            {
                "team_id": team_id,
                "student_id": student_ids[position % len(student_ids)],  # distinct: one open each at most
                "message": "I would like advice on my career plans.",
                "language": rng.choice(("fr", "en")),
                "status": status,
                "charter_version": version,
                "created_at": created,
                "matched_at": matched_at,
                "closed_at": matched_at if status != RequestStatus.OPEN else None,
            }
        )
        picked.append(rng.sample(mentor_ids, 2))
    request_ids = insert_rows(session, MentoringRequest, request_rows)
    insert_rows(
        session,
        RequestTopic,
        [
            {"request_id": request_id, "topic": topic}
            for request_id in request_ids
            for topic in rng.sample(DEFAULT_TOPIC_KEYS, rng.randint(1, 2))
        ],
    )

    offer_rows, mentorship_rows = [], []
    for request_id, row, (first, second) in zip(request_ids, request_rows, picked, strict=True):
        status = row["status"]
        first_status, second_status = {
            RequestStatus.MATCHED: (OfferStatus.ACCEPTED, OfferStatus.WITHDRAWN),
            RequestStatus.EXPIRED: (OfferStatus.EXPIRED, OfferStatus.DECLINED),
            RequestStatus.CANCELLED: (OfferStatus.WITHDRAWN, OfferStatus.WITHDRAWN),
            RequestStatus.OPEN: (OfferStatus.PENDING, OfferStatus.PENDING),
        }[status]
        for mentor_id, offer_status in ((first, first_status), (second, second_status)):
            offer_rows.append(
                {
                    "team_id": team_id,
                    "request_id": request_id,
                    "mentor_id": mentor_id,
                    "status": offer_status,
                    "offered_at": row["created_at"],
                    "answered_at": None if offer_status == OfferStatus.PENDING else row["created_at"],
                }
            )
        if status == RequestStatus.MATCHED:
            roll = rng.random()
            state = (
                MentorshipStatus.ACTIVE
                if roll < 0.5
                else MentorshipStatus.DORMANT
                if roll < 0.6
                else MentorshipStatus.ENDED
            )
            started = row["matched_at"]
            mentorship_rows.append(
                {
                    "team_id": team_id,
                    "request_id": request_id,
                    "student_id": row["student_id"],
                    "mentor_id": first,
                    "status": state,
                    "started_at": started,
                    "first_contact_at": started + timedelta(days=rng.uniform(0, 12))
                    if rng.random() < 0.8
                    else None,
                    "term_ends_at": started + timedelta(days=182),
                    "unanswered_prompts": 0,
                    "ended_at": started + timedelta(days=rng.uniform(30, 182))
                    if state == MentorshipStatus.ENDED
                    else None,
                }
            )
    insert_rows(session, Offer, offer_rows)
    mentorship_ids = insert_rows(session, Mentorship, mentorship_rows)

    meetings, surveys, followups = [], [], []
    for mentorship_id, pair in zip(mentorship_ids, mentorship_rows, strict=True):
        started = pair["started_at"]
        for month in range(1, 4):
            meetings.append(
                {
                    "team_id": team_id,
                    "mentorship_id": mentorship_id,
                    "period": f"m{mentorship_id}:p{month}",
                    "met_at": started + timedelta(days=30 * month - rng.uniform(0, 20)),
                    "how": rng.choice(("video", "in_person", "phone")),
                    "reported_by_id": pair["student_id"],
                }
            )
        for member_id, share in ((pair["student_id"], 0.7), (pair["mentor_id"], 0.5)):
            if rng.random() < share:
                surveys.append(
                    {
                        "team_id": team_id,
                        "mentorship_id": mentorship_id,
                        "member_id": member_id,
                        "survey": "first_meeting",
                        "rating": rng.randint(3, 5),
                        "not_met_yet": False,
                        "answered_at": started + timedelta(days=rng.uniform(30, 40)),
                    }
                )
        for kind, recipient, days in (
            ("first_contact_check", pair["mentor_id"], 3),
            ("first_meeting_survey", pair["student_id"], 30),
            ("first_meeting_survey", pair["mentor_id"], 30),
            ("meeting_prompt", pair["student_id"], 60),
        ):
            due = started + timedelta(days=days)
            state = FollowupState.SENT if due <= now else FollowupState.DUE
            if state == FollowupState.SENT and rng.random() < 0.03:
                state = FollowupState.FAILED
            followups.append(
                {
                    "team_id": team_id,
                    "kind": kind,
                    "recipient_id": recipient,
                    "mentorship_id": mentorship_id,
                    "period": f"m{mentorship_id}" + (":p2" if kind == "meeting_prompt" else ""),
                    "due_at": due,
                    "state": state,
                    "attempts": 1 if state != FollowupState.DUE else 0,
                    "sent_at": due if state == FollowupState.SENT else None,
                    "created_at": started,
                }
            )
    insert_rows(session, Meeting, meetings)
    insert_rows(session, SurveyAnswer, surveys)
    insert_rows(session, Followup, followups)
    return {
        "members": members,
        "mentor profiles": len(mentor_ids),
        "requests": len(request_ids),
        "offers": len(offer_rows),
        "mentorships": len(mentorship_ids),
        "meetings": len(meetings),
        "survey answers": len(surveys),
        "follow-ups": len(followups),
    }
