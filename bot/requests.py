"""A student asks for a mentor: the request modal, its checks, the request itself, and cancelling it.

The checks of a submission are pure and read only the submitted view (the modal carries the student's
language in its metadata), so they run inside Slack's 3-second ack and can answer with field errors.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot import ids
from bot.context import BotContext
from bot.followups import plan_admin_notices
from bot.i18n import SUPPORTED_LOCALES
from bot.matching import named_topics, offer_request, offer_updates, withdrawn_offer_dms
from bot.members import Person, member_locale
from bot.messages import requests as request_messages
from bot.messages.kit import Message
from bot.messages.offers import OfferOutcome
from bot.outcome import Outcome, reply
from bot.programme import charter_in_force, charter_text, programme_settings, topics_of
from storage.models import FollowupKind, FollowupPeriod, Member, MentoringRequest, ProgrammeSettings, Role
from storage.queries.followups import PlannedFollowup, plan_followups
from storage.queries.matching import search_available_mentors, withdraw_pending_offers
from storage.queries.members import find_member
from storage.queries.mentorships import live_mentorships_as_student
from storage.queries.requests import (
    cancel_open_request,
    create_request,
    expire_request,
    open_request_of,
    record_charter_acceptance,
    students_to_remind,
    unmatched_requests,
)

logger = logging.getLogger(__name__)

# At most this many requests closed a pass: the rest go at the next pass, a minute later.
SWEEP_LIMIT = 500
# Student reminders are numbered by whole intervals since this day, so every pass of one interval
# plans the same period (planned once, whatever the number of passes).
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RequestForm:
    """What a student submitted in the request modal, as read from the view's state."""

    locale: str
    charter_version: int
    topics: list[str]
    message: str
    language: str | None
    preferred_mentor_id: int | None
    charter_accepted: bool
    visible_to_mentors: bool = True

    def errors(self) -> dict[str, str]:
        """Field errors by block id, in the student's language; empty when the request can go."""
        return request_messages.request_errors(
            self.locale,
            no_topic=not self.topics,
            message_length=len(self.message),
            no_language=self.language is None,
            no_charter=not self.charter_accepted,
        )


def read_request_form(view: dict, default_locale: str = "fr") -> RequestForm:
    """The submission of a request modal, tolerant of missing fields (a forged payload has holes)."""
    values = (view.get("state") or {}).get("values") or {}
    form = request_messages

    def entry(block_id: str, action_id: str) -> dict:
        return (values.get(block_id) or {}).get(action_id) or {}

    def chosen(block_id: str, action_id: str) -> str | None:
        option = entry(block_id, action_id).get("selected_option")
        return option.get("value") if option else None

    def ticked(block_id: str, action_id: str) -> list[str]:
        return [option.get("value") for option in entry(block_id, action_id).get("selected_options") or []]

    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    if not isinstance(metadata, dict):
        metadata = {}
    charter_version = metadata.get("charter_version")
    language = chosen(form.LANGUAGE_BLOCK, form.LANGUAGE_INPUT)
    preferred = chosen(form.MENTOR_BLOCK, ids.PREFERRED_MENTOR_SELECT) or ""
    return RequestForm(
        locale=metadata["locale"] if metadata.get("locale") in SUPPORTED_LOCALES else default_locale,
        charter_version=charter_version if isinstance(charter_version, int) else 0,
        topics=ticked(form.TOPICS_BLOCK, form.TOPICS_INPUT),
        message=(entry(form.MESSAGE_BLOCK, form.MESSAGE_INPUT).get("value") or "").strip(),
        language=language if language in SUPPORTED_LOCALES else None,
        preferred_mentor_id=int(preferred) if preferred.isdecimal() else None,
        charter_accepted=form.CHARTER_ACCEPTED in ticked(form.CHARTER_BLOCK, form.CHARTER_INPUT),
        # Shown to mentors in their queue unless the student unticked the box; a modal opened before the
        # box existed has no such block and keeps the default the box has.
        visible_to_mentors=form.VISIBLE_TO_MENTORS in ticked(form.VISIBILITY_BLOCK, form.VISIBILITY_INPUT)
        if form.VISIBILITY_BLOCK in values
        else True,
    )


