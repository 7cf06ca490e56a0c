"""Alumni volunteering as mentors: the volunteer modal, saving what they offer, pausing and resuming.

A mentor's profile says what they can help with (topics, languages), how many mentees they take at once,
and whether they are available now. Saving or resuming may make a waiting student's request offerable,
so both end by asking the matching to offer waiting requests again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.context import BotContext
from bot.i18n import SUPPORTED_LOCALES
from bot.members import Person
from bot.menu import menu_for
from bot.messages import volunteering as messages
from bot.messages.booking import valid_link
from bot.messages.volunteering import VolunteerAnswers
from bot.outcome import Notice, NoticeKind, Outcome, reply
from bot.programme import charter_in_force, charter_text, programme_settings, topics_of
from bot.verification import ask_admins_about
from storage.models import MentorProfile, Role
from storage.queries.mentors import (
    find_mentor_profile,
    graduation_year_of,
    has_accepted_charter,
    is_mentor,
    record_charter_acceptance,
    set_graduation_year,
    set_paused,
    upsert_mentor_profile,
)

logger = logging.getLogger(__name__)

ACCEPTED_AS_MENTOR = "mentor"
FIRST_GRADUATION_YEAR = 1950

# block id -> (catalogue key, placeholders): what is wrong with one field of the form.
Problems = dict[str, tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class FormMetadata:
    """Carried by the modal from opening to submission: the ack-stage check has no time for the database."""

    locale: str
    charter_version: int

    def encode(self) -> str:
        return json.dumps({"locale": self.locale, "charter_version": self.charter_version})

    @classmethod
    def decode(cls, private_metadata: str) -> FormMetadata:
        """Tolerant: a submission of a view the bot never opened has any metadata, or none (then the
        checks answer in French with a charter version of 0, which accepts nothing)."""
        try:
            data = json.loads(private_metadata)
            locale = str(data["locale"]) if data["locale"] in SUPPORTED_LOCALES else "fr"
            return cls(locale=locale, charter_version=int(data["charter_version"]))
        except (ValueError, TypeError, KeyError):
            return cls(locale="fr", charter_version=0)


# ---------------------------------------------------------------------------------------------------
# The volunteer modal


def open_volunteer_modal(bot: BotContext, person: Person) -> Outcome:
    """Open the volunteer modal, pre-filled from the saved profile; or the answer for who may not volunteer.

    The modal opens before anything else calls Slack: its trigger_id dies after 3 s.
    """
    if person.role is Role.STUDENT:
        return reply(messages.not_for_students(person.locale))
    if person.role is not Role.ALUMNUS:
        return reply(menu_for(bot, person))  # asks who they are first
    with bot.sessions.begin() as session:
        topics = topics_of(programme_settings(session, person.team_id))
        charter = charter_in_force(session, person.team_id)
        profile = find_mentor_profile(session, person.member_id)
        graduation_year = graduation_year_of(session, person.member_id)
        accepted = has_accepted_charter(session, person.member_id, charter.version, ACCEPTED_AS_MENTOR)
        answers = _answers_of(profile, graduation_year, charter.version if accepted else None)
        view = messages.volunteer_modal(
            person.locale,
            topics=topics,
            charter_version=charter.version,
            charter_text=charter_text(charter, person.locale),
            answers=answers,
            editing=profile is not None,
            private_metadata=FormMetadata(person.locale, charter.version).encode(),
        )
    return Outcome(modal=view)


def _answers_of(
    profile: MentorProfile | None, graduation_year: int | None, charter_version: int | None
) -> VolunteerAnswers:
    if profile is None:
        return VolunteerAnswers(graduation_year=graduation_year)
    return VolunteerAnswers(
        topics=tuple(sorted(row.topic for row in profile.topics)),
        languages=tuple(
            code for code in SUPPORTED_LOCALES if code in {row.language for row in profile.languages}
        ),
        capacity=profile.capacity,
        graduation_year=graduation_year,
        industry=profile.industry,
        job_title=profile.job_title,
        charter_version=charter_version,
        how_i_can_help=profile.how_i_can_help,
        in_directory=profile.in_directory,
        meeting_link=profile.meeting_link,
    )


# ---------------------------------------------------------------------------------------------------
# Reading and checking a submission (pure: it runs in the ack, which has 3 s and no database)


def read_volunteer_form(view: dict, current_year: int) -> tuple[VolunteerAnswers | None, Problems]:
    """The answers of a submitted volunteer modal, or None with what is wrong, field by field."""
    values = (view.get("state") or {}).get("values") or {}
    metadata = FormMetadata.decode(view.get("private_metadata") or "{}")
    problems: Problems = {}

    topics = tuple(dict.fromkeys(_selected(values, ids.VOLUNTEER_TOPICS)))
    if not topics:
        problems[ids.VOLUNTEER_TOPICS] = ("volunteer.errors.topics", {})

    chosen = set(_selected(values, ids.VOLUNTEER_LANGUAGES))
    languages = tuple(code for code in SUPPORTED_LOCALES if code in chosen)
    if not languages:
        problems[ids.VOLUNTEER_LANGUAGES] = ("volunteer.errors.languages", {})

    capacity_option = _field(values, ids.VOLUNTEER_CAPACITY).get("selected_option") or {}
    capacity = _whole_number(capacity_option.get("value"))
    if capacity not in messages.CAPACITY_CHOICES:
        problems[ids.VOLUNTEER_CAPACITY] = ("volunteer.errors.capacity", {})

    graduation_year = _whole_number(_field(values, ids.VOLUNTEER_GRADUATION_YEAR).get("value"))
    if graduation_year is None or not FIRST_GRADUATION_YEAR <= graduation_year <= current_year:
        problems[ids.VOLUNTEER_GRADUATION_YEAR] = (
            "volunteer.errors.graduation_year",
            {"first": FIRST_GRADUATION_YEAR, "last": current_year},
        )

    industry = _text(values, ids.VOLUNTEER_INDUSTRY)
    job_title = _text(values, ids.VOLUNTEER_JOB_TITLE)
    for block_id, text in ((ids.VOLUNTEER_INDUSTRY, industry), (ids.VOLUNTEER_JOB_TITLE, job_title)):
        if text is not None and len(text) > messages.TEXT_FIELD_MAX_LENGTH:
            problems[block_id] = ("volunteer.errors.too_long", {"max": messages.TEXT_FIELD_MAX_LENGTH})

    how_i_can_help = _text(values, ids.VOLUNTEER_HOW_I_CAN_HELP)
    if how_i_can_help is not None and len(how_i_can_help) > messages.HOW_I_CAN_HELP_MAX_LENGTH:
        problems[ids.VOLUNTEER_HOW_I_CAN_HELP] = (
            "volunteer.errors.too_long",
            {"max": messages.HOW_I_CAN_HELP_MAX_LENGTH},
        )
    # A form without the directory's checkbox (opened before it existed) keeps the default: listed.
    in_directory = ids.VOLUNTEER_IN_DIRECTORY not in values or messages.IN_DIRECTORY in _selected(
        values, ids.VOLUNTEER_IN_DIRECTORY
    )
    meeting_link = _text(values, ids.VOLUNTEER_MEETING_LINK)
    if meeting_link is not None and valid_link(meeting_link) is None:
        problems[ids.VOLUNTEER_MEETING_LINK] = ("booking.errors.link", {})

    if (
        messages.CHARTER_ACCEPTED not in _selected(values, ids.VOLUNTEER_CHARTER)
        or metadata.charter_version < 1
    ):
        problems[ids.VOLUNTEER_CHARTER] = ("volunteer.errors.charter", {})

    if problems:
        return None, problems
    assert capacity is not None and graduation_year is not None
    return (
        VolunteerAnswers(
            topics=topics,
            languages=languages,
            capacity=capacity,
            graduation_year=graduation_year,
            industry=industry,
            job_title=job_title,
            charter_version=metadata.charter_version,
            how_i_can_help=how_i_can_help,
            in_directory=in_directory,
            meeting_link=meeting_link,
        ),
        {},
    )


def volunteer_form_errors(bot: BotContext, view: dict) -> dict[str, str]:
    """The field errors to show in the modal, in the person's language; empty when it can be saved."""
    _, problems = read_volunteer_form(view, bot.clock.now().year)
    locale = FormMetadata.decode(view.get("private_metadata") or "{}").locale
    return messages.form_errors(locale, problems)


