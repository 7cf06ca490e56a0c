"""A modal submitted with its `state` empty or missing a block is answered, never crashed on.

Slack's own client always reports every input of a submitted modal, but an old client, a proxy or a
forger may send `"state": {}`, `{"values": {}}` or a state without one of the blocks. For every modal
the bot opens, each such submission must get either field errors in the ack or an empty ack followed by
a polite answer, with no "listener failed" in the logs and nothing saved that a filled-in form would
save. A modal whose inputs are all optional cannot tell an empty state from inputs left empty: for
those, the submission must do exactly what submitting the untouched modal does.

Each modal is opened the way a person opens it, through the flows of the other handler tests.
"""

from __future__ import annotations

import copy
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from bot import ids
from bot.clock import ManualClock
from bot.i18n import t
from bot.programme import charter_in_force, programme_settings
from bot.sandbox import Sandbox
from bot.slack_double import payloads
from bot.slack_double.driver import SlackResponse
from bot.slack_double.web_api import Message
from storage.models import (
    CharterAcceptance,
    Member,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    Offer,
    OfferStatus,
    SettingsChange,
    SurveyAnswer,
)
from tests.factories import ask_for_mentor, mentor_in_sandbox, student_in_sandbox
from tests.factories_followups import last_with, matched_pair
from tests.handlers.test_end_mentorship import a_pair, open_end_modal
from tests.handlers.test_followup_flow import on_day
from tests.handlers.test_offer_flow import offer_dm_to
from tests.handlers.test_privacy_flow import a_pair_with_history
from tests.handlers.test_settings_flow import admin, open_modal
from tests.handlers.test_volunteer_flow import alumnus, open_volunteer_modal

# Words that only a crash would put in front of a person.
CRASH_WORDS = ("Traceback", "Exception", "Error:", 'File "', "KeyError", "TypeError", "AttributeError")

# What `report_failure` tells a person whose listener raised, in either language.
APOLOGIES = (t("en", "common.apology"), t("fr", "common.apology"))

_triggers = itertools.count(1)


@dataclass
class Opened:
    """A modal open in front of `user_id`, and what the checks after its submission need to know."""

    user_id: str
    view: dict
    facts: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ModalCase:
    open: Callable[[Sandbox, ManualClock], Opened]
    # Asserts the database holds nothing a filled-in form would have saved (or, for a modal without a
    # required input, exactly what submitting it untouched saves).
    check_database: Callable[[Sandbox, Opened], None]


def count(sandbox: Sandbox, model: type, *where: object) -> int:
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


# ------------------------------------------------------------------------------------------------------
# Opening each modal as a person would


def open_request_modal(sandbox: Sandbox, clock: ManualClock) -> Opened:
    student_in_sandbox(sandbox, "USTU", locale="en")
    sandbox.command("USTU", "request")
    return Opened("USTU", sandbox.slack.last_view_opened())


def open_volunteer(sandbox: Sandbox, clock: ManualClock) -> Opened:
    alumnus(sandbox, "UALUM")
    return Opened("UALUM", open_volunteer_modal(sandbox, "UALUM"))


def open_decline_modal(sandbox: Sandbox, clock: ManualClock) -> Opened:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UM1", locale="en", topics=["careers"])
    ask_for_mentor(sandbox, "USTU")
    sandbox.click("UM1", offer_dm_to(sandbox, "UM1"), ids.DECLINE_OFFER)
    return Opened("UM1", sandbox.slack.last_view_opened())


def open_end_mentorship_modal(sandbox: Sandbox, clock: ManualClock) -> Opened:
    mentorship_id = a_pair(sandbox, clock)
    view = open_end_modal(sandbox, "UMENTOR", mentorship_id)
    return Opened("UMENTOR", view, {"mentorship_id": mentorship_id})


def open_followup_end_modal(sandbox: Sandbox, clock: ManualClock) -> Opened:
    pair = matched_pair(sandbox, clock)
    on_day(sandbox, clock, 60)
    sandbox.click(
        pair.student_user, last_with(sandbox, pair.student_user, ids.FOLLOWUP_END), ids.FOLLOWUP_END
    )
    return Opened(pair.student_user, sandbox.slack.last_view_opened(), {"mentorship_id": pair.mentorship_id})


