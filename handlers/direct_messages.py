"""People who write in the bot's DM (`message.im`): they get their menu, or the help.

Slack sends a `message` event for everything that happens in the DM — the bot's own posts, other bots,
edits and deletions (subtypes) — and Bolt answers 404 to an event no listener takes, which Slack retries.
So every `message` event is acked here, and only a person's own new message (a thread reply too) is
answered. What they wrote is read for one word and neither repeated nor logged.
"""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.context import BotContext
from bot.direct_messages import answer_direct_message
from bot.members import Person
from bot.outcome import Outcome
from handlers.background import in_background

# A message made only of one of these words (any case, trailing punctuation) asks for the help.
HELP_WORDS = frozenset({"help", "aide"})


def _event(body: dict) -> dict:
    event = body.get("event")
    return event if isinstance(event, dict) else {}


def bot_user_id(body: dict) -> str | None:
    """The bot's own user id, as the Events API envelope's authorizations name it."""
    authorizations = body.get("authorizations")
    if isinstance(authorizations, list) and authorizations and isinstance(authorizations[0], dict):
        user_id = authorizations[0].get("user_id")
        return user_id if isinstance(user_id, str) else None
    return None


def written_by_a_person(bot: BotContext, ack: Ack, body: dict) -> bool:
    """Ack every `message` event; go on only for a person's new message in the bot's DM."""
    ack()
    event = _event(body)
    user = event.get("user")
    return (
        event.get("channel_type") == "im"
        and "subtype" not in event  # bot_message, message_changed, message_deleted, channel_join…
        and not event.get("bot_id")
        and isinstance(user, str)
        and user != bot_user_id(body)
    )


def asks_for_help(text: object) -> bool:
    return isinstance(text, str) and text.strip().rstrip("!?. ").lower() in HELP_WORDS


def answer_message_in_dm(bot: BotContext, person: Person, body: dict) -> Outcome:
    return answer_direct_message(bot, person, wants_help=asks_for_help(_event(body).get("text")))


def register(app: App, bot: BotContext) -> None:
    # Bolt names the event by its type, "message"; the manifest subscribes to its DM flavour, message.im.
    app.event("message")(in_background(bot, answer_message_in_dm, check=written_by_a_person))
