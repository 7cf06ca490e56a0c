"""The App Home tab: published when opened, and the menu buttons it shows that would otherwise answer
through a response_url (a Home tab has none)."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.members import Person, choose_role
from bot.menu import help_for
from bot.outcome import Outcome, reply
from handlers.background import in_background
from handlers.payload import clicked_action_id
from storage.models import Role


def clicked_on_home(body: dict) -> bool:
    """A Bolt matcher: the click came from the Home tab rather than a message."""
    return (body.get("view") or {}).get("type") == "home"


def answer_home_opened(bot: BotContext, person: Person, body: dict) -> Outcome:
    if (body.get("event") or {}).get("tab") != "home":  # the Messages tab needs nothing from us
        return Outcome()
    return Outcome(homes=(person,))


def answer_role_choice_on_home(bot: BotContext, person: Person, body: dict) -> Outcome:
    role = Role.STUDENT if clicked_action_id(body) == ids.CHOOSE_ROLE_STUDENT else Role.ALUMNUS
    return Outcome(homes=(choose_role(bot, person, role),))


def answer_help_on_home(bot: BotContext, person: Person, body: dict) -> Outcome:
    return reply(help_for(person))  # no response_url on a Home tab: the help goes to the DM


def answer_status_on_home(bot: BotContext, person: Person, body: dict) -> Outcome:
    return Outcome(homes=(person,))  # the Home shows the status: refreshing it is the answer


def register(app: App, bot: BotContext) -> None:
    """Register before `handlers.menu`: Bolt runs the first listener that matches, so Home clicks of these
    buttons come here and message clicks go on to the menu's listeners."""
    app.event("app_home_opened")(in_background(bot, answer_home_opened))
    for action_id in (ids.CHOOSE_ROLE_STUDENT, ids.CHOOSE_ROLE_ALUMNUS):
        app.action(action_id, matchers=[clicked_on_home])(in_background(bot, answer_role_choice_on_home))
    app.action(ids.SHOW_HELP, matchers=[clicked_on_home])(in_background(bot, answer_help_on_home))
    app.action(ids.SHOW_STATUS, matchers=[clicked_on_home])(in_background(bot, answer_status_on_home))
