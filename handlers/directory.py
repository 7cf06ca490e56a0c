"""The students' mentor directory: opening it, its filters and pages, and "Ask" on a card."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.context import BotContext
from bot.directory import ask_from_directory, open_directory, refresh_directory
from bot.members import Person
from bot.outcome import Outcome
from handlers.background import in_background
from handlers.payload import clicked_id, view


def open_directory_from_button(bot: BotContext, person: Person, body: dict) -> Outcome:
    """ "Meet the mentors", from the menu, the Home tab or the students' reminder."""
    return open_directory(bot, person)


def filter_directory(bot: BotContext, person: Person, body: dict) -> Outcome:
    """A filter changed: the list starts again from its first page."""
    return refresh_directory(bot, person, view(body), offset=0)


def turn_directory_page(bot: BotContext, person: Person, body: dict) -> Outcome:
    return refresh_directory(bot, person, view(body), offset=clicked_id(body))


def ask_mentor_from_directory(bot: BotContext, person: Person, body: dict) -> Outcome:
    return ask_from_directory(bot, person, clicked_id(body))


def ignore_directory_submission(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The directory has no submit button: a submission is forged, acked and ignored."""
    return Outcome()


def register(app: App, bot: BotContext) -> None:
    app.view(ids.DIRECTORY_VIEW)(in_background(bot, ignore_directory_submission))
    app.action(ids.OPEN_DIRECTORY)(in_background(bot, open_directory_from_button))
    for filter_id in (
        ids.DIRECTORY_FILTER_TOPIC,
        ids.DIRECTORY_FILTER_LANGUAGE,
        ids.DIRECTORY_FILTER_INDUSTRY,
        ids.DIRECTORY_FILTER_YEAR,
    ):
        app.action(filter_id)(in_background(bot, filter_directory))
    app.action(ids.DIRECTORY_PREVIOUS)(in_background(bot, turn_directory_page))
    app.action(ids.DIRECTORY_MORE)(in_background(bot, turn_directory_page))
    app.action(ids.DIRECTORY_ASK)(in_background(bot, ask_mentor_from_directory))
