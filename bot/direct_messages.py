"""What a person who writes in the bot's DM gets back: their menu, or the help when they ask for it.

The answer never repeats what they wrote, and comes at most once a minute per person (`DM_ANSWER_QUIET`),
so someone typing several lines, or two processes receiving them, gets one answer rather than a flood.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.context import BotContext
from bot.members import Person
from bot.menu import help_for, menu_for
from bot.outcome import NOTHING, Outcome, reply
from storage.queries.direct_messages import claim_direct_message_answer

logger = logging.getLogger(__name__)

DM_ANSWER_QUIET = timedelta(minutes=1)


def answer_direct_message(bot: BotContext, person: Person, *, wants_help: bool) -> Outcome:
    """The menu (for a member without a role, the role question) or the help, in their language; nothing
    when they were answered less than `DM_ANSWER_QUIET` ago."""
    with bot.sessions.begin() as session:
        claimed = claim_direct_message_answer(session, person.member_id, bot.clock.now(), DM_ANSWER_QUIET)
    if not claimed:
        logger.debug("a direct message within a minute of the last answer: not answered")
        return NOTHING
    return reply(help_for(person) if wants_help else menu_for(bot, person))
