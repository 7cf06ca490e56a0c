"""Running a listener's real work after the ack, with the one error path every listener shares.

Bolt runs `lazy` functions on its listener executor but only logs their failures in one line. Wrapping
them here sends every failure to `report_failure`, the same handler `@app.error` uses: the traceback
is logged once and the person is told, in their language, that something went wrong.

Every background listener has the same shape, `(bot, body, client, respond)`: it reads what it needs
from the payload and answers through the Web API client or the command's `respond`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.apology import apologise
from bot.context import BotContext

logger = logging.getLogger("mentorbot.listeners")

BackgroundListener = Callable[[BotContext, dict, WebClient, Respond | None], None]


def ack_now(ack: Callable[..., None]) -> None:
    """Acknowledge at once; the work follows in a background function."""
    ack()


def in_background(bot: BotContext, listener: BackgroundListener) -> Callable[..., None]:
    """`listener` ready for Bolt's `lazy=[...]`, with `bot` bound and its failures reported."""

    def run(body: dict, client: WebClient, respond: Respond | None) -> None:
        try:
            listener(bot, body, client, respond)
        except Exception as error:
            report_failure(bot, error, body, client)

    run.__name__ = listener.__name__
    return run


def report_failure(bot: BotContext, error: Exception, body: dict, client: WebClient) -> None:
    logger.error("listener failed: %s", type(error).__name__, exc_info=error)
    apologise(bot, client, body)
