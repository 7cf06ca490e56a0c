"""Ending a mentorship, from the End button of the status or Home, or a monthly prompt's "End our mentorship".

`end_mentorship` is independent of where the request came from: it checks in the database that the person
belongs to the pair, ends the mentorship once (a conditional UPDATE) and frees the mentor's place; its
outcome tells both sides, refreshes their Homes and offers the team's waiting requests the freed place.
"""

from __future__ import annotations

import enum
import logging

from bot.context import BotContext
from bot.members import Person, person_of
from bot.messages import feedback as feedback_messages
from bot.messages import mentorships as mentorship_messages
from bot.outcome import Notice, NoticeKind, Outcome, reply
from storage.models import LIVE_MENTORSHIP_STATUSES, Member, Mentorship
from storage.queries.matching import release_mentor_place
from storage.queries.mentorships import claim_mentorship_end

logger = logging.getLogger(__name__)


class EndOutcome(enum.StrEnum):
    ENDED = "ended"
    ALREADY_ENDED = "already_ended"
    NOT_IN_PAIR = "not_in_pair"  # no such mentorship, another school's, or the person is not one of the two


def clean_reason(reason: str | None) -> str | None:
    """The reason as stored: stripped, None when blank, cut to the modal's limit."""
    reason = (reason or "").strip()
    return reason[: mentorship_messages.MAX_REASON_LENGTH] or None


def end_modal_for(bot: BotContext, person: Person, mentorship_id: int) -> Outcome:
    """The end-confirmation modal, or a "nothing to end" one; database only, no Web API call, so the
    modal opens well within the 3 s of its trigger_id."""
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        if (
            not _belongs_to_pair(mentorship, person.member_id, person.team_id)
            or mentorship is None
            or mentorship.status not in LIVE_MENTORSHIP_STATUSES
        ):
            return Outcome(modal=mentorship_messages.end_unavailable_modal(person.locale))
        other_id = (
            mentorship.mentor_id if mentorship.student_id == person.member_id else mentorship.student_id
        )
        other = session.get(Member, other_id) if other_id is not None else None
        return Outcome(
            modal=mentorship_messages.end_modal(
                person.locale, mentorship_id, other.slack_user_id if other else None
            )
        )


def end_mentorship(bot: BotContext, person: Person, mentorship_id: int, reason: str | None) -> Outcome:
    """End the mentorship `mentorship_id` on behalf of `person`, one of its pair; a refusal when it was
    already ended or the person is not in the pair."""
    ended, outcome = ended_mentorship(bot, person, mentorship_id, reason)
    if ended is EndOutcome.ENDED:
        return outcome
    already_ended = ended is EndOutcome.ALREADY_ENDED
    return reply(mentorship_messages.end_refused(person.locale, already_ended=already_ended))


def ended_mentorship(
    bot: BotContext, person: Person, mentorship_id: int, reason: str | None, *, by_programme: bool = False
) -> tuple[EndOutcome, Outcome]:
    """What ending did, and the outcome of a successful end (empty otherwise), for callers that go on
    (a closing survey after an end-of-term "close", an erasure).

    The reason is stored for the programme's admins and shown to no one else.
    `by_programme`: an admin closes it (the caller checked they are one); both of the pair are told.
    """
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        in_team = mentorship is not None and mentorship.team_id == person.team_id
        if not (in_team if by_programme else _belongs_to_pair(mentorship, person.member_id, person.team_id)):
            logger.warning(
                "refused to end mentorship %s: member %s is not in the pair", mentorship_id, person.member_id
            )
            return EndOutcome.NOT_IN_PAIR, Outcome()
        if not claim_mentorship_end(
            session,
            mentorship_id,
            person.member_id,
            bot.clock.now(),
            clean_reason(reason),
            by_programme=by_programme,
        ):
            return EndOutcome.ALREADY_ENDED, Outcome()
        assert mentorship is not None
        if mentorship.mentor_id is not None:
            release_mentor_place(session, mentorship.mentor_id)
        student = session.get(Member, mentorship.student_id) if mentorship.student_id else None
        mentor = session.get(Member, mentorship.mentor_id) if mentorship.mentor_id else None
        pair = tuple(person_of(bot, member) for member in (student, mentor) if member is not None)
    logger.info("mentorship %s ended by member %s", mentorship_id, person.member_id)
    about = tuple(someone.member_id for someone in pair)
    if by_programme:
        programme_notices = tuple(
            Notice(
                someone.user_id,
                feedback_messages.closed_for_pair(
                    someone.locale, next((o.user_id for o in pair if o.member_id != someone.member_id), None)
                ),
                NoticeKind.MENTORSHIP_ENDED,
                someone.member_id,
                about,
            )
            for someone in pair
        )
        return EndOutcome.ENDED, Outcome(notices=programme_notices, homes=pair, reoffer_team=person.team_id)

    ender_is_student = student is not None and student.id == person.member_id
    other = next((someone for someone in pair if someone.member_id != person.member_id), None)
    # The mentorship has ended whatever Slack says; a member who left the workspace just isn't told.
    notices = [
        Notice(
            person.user_id,
            mentorship_messages.ended_for_ender(
                person.locale, other.user_id if other else None, ender_is_student=ender_is_student
            ),
            NoticeKind.MENTORSHIP_ENDED,
            person.member_id,
            about,
        )
    ]
    if other is not None:
        notices.append(
            Notice(
                other.user_id,
                mentorship_messages.ended_for_other_side(
                    other.locale, person.user_id, recipient_is_student=not ender_is_student
                ),
                NoticeKind.MENTORSHIP_ENDED,
                other.member_id,
                about,
            )
        )
    return EndOutcome.ENDED, Outcome(notices=tuple(notices), homes=pair, reoffer_team=person.team_id)


def _belongs_to_pair(mentorship: Mentorship | None, member_id: int, team_id: str) -> bool:
    return (
        mentorship is not None
        and mentorship.team_id == team_id
        and member_id in (mentorship.student_id, mentorship.mentor_id)
    )
