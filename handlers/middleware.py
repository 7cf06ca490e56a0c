"""Cross-cutting Bolt middleware: what every request goes through before any listener sees it.

- A redelivered Events API event (Slack retries what it did not see acked in 3 s, with the same
  `event_id`) is acknowledged and dropped, so it has no second effect.
- Bolt's own log line for a request with a bad signature is stripped of the signature and the body: a
  replayed request carries a signature that was once valid, and bodies carry people's words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt import App, BoltResponse

from bot.context import BotContext
from storage.queries.events import record_event_once

logger = logging.getLogger("mentorbot.middleware")

# The logger Bolt's RequestVerification writes to, with the signature and body of every refused request.
REQUEST_VERIFICATION_LOGGER = "slack_bolt.RequestVerification"
_SIGNATURE = re.compile(r"v0=[0-9a-fA-F]{64}")
_BODY = re.compile(r"body: .*", re.DOTALL)


class RedactRequestSecrets(logging.Filter):
    """Rewrites a record so that no request signature or request body remains in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _BODY.sub("body: (redacted)", _SIGNATURE.sub("v0=(redacted)", message))
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def keep_request_secrets_out_of_logs() -> None:
    """Install `RedactRequestSecrets` on Bolt's request verification logger, once per process."""
    verification_logger = logging.getLogger(REQUEST_VERIFICATION_LOGGER)
    if not any(isinstance(f, RedactRequestSecrets) for f in verification_logger.filters):
        verification_logger.addFilter(RedactRequestSecrets())


def skip_redelivered_events(bot: BotContext) -> Callable[..., BoltResponse]:
    """A global middleware acking, without running any listener, an event whose `event_id` was seen.

    The event is recorded before its listeners run (at most once): a listener that fails is reported
    and apologised for by the one error path, and a retry of it would only fail again or act twice.
    Records older than a day can be deleted by a periodic job (Slack stops retrying after an hour).
    """

    def skip_if_seen(body: dict, next: Callable[[], None]) -> BoltResponse | None:  # Bolt names it next
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            with bot.sessions.begin() as session:
                first_delivery = record_event_once(session, event_id, bot.clock.now())
            if not first_delivery:
                logger.info("event %s delivered again: acknowledged, not handled", event_id)
                return BoltResponse(status=200, body="")
        next()
        return None

    return skip_if_seen


def register(app: App, bot: BotContext) -> None:
    keep_request_secrets_out_of_logs()
    app.use(skip_redelivered_events(bot))