def start_request(
    bot: BotContext, person: Person, *, preferred_mentor: tuple[int, str | None] | None = None
) -> Outcome:
    """Open the request modal for a student; or say why not (not a student, a request already open).

    `preferred_mentor` (member id, display name): the mentor chosen already, from the directory.
    """
    if person.role is not Role.STUDENT:
        return reply(request_messages.only_students(person.locale))
    with bot.sessions.begin() as session:
        open_request = open_request_of(session, person.member_id)
        if open_request is not None:
            return reply(_open_request_message(session, person.locale, open_request))
        settings = programme_settings(session, person.team_id)
        busy = _limit_reached_message(session, person, settings)
        if busy is not None:
            return reply(busy)
        charter = charter_in_force(session, person.team_id)
        view = request_messages.request_modal(
            person.locale,
            topics_of(settings),
            charter_text(charter, person.locale),
            charter.version,
            default_language=person.locale,
            preferred_mentor=preferred_mentor,
        )
    return Outcome(modal=view)


def _limit_reached_message(session: Session, person: Person, settings: ProgrammeSettings) -> Message | None:
    """Why a student who has as many mentorships as the school allows at once cannot ask again; None
    when they may."""
    current = live_mentorships_as_student(session, person.member_id)
    if len(current) < max(settings.max_mentorships_per_student, 1):
        return None
    return request_messages.mentorships_limit_reached(
        person.locale,
        [
            (mentorship.id, mentorship.mentor.slack_user_id if mentorship.mentor else None)
            for mentorship in current
        ],
    )


def _open_request_message(session: Session, locale: str, request: MentoringRequest) -> Message:
    settings = programme_settings(session, request.team_id)
    topics = named_topics(topics_of(settings), [item.topic for item in request.topics])
    return request_messages.open_request_exists(locale, request.id, topics, request.message)


def suggest_mentors(bot: BotContext, team_id: str, user_id: str, typed: str) -> list[dict]:
    """Options for the "specific mentor" search box: available mentors matching what the student typed.

    Runs inside the ack of Slack's options request: one query, no call to Slack.
    """
    with bot.sessions.begin() as session:
        student = find_member(session, team_id, user_id)
        mentors = search_available_mentors(session, team_id=team_id, student_user_id=user_id, typed=typed)
        return request_messages.mentor_options(member_locale(bot, student), mentors)


def submit_request(bot: BotContext, person: Person, view: dict) -> Outcome:
    """Create the request the student submitted, offer it, and tell the student (in their DM).

    The ack already refused an invalid form; it is checked again here because the background work runs
    whatever the ack answered. Nothing to say for an invalid form.
    """
    form = read_request_form(view, bot.config.default_locale)
    if form.errors():
        return Outcome()
    team_id = person.team_id
    if person.role is not Role.STUDENT:
        return reply(request_messages.only_students(person.locale))
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        # Never trust option values: topics must be the school's, the mentor a member of this school,
        # the charter a version that exists.
        settings = programme_settings(session, team_id)
        busy = _limit_reached_message(session, person, settings)
        if busy is not None:
            return reply(busy)
        known_topics = {topic.key for topic in topics_of(settings)}
        topics = [topic for topic in form.topics if topic in known_topics]
        if not topics:
            return Outcome()
        preferred = form.preferred_mentor_id
        if preferred is not None and _team_member(session, preferred, team_id) is None:
            preferred = None
        charter_version = charter_in_force(session, team_id).version  # the newest, unless the form's exists
        if 1 <= form.charter_version <= charter_version:
            charter_version = form.charter_version
        request = create_request(
            session,
            team_id=team_id,
            student_id=person.member_id,
            topics=topics,
            message=form.message,
            language=form.language or person.locale,
            preferred_mentor_id=preferred,
            charter_version=charter_version,
            now=now,
            visible_to_mentors=form.visible_to_mentors,
        )
        if request is None:
            existing = open_request_of(session, person.member_id)
            assert existing is not None
            return reply(_open_request_message(session, person.locale, existing))
        record_charter_acceptance(
            session,
            team_id=team_id,
            member_id=person.member_id,
            version=request.charter_version,
            accepted_as="mentee",
            now=now,
        )
        request_id = request.id
    offers = offer_request(bot, request_id)
    offered_to = [notice.recipient_id for notice in offers.notices]
    if not offered_to:
        return reply(request_messages.request_waiting(person.locale))
    sent = request_messages.request_sent(
        person.locale, len(offered_to), to_named_mentor=offered_to == [preferred]
    )
    return reply(sent) + offers


