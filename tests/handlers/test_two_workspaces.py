"""One deployment, two schools installed with Add to Slack: the core flow (a request, an offer DM, an
Accept) runs in each, every Web API call carries the token of the workspace it is for, and a click
forged in one workspace with the other's ids changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import ids
from bot.sandbox import Sandbox
from storage.models import Mentorship, Offer, OfferStatus
from tests.factories import ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.handlers.test_forged_payloads import everything_stored, forged_click
from tests.handlers.test_offer_flow import offer_dm_to

SCHOOLS = {"T0AAA": "Lycée Arago", "T0BBB": "Collège Zola"}
# Who is where: user ids carry their workspace's letter, so a call's recipient says its workspace.
PEOPLE = {"T0AAA": ("UASTU", "UAMEN", "UAINSTALLER"), "T0BBB": ("UBSTU", "UBMEN", "UBINSTALLER")}
# What the stand-in records that no bot token is sent with.
NOT_WITH_A_TOKEN = ("oauth.v2.access", "response_url", "upload")


@pytest.fixture
def schools(oauth_sandbox: Sandbox) -> dict[str, Sandbox]:
    """Both schools installed through the install page and Slack's authorize page, each with a student
    and a mentor."""
    workspaces = {}
    for team_id, name in SCHOOLS.items():
        oauth_sandbox.slack.add_workspace(team_id, name=name)
        student, mentor, installer = PEOPLE[team_id]
        oauth_sandbox.slack.add_user(installer, locale="en-GB", team_id=team_id)
        landed = oauth_sandbox.install(team_id, installer)
        assert landed.status == 200 and f"mentorbot is in {name}" in landed.text
        school = oauth_sandbox.in_workspace(team_id)
        student_in_sandbox(school, student, locale="en")
        mentor_in_sandbox(school, mentor, locale="fr", topics=["careers"])
        workspaces[team_id] = school
    return workspaces


def workspace_of(user_or_channel: str) -> str | None:
    """The workspace of the person a call names (a user id, or their DM's D… id)."""
    for team_id, people in PEOPLE.items():
        if any(user_or_channel[1:] == person[1:] for person in people):
            return team_id
    return None


def named_people(params: dict) -> list[str]:
    names = [params.get(key) for key in ("user", "user_id", "channel", "users")]
    return [name for value in names if isinstance(value, str) for name in value.split(",") if name]


def test_the_core_flow_runs_in_both_workspaces_each_with_its_own_token(
    schools: dict[str, Sandbox], oauth_sandbox: Sandbox
) -> None:
    slack = oauth_sandbox.slack
    for team_id, school in schools.items():
        student, mentor, _ = PEOPLE[team_id]
        ask_for_mentor(school, student, topics=["careers"], message=f"Advice from {team_id}, please")
        offer = offer_dm_to(school, mentor)
        assert f"Advice from {team_id}, please" in shown_text(offer)
        school.click(mentor, offer, ids.ACCEPT_OFFER)
        assert f"You have a mentor: <@{mentor}>" in shown_text(slack.last_message_to(student))

    with oauth_sandbox.bot.sessions.begin() as session:
        pairs = {
            (m.team_id, m.student.slack_user_id, m.mentor.slack_user_id)
            for m in session.scalars(select(Mentorship))
        }
    assert pairs == {("T0AAA", "UASTU", "UAMEN"), ("T0BBB", "UBSTU", "UBMEN")}

    calls = [call for call in slack.calls if call.method not in NOT_WITH_A_TOKEN]
    assert {call.method for call in calls} >= {"auth.test", "views.open", "chat.postMessage", "users.info"}
    assert all(call.ok for call in calls), [call for call in calls if not call.ok]
    tokens = {team_id: slack.token_of(team_id) for team_id in SCHOOLS}
    assert all(tokens.values()) and len(set(tokens.values())) == 2
    mismatched = [
        (call.method, call.params.get("channel") or call.params.get("user"), call.team_id)
        for call in calls
        if call.token != tokens[call.team_id or ""]
        or any(workspace_of(name) not in (None, call.team_id) for name in named_people(call.params))
    ]
    assert mismatched == []
    assert {call.team_id for call in calls} == set(SCHOOLS)


def test_a_click_forged_in_one_workspace_with_the_others_offer_changes_nothing(
    schools: dict[str, Sandbox],
) -> None:
    school_a, school_b = schools["T0AAA"], schools["T0BBB"]
    ask_for_mentor(school_a, "UASTU", topics=["careers"])
    school_b.command("UBMEN", "help")  # known and fresh: the forgery itself creates nothing
    with school_a.bot.sessions.begin() as session:
        offer_id = session.scalar(select(Offer.id).where(Offer.team_id == "T0AAA"))
    before = everything_stored(school_a)

    assert forged_click(school_b, "UBMEN", ids.ACCEPT_OFFER, str(offer_id)) == 200

    assert everything_stored(school_a) == before
    with school_a.bot.sessions.begin() as session:
        assert session.scalar(select(Offer.status).where(Offer.id == offer_id)) == OfferStatus.PENDING
    assert "ne vous était pas destiné" in shown_text(school_b.slack.last_message_to("UBMEN"))
