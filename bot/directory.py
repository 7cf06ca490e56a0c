"""The students' mentor directory: browse the available mentors, best match first, and ask one of them.

Opening it (`/mentor mentors`, or "Meet the mentors" in the menu, the Home tab and the reminder) shows a
modal; its filters and pages re-render that modal in place; "Ask <name>" pushes the request modal on top
of it with that mentor already chosen, which is the request's named-mentor path: the offer goes to that
mentor alone first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import ids
from bot.context import BotContext
from bot.i18n import SUPPORTED_LOCALES
from bot.members import Person
from bot.messages import directory as messages
from bot.messages.directory import ANY, FILTERS_BLOCK, PAGE_SIZE, DirectoryChoices, MentorCard
from bot.outcome import Outcome, ViewUpdate, reply
from bot.programme import programme_settings, topics_of
from bot.requests import start_request
from storage.models import Role
from storage.queries.directory import (
    DirectoryFilters,
    directory_choices,
    directory_page,
    mentor_of_team,
    topics_asked_by,
)


def open_directory(bot: BotContext, person: Person) -> Outcome:
    """The directory's first page, unfiltered; a polite word for anyone who is not a student."""
    if person.role is not Role.STUDENT:
        return reply(messages.only_students(person.locale))
    return Outcome(modal=_directory_view(bot, person, DirectoryFilters(), offset=0))


def refresh_directory(bot: BotContext, person: Person, view: dict, *, offset: int) -> Outcome:
    """The open directory re-rendered after a filter changed (`offset` 0) or a page was turned."""
    if person.role is not Role.STUDENT:
        return Outcome()
    view_id = view.get("id")
    if not isinstance(view_id, str) or not view_id:
        return Outcome()
    view_hash = view.get("hash")
    filters = read_filters(view)
    return Outcome(
        modal_update=ViewUpdate(
            view_id=view_id,
            view_hash=view_hash if isinstance(view_hash, str) else None,
            view=_directory_view(bot, person, filters, offset=max(0, offset)),
        )
    )


def ask_from_directory(bot: BotContext, person: Person, mentor_id: int) -> Outcome:
    """The request modal, pushed over the directory, with the mentor of the card already chosen."""
    with bot.sessions.begin() as session:
        chosen = mentor_of_team(session, person.team_id, mentor_id)
    outcome = start_request(bot, person, preferred_mentor=chosen)
    if outcome.modal is None:
        return outcome  # not a student, or a request already open: said in their DM
    return Outcome(modal=outcome.modal, push_modal=True)


def read_filters(view: dict) -> DirectoryFilters:
    """The filters chosen in the directory's view state; anything unreadable is "any"."""
    values = ((view.get("state") or {}).get("values") or {}).get(FILTERS_BLOCK) or {}

    def chosen(action_id: str) -> str | None:
        option = (values.get(action_id) or {}).get("selected_option") or {}
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) and value and value != ANY else None

    language = chosen(ids.DIRECTORY_FILTER_LANGUAGE)
    year = chosen(ids.DIRECTORY_FILTER_YEAR) or ""
    return DirectoryFilters(
        topic=chosen(ids.DIRECTORY_FILTER_TOPIC),
        language=language if language in SUPPORTED_LOCALES else None,
        industry=chosen(ids.DIRECTORY_FILTER_INDUSTRY),
        graduation_year=int(year) if year.isdecimal() else None,
    )


def _directory_view(bot: BotContext, person: Person, filters: DirectoryFilters, *, offset: int) -> dict:
    with bot.sessions.begin() as session:
        topics = topics_of(programme_settings(session, person.team_id))
        entries, has_more = directory_page(
            session,
            team_id=person.team_id,
            student_id=person.member_id,
            student_topics=_student_topics(session, person.member_id, [topic.key for topic in topics]),
            language=person.locale,
            filters=filters,
            offset=offset,
            limit=PAGE_SIZE,
        )
        industries, years = directory_choices(session, person.team_id, person.member_id)
    labels = {topic.key: topic.label(person.locale) for topic in topics}
    cards = [
        MentorCard(
            member_id=entry.member_id,
            user_id=entry.slack_user_id,
            display_name=entry.display_name,
            job_title=entry.job_title,
            industry=entry.industry,
            graduation_year=entry.graduation_year,
            topic_labels=[labels[key] for key in entry.topics if key in labels],
            languages=entry.languages,
            free_places=entry.free_places,
            how_i_can_help=entry.how_i_can_help,
        )
        for entry in entries
    ]
    choices = DirectoryChoices(
        topics=topics,
        industries=industries,
        years=years,
        topic=filters.topic,
        language=filters.language,
        industry=filters.industry,
        graduation_year=filters.graduation_year,
    )
    return messages.directory_modal(person.locale, cards, choices, offset=offset, has_more=has_more)


def _student_topics(session: Session, student_id: int, school_topics: list[str]) -> list[str]:
    """What the student asked about last, else the topics their roster gives them; a student with neither
    is matched on all the school's topics (the ranking then favours mentors who cover more of them)."""
    return topics_asked_by(session, student_id) or school_topics
