"""The App Home tab, published when a person opens it and re-published (an outcome's `homes`) by any
feature that changes it.

Its content is the person's status plus one section per feature. A feature adds its section by appending a
builder to `HOME_SECTIONS`: `(bot, session, person) -> list of blocks`, empty when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.followups import next_followup_section
from bot.members import Person
from bot.mentor_queue import mentor_queue_section
from bot.messages.home import home_view
from bot.messages.kit import AnyBlock
from bot.settings import charter_home_section
from bot.status import read_status
from bot.welcome import setup_guide_section

HomeSection = Callable[[BotContext, Session, Person], list[AnyBlock]]

# Sections other features show on the Home, in this order, after the status.
HOME_SECTIONS: list[HomeSection] = [next_followup_section, charter_home_section]
HOME_SECTIONS.append(mentor_queue_section)  # the requests a mentor may offer to take


def home_view_for(bot: BotContext, person: Person) -> dict:
    """The Home view of `person`, read in one transaction."""
    with bot.sessions.begin() as session:
        status = read_status(session, person)
        extra = [build(bot, session, person) for build in HOME_SECTIONS] if person.role is not None else []
        guide = setup_guide_section(bot, session, person)
    return home_view(person.locale, status, extra, guide)
