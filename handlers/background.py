"""Acknowledging at once and doing the real work afterwards, with the one error path every listener shares.

Slack waits 3 seconds for an ack, so a listener acks first and hands its work to the bot's follow-up pool
(`BotContext.follow_ups`). Bolt's own `lazy=[...]` listeners would do the same, but they deep-copy the
whole request on the thread that sends the ack, which was three quarters of an ack's cost. Work waiting
for a thread keeps the request's raw body, a quarter of the memory of the parsed one, and parses it when
it runs (Socket Mode hands Bolt an already parsed payload, which is kept as it is).

Every failure in that work goes to `report_failure`, the same handler `@app.error` uses: the traceback
is logged once and the person is told, in their language, that something went wrong.

Every background listener has the same shape, `(bot, body, client, respond)`: it reads what it needs
from the payload and answers through the Web API client or the command's `respond`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltRequest, Respond
from slack_bolt.request.internals import parse_body
from slack_sdk import WebClient

from bot.apology import apologise
from bot.context import BotContext

logger = logging.getLogger("mentorbot.listeners")

BackgroundListener = Callable[[BotContext, dict, WebClient, Respond | None], None]
# An ack-stage check of a submitted form: acks (with field errors when there are some) and says
# whether the form was accepted, so that the work follows only for an accepted one.
FormCheck = Callable[[BotContext, Ack, dict], bool]


def in_background(
    bot: BotContext, listener: BackgroundListener, check: FormCheck | None = None
) -> Callable[..., None]:
    """The Bolt listener that acks (through `check` for a form) and runs `listener` on the follow-up pool."""

    def run(
        payload: str | dict, content_type: str | None, client: WebClient, respond: Respond | None
    ) -> None:
        body = parse_body(payload, content_type) if isinstance(payload, str) else payload
        try:
            listener(bot, body, client, respond)
        except Exception as error:
            report_failure(bot, error, body, client)

    def ack_then_follow_up(
        ack: Ack, request: BoltRequest, client: WebClient, respond: Respond | None
    ) -> None:
        if check is None:
            ack()
        elif not check(bot, ack, request.body):
            return
        payload = request.raw_body or request.body
        bot.follow_ups.submit(run, payload, request.content_type, client, respond)

    ack_then_follow_up.__name__ = listener.__name__
    return ack_then_follow_up


def report_failure(bot: BotContext, error: Exception, body: dict, client: WebClient) -> None:
    logger.error("listener failed: %s", type(error).__name__, exc_info=error)
    apologise(bot, client, body)
