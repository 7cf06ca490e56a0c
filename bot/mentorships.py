"""Ending a mentorship, from the End button of the status or Home, or a monthly prompt's "End our mentorship".

`end_mentorship` is independent of where the request came from: it checks in the database that the person
belongs to the pair, ends the mentorship once (a conditional UPDATE), frees the mentor's place, tells both
sides, and lets waiting requests use the freed place.
"""

from __future__ import annotations

import enum
import logging

from slack_sdk.errors import SlackApiError

from bot.context import BotContext
from bot.home import publish_home
from bot.matching import offer_waiting_requests
from bot.members import Person, member_locale, person_of
from bot.messages import mentorships as mentorship_messages
from bot.messages.kit import Message
from storage.models import Member, Mentorship
from storage.queries.matching import release_mentor_place
from storage.queries.members import find_member
from storage.queries.mentorships import LIVE_STATUSES, claim_mentorship_end

logger = logging.getLogger(__name__)


class EndOutcome(enum.StrEnum):
    ENDED = "ended"
    ALREADY_ENDED = "already_ended"
    NOT_IN_PAIR = "not_in_pair"  # no such mentorship, another school's, or the person is not one of the two


def clean_reason(reason: str | None) -> str | None:
    """The reason as stored: stripped, None when blank, cut to the modal's limit."""
    reason = (reason or "").strip()
    return reason[: mentorship_messages.MAX_REASON_LENGTH] or None


def locale_of(bot: BotContext, team_id: str, user_id: str) -> str:
    """The member's language as last seen, from the database alone (fit for an ack)."""
    with bot.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        return member_locale(bot, member)


def end_modal_for(bot: BotContext, team_id: str, user_id: str, mentorship_id: int) -> dict:
    """The end-confirmation modal, or a "nothing to end" one; database only, no Web API call, so the
    modal opens well within the 3 s of its trigger_id."""
    with bot.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        locale = member_locale(bot, member)
        mentorship = session.get(Mentorship, mentorship_id)
        if member is None or not _belongs_to_pair(mentorship, member.id, team_id):
            return mentorship_messages.end_unavailable_modal(locale)
        assert mentorship is not None
        if mentorship.status not in LIVE_STATUSES:
            return mentorship_messages.end_unavailable_modal(locale)
        other_id = mentorship.mentor_id if mentorship.student_id == member.id else mentorship.student_id
        other = session.get(Member, other_id) if other_id is not None else None
        return mentorship_messages.end_modal(locale, mentorship_id, other.slack_user_id if other else None)


def end_mentorship(bot: BotContext, person: Person, mentorship_id: int, reason: str | None) -> EndOutcome:
    """End the mentorship `mentorship_id` on behalf of `person`, one of its pair.

    The reason is stored for the programme's admins and shown to no one else. Ending twice, or by someone
    outside the pair, changes nothing and says which (the caller tells the person with `end_refusal`).
    """
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        if not _belongs_to_pair(mentorship, person.member_id, person.team_id):
            logger.warning(
                "refused to end mentorship %s: member %s is not in the pair", mentorship_id, person.member_id
            )
            return EndOutcome.NOT_IN_PAIR
        if not claim_mentorship_end(
            session, mentorship_id, person.member_id, bot.clock.now(), clean_reason(reason)
        ):
            return EndOutcome.ALREADY_ENDED
        if mentorship.mentor_id is not None:
            release_mentor_place(session, mentorship.mentor_id)
        student = session.get(Member, mentorship.student_id) if mentorship.student_id else None
        mentor = session.get(Member, mentorship.mentor_id) if mentorship.mentor_id else None
        pair = [person_of(bot, member) for member in (student, mentor) if member is not None]
    logger.info("mentorship %s ended by member %s", mentorship_id, person.member_id)

    ender_is_student = student is not None and student.id == person.member_id
    other = next((someone for someone in pair if someone.member_id != person.member_id), None)
    _send_dm(
        bot,
        person.user_id,
        mentorship_messages.ended_for_ender(
            person.locale, other.user_id if other else None, ender_is_student=ender_is_student
        ),
    )
    if other is not None:
        _send_dm(
            bot,
            other.user_id,
            mentorship_messages.ended_for_other_side(
                other.locale, person.user_id, recipient_is_student=not ender_is_student
            ),
        )
    offer_waiting_requests(bot, person.team_id)
    for someone in pair:
        _refresh_home(bot, someone)
    return EndOutcome.ENDED


def end_refusal(person: Person, outcome: EndOutcome) -> Message:
    """What to tell a person whose end was refused."""
    return mentorship_messages.end_refused(person.locale, already_ended=outcome is EndOutcome.ALREADY_ENDED)


def _belongs_to_pair(mentorship: Mentorship | None, member_id: int, team_id: str) -> bool:
    return (
        mentorship is not None
        and mentorship.team_id == team_id
        and member_id in (mentorship.student_id, mentorship.mentor_id)
    )


def _send_dm(bot: BotContext, user_id: str, message: Message) -> None:
    # The mentorship has ended whatever Slack says; a member who left the workspace just isn't told.
    try:
        bot.client.chat_postMessage(channel=user_id, **message.as_kwargs())
    except SlackApiError as error:
        logger.warning("could not tell a member their mentorship ended: %s", error.response.get("error"))


def _refresh_home(bot: BotContext, person: Person) -> None:
    try:
        publish_home(bot, bot.client, person)
    except SlackApiError as error:
        logger.warning("could not refresh a member's Home: %s", error.response.get("error"))
