"""Where a person stands in the programme: role, mentor profile, open request or offers, mentorships.

One snapshot, read in one transaction, feeds both `/mentor status` and the App Home, so the two never
disagree.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.members import Person
from bot.messages import status as status_messages
from bot.messages.kit import Message
from bot.messages.menu import role_question
from bot.messages.status import CurrentMentorship, MentorAvailability, OpenRequest, PendingOffer, PersonStatus
from bot.programme import programme_settings, topics_of
from storage.models import MentorshipStatus
from storage.queries.matching import pending_offer_count
from storage.queries.mentorships import current_mentorships_of, slack_user_ids
from storage.queries.programme import mentor_profile
from storage.queries.status import open_request_of, pending_offers_to


def read_status(session: Session, person: Person) -> PersonStatus:
    """The person's standing, read inside the caller's transaction."""
    if person.role is None:
        return PersonStatus(user_id=person.user_id, role=None)
    labels = {
        topic.key: topic.label(person.locale)
        for topic in topics_of(programme_settings(session, person.team_id))
    }

    profile = mentor_profile(session, person.member_id)
    mentor = (
        MentorAvailability(
            topics=[labels.get(topic.topic, topic.topic) for topic in profile.topics],
            capacity=profile.capacity,
            load=profile.active_mentee_count,
            paused=profile.paused,
        )
        if profile is not None
        else None
    )

    request = open_request_of(session, person.member_id)
    open_request = (
        OpenRequest(
            request_id=request.id,
            topics=[labels.get(topic.topic, topic.topic) for topic in request.topics],
            created_at=request.created_at,
            pending_offers=pending_offer_count(session, request.id),
        )
        if request is not None
        else None
    )

    pending = [
        PendingOffer(offer_id=offer.id, student_user_id=student_user_id, offered_at=offer.offered_at)
        for offer, student_user_id in pending_offers_to(session, person.member_id)
    ]

    rows = current_mentorships_of(session, person.member_id)
    others = slack_user_ids(
        session,
        [
            other
            for row in rows
            if (other := _other_member_id(row.student_id, row.mentor_id, person)) is not None
        ],
    )
    mentorships = [
        CurrentMentorship(
            mentorship_id=row.id,
            other_user_id=others.get(_other_member_id(row.student_id, row.mentor_id, person) or 0),
            is_mentor=row.mentor_id == person.member_id,
            started_at=row.started_at,
            first_contact_at=row.first_contact_at,
            dormant=row.status == MentorshipStatus.DORMANT,
        )
        for row in rows
    ]
    return PersonStatus(
        user_id=person.user_id,
        role=person.role,
        mentor=mentor,
        open_request=open_request,
        pending_offers=pending,
        mentorships=mentorships,
    )


def _other_member_id(student_id: int | None, mentor_id: int | None, person: Person) -> int | None:
    return mentor_id if student_id == person.member_id else student_id


def status_for(bot: BotContext, person: Person) -> Message:
    """The answer to `/mentor status` and to the menu's status button."""
    if person.role is None:
        return role_question(person.locale)
    with bot.sessions.begin() as session:
        status = read_status(session, person)
    return status_messages.status_message(person.locale, status)
