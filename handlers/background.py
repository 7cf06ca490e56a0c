"""Acknowledging at once, durably, and doing the real work afterwards, with the one error path every
listener shares.

Slack waits 3 seconds for an ack and never resends an interactive payload, so a listener records the
payload (`bot.work.record_inbound`, one INSERT) before Bolt answers, then hands the row to this
process's pool (`BotContext.follow_ups`), or leaves it to the workers (`serve --ack-only`). A process
that dies after the ack leaves the row to another (`bot.work`). Bolt's own `lazy=[...]` listeners would
keep the work in memory only, and deep-copy the whole request on the thread that sends the ack.

Every listener has one shape: `(bot, person, body) -> Outcome`. It is registered by name
(`BotContext.inbound_handlers`) so that any process can carry out what another acknowledged; the person
who acted is resolved there, and the outcome carried out as one unit of work (`bot.work.carry_out`),
so a listener only reads its payload and calls one `bot/` function. Every failure goes to
`report_failure`, the same handler `@app.error` uses: the traceback is logged once and the person is
told, in their language, that something went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltRequest
from sqlalchemy.exc import SQLAlchemyError

from bot.context import BotContext, InboundHandler
from bot.members import Person, identify
from bot.outcome import Outcome
from bot.work import record_inbound, report_failure, run_inbound
from handlers.payload import team_and_user

logger = logging.getLogger("mentorbot.listeners")

Listener = Callable[[BotContext, Person, dict], Outcome]
# A listener for an event about no one in particular acting (a user's profile changed): (bot, body).
EventListener = Callable[[BotContext, dict], Outcome]
# An ack-stage check of a submitted form (or of an event): acks (with field errors when there are some)
# and says whether the form was accepted, so that the work follows only for an accepted one.
FormCheck = Callable[[BotContext, Ack, dict], bool]
# Who acted: `identify` (created on first sight, refreshed from Slack), or `known_person` where acting
# must not create a member (confirming an erasure).
Resolve = Callable[[BotContext, str, str], Person]


def in_background(
    bot: BotContext, listener: Listener, check: FormCheck | None = None, resolve: Resolve = identify
) -> Callable[..., None]:
    """The Bolt listener that acks (through `check` for a form), records the payload and has `listener`
    carry it out."""

    def who_acted(bot: BotContext, body: dict) -> Person | None:
        team_id, user_id = team_and_user(body)
        if not team_id or not user_id:
            logger.warning("a payload without its team or user: ignored")
            return None
        return resolve(bot, team_id, user_id)

    def act(bot: BotContext, person: Person | None, body: dict) -> Outcome:
        return listener(bot, person, body) if person is not None else Outcome()

    return _acking(bot, _name_of(listener), InboundHandler(who_acted, act), check)


def event_in_background(bot: BotContext, listener: EventListener) -> Callable[..., None]:
    """The same for an event that no person triggered by acting: no one to identify or answer."""

    def act(bot: BotContext, person: Person | None, body: dict) -> Outcome:
        return listener(bot, body)

    return _acking(bot, _name_of(listener), InboundHandler(lambda bot, body: None, act), None)


def _name_of(listener: Callable) -> str:
    """What a recorded payload names its listener by: unique, and the same in every process."""
    return f"{listener.__module__}.{listener.__qualname__}"


def _acking(
    bot: BotContext, name: str, handler: InboundHandler, check: FormCheck | None
) -> Callable[..., None]:
    bot.inbound_handlers[name] = handler

    def ack_record_and_follow_up(ack: Ack, request: BoltRequest) -> None:
        if check is None:
            ack()
        elif not check(bot, ack, request.body):
            return
        team_id, user_id = team_and_user(request.body)
        # Bolt sends the ack when this function returns: the row is committed before Slack hears of it.
        try:
            row_id = record_inbound(
                bot, name, team_id or "", user_id, request.raw_body or request.body, request.content_type
            )
        except SQLAlchemyError as error:  # nowhere to keep it: the person is asked to try again
            report_failure(bot, error, team_id, user_id)
            return
        if row_id is not None:
            bot.follow_ups.submit(run_inbound, bot, row_id)

    ack_record_and_follow_up.__name__ = name.rsplit(".", 1)[-1]
    return ack_record_and_follow_up


def report_listener_failure(bot: BotContext, error: Exception, body: dict) -> None:
    """`@app.error`: what Bolt caught (an ack-stage check that raised) goes the one error path."""
    team_id, user_id = team_and_user(body)
    report_failure(bot, error, team_id, user_id)