def open_comment_modal(sandbox: Sandbox, clock: ManualClock) -> Opened:
    pair = matched_pair(sandbox, clock)
    on_day(sandbox, clock, 30)
    sandbox.click(
        pair.student_user, last_with(sandbox, pair.student_user, ids.FOLLOWUP_RATE_4), ids.FOLLOWUP_RATE_4
    )
    return Opened(pair.student_user, sandbox.slack.last_view_opened(), {"student_id": pair.student_id})


def open_privacy_delete_modal(sandbox: Sandbox, clock: ManualClock) -> Opened:
    pair = a_pair_with_history(sandbox, clock)
    sandbox.command(pair.student_user, "privacy")
    sandbox.click(pair.student_user, sandbox.slack.last_message_to(pair.student_user), ids.PRIVACY_DELETE)
    return Opened(pair.student_user, sandbox.slack.last_view_opened())


def open_settings_modal(action_id: str) -> Callable[[Sandbox, ManualClock], Opened]:
    def open_it(sandbox: Sandbox, clock: ManualClock) -> Opened:
        admin(sandbox)
        return Opened("UADMIN", open_modal(sandbox, action_id))

    return open_it


# ------------------------------------------------------------------------------------------------------
# What must (not) be in the database afterwards


def no_request_saved(sandbox: Sandbox, opened: Opened) -> None:
    assert count(sandbox, MentoringRequest) == 0
    assert count(sandbox, CharterAcceptance) == 0


def no_profile_saved(sandbox: Sandbox, opened: Opened) -> None:
    assert count(sandbox, MentorProfile) == 0
    assert count(sandbox, CharterAcceptance) == 0


def declined_without_a_reason(sandbox: Sandbox, opened: Opened) -> None:
    """The reason is optional: an empty state is a decline with no reason, as the untouched modal is."""
    with sandbox.bot.sessions.begin() as session:
        [(status, reason)] = session.execute(select(Offer.status, Offer.decline_reason)).all()
    assert (status, reason) == (OfferStatus.DECLINED, None)


def ended_without_a_reason(sandbox: Sandbox, opened: Opened) -> None:
    """The reason is optional: the confirmation ends the mentorship, with no reason kept."""
    with sandbox.bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, opened.facts["mentorship_id"])
        assert mentorship is not None
        assert mentorship.status == MentorshipStatus.ENDED
        assert not mentorship.end_reason


def rating_kept_without_a_comment(sandbox: Sandbox, opened: Opened) -> None:
    with sandbox.bot.sessions.begin() as session:
        [(rating, comment)] = session.execute(
            select(SurveyAnswer.rating, SurveyAnswer.comment).where(
                SurveyAnswer.member_id == opened.facts["student_id"]
            )
        ).all()
    assert rating == 4 and not comment


def member_erased(sandbox: Sandbox, opened: Opened) -> None:
    """The confirmation has no input at all: its state is always empty, and confirming erases."""
    assert count(sandbox, Member, Member.slack_user_id == opened.user_id) == 0


def settings_unchanged(sandbox: Sandbox, opened: Opened) -> None:
    assert count(sandbox, SettingsChange) == 0
    with sandbox.bot.sessions.begin() as session:
        settings = programme_settings(session, sandbox.team_id)
        assert settings.offers_per_request == 3 and settings.topics[0]["key"] == "careers"
        assert charter_in_force(session, sandbox.team_id).version == 1


MODALS = {
    ids.REQUEST_VIEW: ModalCase(open_request_modal, no_request_saved),
    ids.VOLUNTEER_VIEW: ModalCase(open_volunteer, no_profile_saved),
    ids.DECLINE_VIEW: ModalCase(open_decline_modal, declined_without_a_reason),
    ids.END_MENTORSHIP_VIEW: ModalCase(open_end_mentorship_modal, ended_without_a_reason),
    ids.FOLLOWUP_END_VIEW: ModalCase(open_followup_end_modal, ended_without_a_reason),
    ids.FOLLOWUP_COMMENT_VIEW: ModalCase(open_comment_modal, rating_kept_without_a_comment),
    ids.PRIVACY_DELETE_VIEW: ModalCase(open_privacy_delete_modal, member_erased),
    ids.CHARTER_VIEW: ModalCase(open_settings_modal(ids.OPEN_CHARTER_MODAL), settings_unchanged),
    ids.TOPICS_VIEW: ModalCase(open_settings_modal(ids.OPEN_TOPICS_MODAL), settings_unchanged),
    ids.CADENCES_VIEW: ModalCase(open_settings_modal(ids.OPEN_CADENCES_MODAL), settings_unchanged),
}