def _field(values: dict, block_id: str) -> dict:
    # Each input block holds one element, whose action id is the block's id.
    return (values.get(block_id) or {}).get(block_id) or {}


def _selected(values: dict, block_id: str) -> list[str]:
    return [option["value"] for option in _field(values, block_id).get("selected_options") or []]


def _text(values: dict, block_id: str) -> str | None:
    return (_field(values, block_id).get("value") or "").strip() or None


def _whole_number(text: object) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdecimal() else None


# ---------------------------------------------------------------------------------------------------
# Saving


def save_volunteer_profile(bot: BotContext, person: Person, view: dict) -> Outcome:
    """Save a submitted volunteer modal, DM the mentor what they offer, then offer them waiting requests.

    Bolt runs this even when the ack refused the submission, so the form is checked again and an invalid
    one saves nothing (the person is looking at the errors in the modal).
    """
    answers, _ = read_volunteer_form(view, bot.clock.now().year)
    if answers is None:
        return Outcome()
    assert answers.charter_version is not None and answers.graduation_year is not None
    if person.role is not Role.ALUMNUS:
        logger.warning("volunteer form submitted by a member who is not an alumnus: ignored")
        return Outcome()
    team_id = person.team_id
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        first_time = not is_mentor(session, person.member_id)
        state = upsert_mentor_profile(
            session,
            person.member_id,
            team_id,
            topics=answers.topics,
            languages=answers.languages,
            industry=answers.industry,
            job_title=answers.job_title,
            meeting_link=answers.meeting_link,
            capacity=answers.capacity,
            charter_version=answers.charter_version,
            how_i_can_help=answers.how_i_can_help,
            in_directory=answers.in_directory,
            now=now,
        )
        set_graduation_year(session, person.member_id, answers.graduation_year)
        record_charter_acceptance(
            session, team_id, person.member_id, answers.charter_version, ACCEPTED_AS_MENTOR, now
        )
        labels = {
            topic.key: topic.label(person.locale) for topic in topics_of(programme_settings(session, team_id))
        }
        verification = ask_admins_about(bot, session, person)
    confirmation = messages.volunteer_confirmation(
        person.locale,
        topic_labels=[labels.get(key, key) for key in answers.topics],
        answers=answers,
        first_time=first_time,
        active_mentee_count=state.active_mentee_count,
        paused=state.paused,
    )
    return Outcome(
        notices=(
            Notice(person.user_id, confirmation, NoticeKind.CONFIRMATION, person.member_id),
            *verification,
        ),
        homes=(person,),
        reoffer_team=team_id,
    )


