"""The App Home builder, in both languages, with and without a role and extra sections."""

from __future__ import annotations

import pytest

from bot import ids
from bot.messages.home import home_view
from bot.messages.kit import MAX_VIEW_BLOCKS, section
from bot.status import MentorAvailability, PersonStatus
from storage.models import Role


def action_ids(view: dict) -> list[str]:
    return [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_member_without_a_role_sees_the_who_are_you_question(locale: str) -> None:
    view = home_view(locale, PersonStatus(user_id="UNEW", role=None))

    assert view["type"] == "home"
    assert action_ids(view) == [ids.CHOOSE_ROLE_STUDENT, ids.CHOOSE_ROLE_ALUMNUS]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_student_sees_the_menu_then_their_status(locale: str) -> None:
    view = home_view(locale, PersonStatus(user_id="USTUDENT", role=Role.STUDENT))

    assert action_ids(view) == [ids.OPEN_REQUEST_MODAL, ids.OPEN_DIRECTORY, ids.SHOW_STATUS, ids.SHOW_HELP]
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_paused_mentor_is_offered_to_resume(locale: str) -> None:
    mentor = MentorAvailability(topics=["Arts"], capacity=2, load=0, paused=True)

    view = home_view(locale, PersonStatus(user_id="UMENTOR", role=Role.ALUMNUS, mentor=mentor))

    assert ids.RESUME_MENTORING in action_ids(view)
    assert ids.PAUSE_MENTORING not in action_ids(view)


def test_sections_of_other_features_follow_the_status_and_empty_ones_are_left_out() -> None:
    status = PersonStatus(user_id="USTUDENT", role=Role.STUDENT)
    plain = home_view("en", status)

    view = home_view("en", status, [[section("*Next follow-up*")], []])

    assert len(view["blocks"]) == len(plain["blocks"]) + 2  # a divider and the section
    assert view["blocks"][-2]["text"]["text"] == "*Next follow-up*"
