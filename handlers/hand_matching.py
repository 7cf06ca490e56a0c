"""Matching by hand and the mentors' queue: the admin's "Find a mentor" (button, modal, its search) and
the mentor's "I can take this" with the student's Accept / No thanks."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.hand_matching import hand_match, open_find_mentor, pick_errors, suggest_hand_match_mentors
from bot.members import Person
from bot.mentor_queue import confirm_proposal, offer_to_take, refuse_proposal
from bot.outcome import Outcome
from handlers.background import in_background
from handlers.payload import clicked_id, team_and_user, view


def find_mentor(bot: BotContext, person: Person, body: dict) -> Outcome:
    """The modal, opened first thing: its trigger_id dies 3 s after the click."""
    return open_find_mentor(bot, person, clicked_id(body))


def check_pick(bot: BotContext, ack: Ack, body: dict) -> bool:
    """In the ack: exactly one mentor picked, or the modal stays open with why."""
    errors = pick_errors(view(body), bot.config.default_locale)
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    ack()
    return True


def send_hand_offer(bot: BotContext, person: Person, body: dict) -> Outcome:
    return hand_match(bot, person, view(body))


def search_mentors(bot: BotContext, ack: Callable[..., None], body: dict) -> None:
    """Options for the modal's search, answered within the ack as Slack requires."""
    team_id, user_id = team_and_user(body)
    typed = str(body.get("value") or "")
    ack(options=suggest_hand_match_mentors(bot, team_id or "", user_id or "", view(body), typed))


def take_queued_request(bot: BotContext, person: Person, body: dict) -> Outcome:
    return offer_to_take(bot, person, clicked_id(body))


def accept_proposal(bot: BotContext, person: Person, body: dict) -> Outcome:
    return confirm_proposal(bot, person, clicked_id(body))


def decline_proposal(bot: BotContext, person: Person, body: dict) -> Outcome:
    return refuse_proposal(bot, person, clicked_id(body))


def register(app: App, bot: BotContext) -> None:
    app.action(ids.FIND_MENTOR)(in_background(bot, find_mentor))
    app.view(ids.HAND_MATCH_VIEW)(in_background(bot, send_hand_offer, check=check_pick))
    app.options(ids.HAND_MATCH_SELECT)(partial(search_mentors, bot))
    app.action(ids.TAKE_QUEUED_REQUEST)(in_background(bot, take_queued_request))
    app.action(ids.CONFIRM_MENTOR_PROPOSAL)(in_background(bot, accept_proposal))
    app.action(ids.REFUSE_MENTOR_PROPOSAL)(in_background(bot, decline_proposal))