def _team_member(session: Session, member_id: int, team_id: str) -> Member | None:
    member = session.get(Member, member_id)
    return member if member is not None and member.team_id == team_id else None


def cancel_request(bot: BotContext, person: Person, request_id: int) -> Outcome:
    """The student cancels their open request: pending offers are withdrawn and their DMs say so."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        if not cancel_open_request(session, request_id, person.member_id, now):
            return reply(request_messages.request_already_closed(person.locale))
        withdrawn = withdrawn_offer_dms(bot, session, withdraw_pending_offers(session, request_id, now))
    return Outcome(
        reply=request_messages.request_cancelled(person.locale),
        replace_original=True,
        updates=offer_updates(withdrawn, OfferOutcome.WITHDRAWN),
    )


# ------------------------------------------------------------------------------------------------------
# What the passing of time does to requests (run by the dispatcher's sweeps)


def expire_unmatched_requests(bot: BotContext, team_id: str, now: datetime) -> int:
    """Close the requests nobody took in `unmatched_report_days`; the student and the admins are told
    (follow-ups planned in the same transaction). How many follow-ups were planned."""
    planned = 0
    with bot.sessions.begin() as session:
        settings = programme_settings(session, team_id)
        cutoff = now - timedelta(days=settings.unmatched_report_days)
        for request in unmatched_requests(session, team_id, cutoff, SWEEP_LIMIT):
            if not expire_request(session, request.id, now):
                continue
            logger.info(
                "request %s unmatched after %d days: closed", request.id, settings.unmatched_report_days
            )
            period = FollowupPeriod(f"r{request.id}")
            planned += plan_followups(
                session,
                [
                    PlannedFollowup(
                        team_id=team_id,
                        kind=FollowupKind.REQUEST_UNMATCHED,
                        recipient_id=request.student_id,
                        period=period,
                        due_at=now,
                        request_id=request.id,
                    )
                ],
                now,
            )
            planned += plan_admin_notices(
                bot,
                session,
                FollowupKind.ADMIN_REQUEST_UNMATCHED,
                team_id=team_id,
                period=period,
                now=now,
                request_id=request.id,
            )
    return planned


def plan_never_asked_reminders(bot: BotContext, team_id: str, now: datetime) -> int:
    """Remind, every `student_reminder_interval_days`, the students who never asked for a mentor."""
    with bot.sessions.begin() as session:
        interval_days = programme_settings(session, team_id).student_reminder_interval_days
        if interval_days <= 0:
            return 0
        period = FollowupPeriod(f"w{(now - EPOCH).days // interval_days}")
        students = students_to_remind(session, team_id, now - timedelta(days=interval_days))
        return plan_followups(
            session,
            [
                PlannedFollowup(
                    team_id=team_id,
                    kind=FollowupKind.STUDENT_REMINDER,
                    recipient_id=student_id,
                    period=period,
                    due_at=now,
                )
                for student_id in students
            ],
            now,
        )
