"""The App Home tab: published when opened, and the menu buttons it shows that would otherwise answer
through a response_url (a Home tab has none)."""

from __future__ import annotations

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import BotContext
from bot.home import publish_home
from bot.members import choose_role, identify
from bot.menu import help_for
from handlers.background import in_background
from storage.models import Role


def clicked_on_home(body: dict) -> bool:
    """A Bolt matcher: the click came from the Home tab rather than a message."""
    return (body.get("view") or {}).get("type") == "home"


def answer_home_opened(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    event = body["event"]
    if event.get("tab") != "home":  # the Messages tab needs nothing from us
        return
    publish_home(bot, client, identify(bot, body["team_id"], event["user"]))


def answer_role_choice_on_home(
    bot: BotContext, body: dict, client: WebClient, respond: Respond | None
) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    role = Role.STUDENT if body["actions"][0]["action_id"] == ids.CHOOSE_ROLE_STUDENT else Role.ALUMNUS
    publish_home(bot, client, choose_role(bot, person, role))


def answer_help_on_home(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    person = identify(bot, body["team"]["id"], body["user"]["id"])
    client.chat_postMessage(channel=person.user_id, **help_for(person).as_kwargs())


def register(app: App, bot: BotContext) -> None:
    """Register before `handlers.menu`: Bolt runs the first listener that matches, so Home clicks of these
    buttons come here and message clicks go on to the menu's listeners."""
    app.event("app_home_opened")(in_background(bot, answer_home_opened))
    for action_id in (ids.CHOOSE_ROLE_STUDENT, ids.CHOOSE_ROLE_ALUMNUS):
        app.action(action_id, matchers=[clicked_on_home])(in_background(bot, answer_role_choice_on_home))
    app.action(ids.SHOW_HELP, matchers=[clicked_on_home])(in_background(bot, answer_help_on_home))