# ---------------------------------------------------------------------------------------------------
# Pausing and resuming


def pause_mentoring(bot: BotContext, person: Person) -> Outcome:
    """Stop new offers to this mentor (their mentorships carry on); the answer is their refreshed menu."""
    key, changed = _set_availability(bot, person, paused=True)
    answer = messages.availability_answer(person.locale, key, menu_for(bot, person))
    return Outcome(reply=answer, homes=(person,) if changed else ())


def resume_mentoring(bot: BotContext, person: Person) -> Outcome:
    """Make this mentor available again and offer them the requests that waited meanwhile."""
    key, changed = _set_availability(bot, person, paused=False)
    answer = messages.availability_answer(person.locale, key, menu_for(bot, person))
    if not changed:
        return reply(answer)
    return Outcome(reply=answer, homes=(person,), reoffer_team=person.team_id)


def _set_availability(bot: BotContext, person: Person, *, paused: bool) -> tuple[str, bool]:
    with bot.sessions.begin() as session:
        changed = set_paused(session, person.member_id, paused, bot.clock.now())
        mentor = changed or is_mentor(session, person.member_id)
    if not mentor:
        return "not_a_mentor", False
    if changed:
        return ("paused" if paused else "resumed"), True
    return ("already_paused" if paused else "already_active"), False
