"""Re-sending failed follow-ups from the admins' report: the same builders, the same exactly-once machinery.

A re-send puts the failed rows back to DUE with their attempts counted afresh — one conditional UPDATE
from FAILED, so two admins clicking (or one clicking twice) re-send a row once — then runs a dispatcher
pass restricted to those rows (`bot.dispatch.run_dispatch_pass(only=...)`): the claim, quiet hours,
retries and recording are the dispatcher's own, and the message is built by the follow-up's builder.
"""

from __future__ import annotations

import logging

from bot.context import BotContext
from bot.dispatch import run_dispatch_pass
from bot.members import Person
from bot.messages import recognition as messages
from bot.outcome import Outcome, reply
from bot.stats import refuse_non_admin
from storage.queries.followups import put_failed_back_due
from storage.queries.settings import record_change

logger = logging.getLogger(__name__)

ALL = "all"


def resend_failed_followups(bot: BotContext, person: Person, value: str) -> Outcome:
    """Re-send one failed follow-up (`value`: its id) or all of the workspace's (`value`: "all")."""
    if not person.is_admin:
        return reply(refuse_non_admin(person, "re-sending follow-ups"))
    if value == ALL:
        wanted: list[int] | None = None
    elif value.isdecimal():
        wanted = [int(value)]
    else:
        return reply(messages.resent(person.locale, 0, 0, 0, 0))
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        moved = put_failed_back_due(session, person.team_id, wanted, now)
        if moved:
            record_change(
                session,
                person.team_id,
                changed_by=person.user_id,
                setting="resend_followups",
                old_value=None,
                new_value=",".join(str(one) for one in moved)[:200],
                now=now,
            )
    if not moved:
        return reply(messages.resent(person.locale, 0, 0, 0, 0))
    logger.info("admin %s re-sends %d failed follow-ups", person.user_id, len(moved))
    report = run_dispatch_pass(bot, now, only=moved)
    waiting = len(moved) - len(report.sent) - len(report.failed) - len(report.skipped)
    return reply(
        messages.resent(person.locale, len(moved), len(report.sent), len(report.failed), max(waiting, 0))
    )
