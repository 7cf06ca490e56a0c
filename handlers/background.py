"""Acknowledging at once and doing the real work afterwards, with the one error path every listener shares.

Slack waits 3 seconds for an ack, so a listener acks first and hands its work to the bot's follow-up pool
(`BotContext.follow_ups`). Bolt's own `lazy=[...]` listeners would do the same, but they deep-copy the
whole request on the thread that sends the ack, which was three quarters of an ack's cost. Work waiting
for a thread keeps the request's raw body, a quarter of the memory of the parsed one, and parses it when
it runs (Socket Mode hands Bolt an already parsed payload, which is kept as it is).

Every listener has one shape: `(bot, person, body) -> Outcome`. The person who acted is resolved here,
and the outcome is delivered here (`bot.deliver`), so a listener only reads its payload and calls one
`bot/` function. Every failure goes to `report_failure`, the same handler `@app.error` uses: the traceback
is logged once and the person is told, in their language, that something went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltRequest, Respond
from slack_bolt.request.internals import parse_body

from bot.apology import apology_for
from bot.context import BotContext
from bot.deliver import deliver, post_notice
from bot.members import Person, identify
from bot.outcome import Outcome
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


def run_listener(
    bot: BotContext, listener: Listener, body: dict, respond: Respond | None, resolve: Resolve = identify
) -> None:
    """Resolve who acted, run the listener, deliver what it returns."""
    team_id, user_id = team_and_user(body)
    if not team_id or not user_id:
        logger.warning("a payload without its team or user: ignored")
        return
    person = resolve(bot, team_id, user_id)
    outcome = listener(bot, person, body)
    trigger_id = body.get("trigger_id")
    deliver(
        bot,
        outcome,
        team_id=team_id,
        person=person,
        respond=respond,
        trigger_id=trigger_id if isinstance(trigger_id, str) else None,
    )


def in_background(
    bot: BotContext, listener: Listener, check: FormCheck | None = None, resolve: Resolve = identify
) -> Callable[..., None]:
    """The Bolt listener that acks (through `check` for a form) and runs `listener` on the follow-up pool."""

    def run(payload: str | dict, content_type: str | None, respond: Respond | None) -> None:
        body = parse_body(payload, content_type) if isinstance(payload, str) else payload
        # Bolt hands over a Respond even without a response_url (views, Home tabs): it would raise.
        answer_through = respond if respond is not None and respond.response_url else None
        try:
            run_listener(bot, listener, body, answer_through, resolve)
        except Exception as error:
            report_failure(bot, error, body)

    def ack_then_follow_up(ack: Ack, request: BoltRequest, respond: Respond | None) -> None:
        if check is None:
            ack()
        elif not check(bot, ack, request.body):
            return
        payload = request.raw_body or request.body
        bot.follow_ups.submit(run, payload, request.content_type, respond)

    ack_then_follow_up.__name__ = listener.__name__
    return ack_then_follow_up


def event_in_background(bot: BotContext, listener: EventListener) -> Callable[..., None]:
    """The same for an event that no person triggered by acting: no one to identify or answer."""

    def run(body: dict) -> None:
        try:
            deliver(bot, listener(bot, body), team_id=str(body.get("team_id") or ""))
        except Exception as error:
            report_failure(bot, error, body)

    def ack_then_follow_up(ack: Ack, body: dict) -> None:
        ack()
        bot.follow_ups.submit(run, body)

    ack_then_follow_up.__name__ = listener.__name__
    return ack_then_follow_up


def report_failure(bot: BotContext, error: Exception, body: dict) -> None:
    logger.error("listener failed: %s", type(error).__name__, exc_info=error)
    team_id, user_id = team_and_user(body)
    if team_id and user_id:
        post_notice(bot, team_id, apology_for(bot, team_id, user_id))
