"""A bot token Slack refuses: the workspace's deliveries pause, nothing is lost or blamed on a member, and
everything goes out once the token works again."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from sqlalchemy import select

from bot import ids, slack
from bot.clock import ManualClock
from bot.sandbox import Sandbox
from bot.stats import Period, programme_stats
from storage.models import DeliveryPause, Followup, FollowupKind, FollowupState, Member, Mentorship
from tests.bot.test_dispatch import a_student
from tests.factories import ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.factories_followups import dispatch, due_now, followup, last_with, posted_followup_ids

TOKEN_REFUSALS = ["invalid_auth", "token_revoked", "account_inactive"]
STUDENTS = ("USTU1", "USTU2", "USTU3")


def paused_teams(sandbox: Sandbox) -> dict[str, str]:
    with sandbox.bot.sessions.begin() as session:
        return {pause.team_id: pause.error for pause in session.scalars(select(DeliveryPause))}


def inactive_members(sandbox: Sandbox) -> list[str]:
    with sandbox.bot.sessions.begin() as session:
        return list(session.scalars(select(Member.slack_user_id).where(Member.inactive_since.is_not(None))))


def accepted_posts_per_recipient(sandbox: Sandbox) -> Counter[str]:
    return Counter(call.params["channel"] for call in sandbox.slack.calls_to("chat.postMessage") if call.ok)


def waiting_in_the_outbox(sandbox: Sandbox) -> set[str]:
    """Whom the outbox's waiting messages are for."""
    with sandbox.bot.sessions.begin() as session:
        payloads = session.scalars(
            select(Followup.payload).where(
                Followup.kind == FollowupKind.OUTBOX, Followup.state == FollowupState.DUE
            )
        )
        return {payload["user_id"] for payload in payloads if "user_id" in payload}


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("refusal", TOKEN_REFUSALS)
def test_a_refused_token_pauses_the_workspace_and_every_followup_goes_out_once_it_works_again(
    sandbox: Sandbox, clock: ManualClock, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    planned = {
        user_id: due_now(sandbox, a_student(sandbox, user_id), "student_reminder", clock.now())
        for user_id in STUDENTS
    }
    sandbox.slack.fail_auth(refusal)

    first = dispatch(sandbox)
    second = dispatch(sandbox)

    for report in (first, second):
        assert report.sent == report.failed == report.skipped == []
        assert any("paused" in line and sandbox.team_id in line for line in report.lines())
    for followup_id in planned.values():
        waiting = followup(sandbox, followup_id)
        assert waiting.state == FollowupState.DUE and waiting.attempts == 0
    assert inactive_members(sandbox) == []
    assert paused_teams(sandbox) == {sandbox.team_id: refusal}
    [error] = errors_logged(caplog)
    assert "deliveries paused" in error and refusal in error

    sandbox.slack.restore_auth()
    resumed = dispatch(sandbox)

    assert paused_teams(sandbox) == {}
    assert resumed.paused_teams == [] and not any("paused" in line for line in resumed.lines())
    assert sorted(item.followup_id for item in resumed.sent) == sorted(planned.values())
    assert all(followup(sandbox, fid).state == FollowupState.SENT for fid in planned.values())
    assert Counter(posted_followup_ids(sandbox)) == Counter(str(fid) for fid in planned.values())
    assert accepted_posts_per_recipient(sandbox) == Counter({user_id: 1 for user_id in STUDENTS})
    assert dispatch(sandbox).sent == []  # nothing goes twice
    assert accepted_posts_per_recipient(sandbox) == Counter({user_id: 1 for user_id in STUDENTS})


@pytest.mark.parametrize("refusal", TOKEN_REFUSALS)
def test_an_accept_while_the_token_is_refused_pauses_the_workspace_and_marks_nobody_inactive(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    student_id = student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_id = mentor_in_sandbox(sandbox, "UMEN", locale="en")
    ask_for_mentor(sandbox, "USTU")
    offer = last_with(sandbox, "UMEN", ids.ACCEPT_OFFER)
    sandbox.slack.fail_auth(refusal)
    calls_before = len(sandbox.slack.calls_to("chat.postMessage"))

    answer = sandbox.click("UMEN", offer, ids.ACCEPT_OFFER)

    assert answer.status == 200
    match_dms = sandbox.slack.calls_to("chat.postMessage")[calls_before:]
    assert match_dms and all(call.error == refusal for call in match_dms)  # tried, and refused
    assert paused_teams(sandbox) == {sandbox.team_id: refusal}
    assert inactive_members(sandbox) == []
    with sandbox.bot.sessions.begin() as session:  # the decision stands; only the messages are missing
        [mentorship] = session.scalars(select(Mentorship))
        assert (mentorship.student_id, mentorship.mentor_id) == (student_id, mentor_id)
    assert not any("listener failed" in message for message in errors_logged(caplog))
    assert len(errors_logged(caplog)) == 1


@pytest.mark.parametrize("refusal", TOKEN_REFUSALS)
def test_a_request_while_the_token_is_refused_pauses_the_workspace_and_marks_no_mentor_inactive(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    for mentor in ("UM1", "UM2"):
        mentor_in_sandbox(sandbox, mentor, locale="en")
    sandbox.command("USTU", "request")
    form = sandbox.slack.last_view_opened()
    sandbox.slack.fail_auth(refusal)

    answer = sandbox.submit(
        "USTU", form, {"topics": ["careers"], "message": "Any advice?", "charter": ["accepted"]}
    )

    assert answer.status == 200
    tried = sandbox.slack.calls_to("chat.postMessage")
    assert tried and all(call.error == refusal for call in tried)  # the first message, refused
    assert {"UM1", "UM2"} <= waiting_in_the_outbox(sandbox)  # the offers wait, untried
    assert paused_teams(sandbox) == {sandbox.team_id: refusal}
    assert inactive_members(sandbox) == []
    assert not any("listener failed" in message for message in errors_logged(caplog))


def test_a_request_made_while_the_token_is_refused_reaches_the_mentors_once_it_works_again(
    sandbox: Sandbox,
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_in_sandbox(sandbox, "UM1", locale="en")
    sandbox.command("USTU", "request")
    form = sandbox.slack.last_view_opened()
    sandbox.slack.fail_auth("token_revoked")
    sandbox.submit("USTU", form, {"topics": ["careers"], "message": "Any advice?", "charter": ["accepted"]})

    sandbox.slack.restore_auth()
    dispatch(sandbox)
    sandbox.settle()

    assert "Any advice?" in shown_text(last_with(sandbox, "UM1", ids.ACCEPT_OFFER))
    assert accepted_posts_per_recipient(sandbox) == Counter({"USTU": 1, "UM1": 1})  # each once
    assert waiting_in_the_outbox(sandbox) == set()


def test_the_admins_report_says_the_workspace_is_paused(sandbox: Sandbox, clock: ManualClock) -> None:
    slack.pause_workspace(sandbox.bot.sessions, sandbox.team_id, "token_revoked", clock.now())

    with sandbox.bot.sessions.begin() as session:
        figures = programme_stats(session, sandbox.team_id, Period.ALL, clock.now())

    assert figures.delivery_paused_by == "token_revoked"