# ------------------------------------------------------------------------------------------------------
# The broken states


def input_block_ids(view: dict) -> list[str]:
    return [block["block_id"] for block in view["blocks"] if block["type"] == "input"]


def empty_state(view: dict) -> dict:
    return {}


def no_values(view: dict) -> dict:
    return {"values": {}}


def first_block_missing(view: dict) -> dict:
    """The state Slack would report for the untouched modal, less its first required input (or its first
    input when none is required)."""
    values = payloads.view_state_values(view, {})
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    required = [block for block in inputs if not block.get("optional")] or inputs
    values.pop(required[0]["block_id"], None)
    return {"values": values}


STATES = {"state-empty": empty_state, "values-empty": no_values, "one-block-missing": first_block_missing}


def cases() -> list[object]:
    return [
        pytest.param(callback_id, state_name, id=f"{callback_id}-{state_name}")
        for callback_id in MODALS
        for state_name in STATES
        # The erasure confirmation has no input block to leave out.
        if not (callback_id == ids.PRIVACY_DELETE_VIEW and state_name == "one-block-missing")
    ]


def submit_with_state(sandbox: Sandbox, user_id: str, view: dict, state: dict) -> SlackResponse:
    """A signed view_submission whose view carries `state` exactly as given, as a forger would send it."""
    trigger_id = f"99999.empty-state.{next(_triggers)}"
    sandbox.slack.register_trigger(trigger_id, user_id)
    submitted = {**copy.deepcopy(view), "state": state}
    payload = payloads.view_submission_payload(
        user=payloads.user_object(user_id, sandbox.slack.user_name(user_id), sandbox.team_id),
        team=payloads.team_object(sandbox.team_id, sandbox.slack.team_domain),
        api_app_id=sandbox.driver.api_app_id,
        token=sandbox.driver.verification_token,
        trigger_id=trigger_id,
        view=submitted,
    )
    response = sandbox.driver.send_interaction(payload)
    if response.status == 200:
        ack = response.json() if response.body.strip().startswith(b"{") else None
        sandbox.slack.view_submission_acknowledged(view["id"], ack)
    return response


def messages_text(messages: list[Message]) -> str:
    return "\n".join(message.text + repr(message.blocks) for message in messages)


@pytest.mark.parametrize(("callback_id", "state_name"), cases())
def test_a_modal_submitted_with_a_broken_state_is_answered_not_crashed_on(
    sandbox: Sandbox, clock: ManualClock, caplog: pytest.LogCaptureFixture, callback_id: str, state_name: str
) -> None:
    case = MODALS[callback_id]
    opened = case.open(sandbox, clock)
    assert opened.view["callback_id"] == callback_id
    told_before = len(sandbox.slack.messages_to(opened.user_id))
    caplog.clear()

    with caplog.at_level(logging.WARNING):
        response = submit_with_state(sandbox, opened.user_id, opened.view, STATES[state_name](opened.view))
        sandbox.settle()

    assert response.status == 200, response.text
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [m for m in failures if "listener failed" in m], failures
    answer = response.json()
    if answer is not None:
        assert answer.get("response_action") == "errors", answer
        assert answer.get("errors"), answer
        assert set(answer["errors"]) <= set(input_block_ids(opened.view)), answer
    else:
        told = sandbox.slack.messages_to(opened.user_id)[told_before:]
        shown = messages_text(told)
        assert not [word for word in CRASH_WORDS if word in shown], shown
        assert not [apology for apology in APOLOGIES if apology in shown], shown  # a failed listener's
    case.check_database(sandbox, opened)
