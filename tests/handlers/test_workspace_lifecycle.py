"""A workspace leaves and comes back, over signed HTTP: uninstalling stops its deliveries (its follow-ups
stay due, nothing fails), is logged once however many events say so, is never probed for a token, and a
reinstall resumes its follow-ups at the next dispatcher pass. After MENTORBOT_UNINSTALLED_RETENTION_DAYS
the retention job erases it, keeping the anonymous totals only; not a day before."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import slack
from bot.clock import ManualClock
from bot.lifecycle import workspace_returned
from bot.privacy import anonymise_expired
from bot.sandbox import BOT_TOKEN, Sandbox
from storage.models import (
    Base,
    DeliveryPause,
    Followup,
    FollowupState,
    MentorTopic,
    WorkspaceDeparture,
)
from storage.queries.workspaces import departure_in_progress
from tests.bot.test_dispatch import a_student
from tests.bot.test_health_of_paused_workspaces import health
from tests.factories import make_mentor, make_request, make_student
from tests.factories_followups import dispatch, due_now, followup, followup_of, matched_pair

OTHER_TEAM = "T0002"
# Tables that are not one workspace's: the record of delivered events, and of departures themselves.
# Event ids seen, the departures' own record, and an install's OAuth state: none holds a school's data
# (a state names no workspace: it is issued before Slack says which one, and lasts ten minutes).
NOT_A_WORKSPACES = {"processed_events", "workspace_departures", "oauth_states"}


def uninstall(sandbox: Sandbox) -> None:
    """What Slack does when a school removes the app: the bot token stops working, then the event."""
    sandbox.slack.revoke_token(BOT_TOKEN)
    sandbox.driver.app_uninstalled()
    sandbox.settle()


def reinstall(sandbox: Sandbox) -> None:
    """The school installs the app again: a token that works, and the install callback's call."""
    sandbox.slack.restore_auth()
    assert workspace_returned(sandbox.bot, sandbox.team_id)


def pauses(sandbox: Sandbox) -> dict[str, str]:
    with sandbox.bot.sessions.begin() as session:
        return {pause.team_id: pause.error for pause in session.scalars(select(DeliveryPause))}


def departures(sandbox: Sandbox) -> list[WorkspaceDeparture]:
    with sandbox.bot.sessions.begin() as session:
        rows = list(session.scalars(select(WorkspaceDeparture).order_by(WorkspaceDeparture.id)))
        session.expunge_all()
        return rows


def departure_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.lifecycle" and "uninstalled" in r.getMessage()
    ]


def rows_of_team(sandbox: Sandbox, team_id: str) -> dict[str, int]:
    """How many rows each workspace table holds for `team_id` (tables with none left out)."""
    counts = {}
    with sandbox.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "team_id" in table.c and table.name not in NOT_A_WORKSPACES:
                count = connection.scalar(select(func.count()).where(table.c.team_id == team_id))
                if count:
                    counts[table.name] = count
    return counts


# ------------------------------------------------------------------------------------------------------
# Leaving


def test_uninstalling_stops_the_workspaces_deliveries_and_its_followups_stay_due(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    reminder = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())

    uninstall(sandbox)
    sandbox.slack.reset()
    reports = [dispatch(sandbox), dispatch(sandbox)]

    assert all(report.sent == report.failed == report.skipped == [] for report in reports)
    assert sandbox.slack.calls == []  # no post, and no auth.test: an uninstalled workspace has no token
    waiting = followup(sandbox, reminder)
    assert (waiting.state, waiting.attempts, waiting.last_error) == (FollowupState.DUE, 0, None)
    assert pauses(sandbox) == {sandbox.team_id: "app_uninstalled"}
    [departure] = departures(sandbox)
    assert (departure.team_id, departure.left_at, departure.erased_at) == (sandbox.team_id, clock.now(), None)
    status, body = health(sandbox)
    assert status == 200
    assert f"deliveries stopped for workspace {sandbox.team_id}: the app was uninstalled" in body


def test_a_second_event_for_the_same_departure_logs_and_records_nothing_new(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    uninstall(sandbox)
    sandbox.driver.tokens_revoked(bot=["U0BOT"])
    sandbox.driver.app_uninstalled()
    sandbox.settle()

    [line] = departure_lines(caplog)
    assert sandbox.team_id in line and "app_uninstalled" in line and "30 days" in line
    assert len(departures(sandbox)) == 1
    assert pauses(sandbox) == {sandbox.team_id: "app_uninstalled"}


def test_the_bot_token_revoked_is_an_uninstall(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    sandbox.slack.revoke_token(BOT_TOKEN)

    sandbox.driver.tokens_revoked(bot=["U0BOT"], oauth=["UADMIN"])
    sandbox.settle()

    [line] = departure_lines(caplog)
    assert "tokens_revoked" in line
    assert pauses(sandbox) == {sandbox.team_id: "app_uninstalled"}


def test_a_user_token_revoked_alone_changes_nothing(sandbox: Sandbox, clock: ManualClock) -> None:
    reminder = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())

    sandbox.driver.tokens_revoked(oauth=["UADMIN"])
    sandbox.settle()

    assert pauses(sandbox) == {} and departures(sandbox) == []
    assert [item.followup_id for item in dispatch(sandbox).sent] == [reminder]


def test_a_workspace_paused_for_its_token_then_uninstalled_is_not_resumed_by_a_working_token(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    """A post refused just before the event paused it for its token; the uninstall replaces that pause,
    which a token that works would otherwise have lifted at the next pass."""
    reminder = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())
    slack.pause_workspace(sandbox.bot.sessions, sandbox.team_id, "token_revoked", clock.now())
    uninstall(sandbox)

    sandbox.slack.restore_auth()
    sandbox.slack.reset()
    report = dispatch(sandbox)

    assert report.sent == [] and report.paused_teams == [sandbox.team_id]
    assert sandbox.slack.calls_to("auth.test") == []
    assert followup(sandbox, reminder).state == FollowupState.DUE
    assert pauses(sandbox) == {sandbox.team_id: "app_uninstalled"}


def test_another_workspace_keeps_its_deliveries_while_one_has_left(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    with sandbox.bot.sessions.begin() as session:
        other = make_student(session, OTHER_TEAM, "UOTHER", locale="en")
        other.tz = "Europe/Paris"
        other_id = other.id
    sandbox.slack.add_user("UOTHER", locale="en-GB")
    theirs = due_now(sandbox, other_id, "student_reminder", clock.now())
    with sandbox.bot.sessions.begin() as session:  # due_now plans in the sandbox's team: move it
        row = session.get(Followup, theirs)
        assert row is not None
        row.team_id = OTHER_TEAM
    ours = due_now(sandbox, a_student(sandbox), "student_reminder", clock.now())

    sandbox.driver.app_uninstalled()
    sandbox.settle()
    report = dispatch(sandbox)

    assert [item.followup_id for item in report.sent] == [theirs]
    assert followup(sandbox, ours).state == FollowupState.DUE


# ------------------------------------------------------------------------------------------------------
# Coming back


def test_a_reinstall_resumes_the_followups_where_they_stopped_at_the_next_pass(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    reminder = due_now(sandbox, a_student(sandbox, "USTU2"), "student_reminder", clock.now())
    uninstall(sandbox)
    clock.advance(timedelta(days=14))  # two weeks away, a Monday morning again
    assert dispatch(sandbox).sent == []

    reinstall(sandbox)
    report = dispatch(sandbox)

    sent = {(item.kind, item.user_id) for item in report.sent}
    assert ("student_reminder", "USTU2") in sent
    assert ("first_contact_check", pair.mentor_user) in sent  # due on day 3, while the school was away
    assert followup(sandbox, reminder).state == FollowupState.SENT
    survey = followup_of(sandbox, pair.student_id, "first_meeting_survey")
    assert survey.state == FollowupState.DUE and survey.due_at > clock.now()  # day 30 is still to come
    assert pauses(sandbox) == {}
    [departure] = departures(sandbox)
    assert departure.returned_at == clock.now() and departure.erased_at is None
    assert health(sandbox) == (200, "ok\n")
    assert dispatch(sandbox).sent == []  # and once only


def test_a_followup_waiting_out_a_backoff_goes_at_the_first_pass_after_a_reinstall(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    retried = due_now(sandbox, a_student(sandbox, "USTU2"), "student_reminder", clock.now())
    later = due_now(
        sandbox, a_student(sandbox, "USTU3"), "student_reminder", clock.now() + timedelta(hours=1)
    )
    with sandbox.bot.sessions.begin() as session:  # as the dispatcher leaves it after three 5xx answers
        row = session.get(Followup, retried)
        assert row is not None
        row.attempts, row.last_error = 3, "503 service_unavailable"
        row.due_at = clock.now() + timedelta(hours=1)
    uninstall(sandbox)
    clock.advance(timedelta(minutes=10))

    reinstall(sandbox)
    report = dispatch(sandbox)

    assert [item.followup_id for item in report.sent] == [retried]
    assert followup(sandbox, later).due_at == clock.now() + timedelta(minutes=50)  # planned, not a retry


def test_returning_without_having_left_changes_nothing(sandbox: Sandbox, clock: ManualClock) -> None:
    slack.pause_workspace(sandbox.bot.sessions, sandbox.team_id, "token_revoked", clock.now())

    assert workspace_returned(sandbox.bot, sandbox.team_id) is False

    assert pauses(sandbox) == {sandbox.team_id: "token_revoked"}  # that one is the probe's to lift
    assert departures(sandbox) == []


# ------------------------------------------------------------------------------------------------------
# Erasing what a workspace left


def a_programme(sandbox: Sandbox, clock: ManualClock, team_id: str, prefix: str) -> None:
    """Students, mentors, a request and a live pair with its follow-ups, in `team_id`."""
    with sandbox.bot.sessions.begin() as session:
        student = make_student(session, team_id, f"{prefix}STU1")
        make_student(session, team_id, f"{prefix}STU2")
        make_request(session, team_id, student)
        for mentor in ("MEN1", "MEN2"):
            make_mentor(session, team_id, prefix + mentor)
    if team_id == sandbox.team_id:
        matched_pair(sandbox, clock, student_user=f"{prefix}STU3", mentor_user=f"{prefix}MEN3")


def test_the_retention_job_erases_a_departed_workspace_after_the_days_set_and_not_before(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    a_programme(sandbox, clock, sandbox.team_id, "UA")
    a_programme(sandbox, clock, OTHER_TEAM, "UB")
    others_before = rows_of_team(sandbox, OTHER_TEAM)
    uninstall(sandbox)
    left_at = clock.now()
    before = rows_of_team(sandbox, sandbox.team_id)

    clock.set(left_at + timedelta(days=30) - timedelta(minutes=1))
    assert anonymise_expired(sandbox.bot, clock.now()) == 0
    assert rows_of_team(sandbox, sandbox.team_id) == before

    clock.set(left_at + timedelta(days=30, minutes=1))
    anonymise_expired(sandbox.bot, clock.now())

    assert rows_of_team(sandbox, sandbox.team_id) == {}
    assert rows_of_team(sandbox, OTHER_TEAM) == others_before
    with sandbox.engine.connect() as connection:  # rows without a team of their own went with theirs
        topics = connection.scalar(select(func.count()).select_from(MentorTopic))
        assert topics == others_before["mentor_profiles"]
    [departure] = departures(sandbox)
    assert departure.erased_at == clock.now()
    assert departure.kept_counts == {
        "students": 3,
        "alumni": 3,
        "mentors": 3,
        "requests": 2,
        "mentorships": 1,
        "meetings": 0,
    }
    assert health(sandbox) == (200, "ok\n")  # nothing is waiting for it any more
    assert anonymise_expired(sandbox.bot, clock.now()) == 0  # a second run erases nothing


def test_a_workspace_that_came_back_in_time_is_not_erased(sandbox: Sandbox, clock: ManualClock) -> None:
    a_programme(sandbox, clock, sandbox.team_id, "UA")
    uninstall(sandbox)
    clock.advance(timedelta(days=7))
    reinstall(sandbox)
    before = rows_of_team(sandbox, sandbox.team_id)

    clock.advance(timedelta(days=60))
    anonymise_expired(sandbox.bot, clock.now())

    assert rows_of_team(sandbox, sandbox.team_id) == before
    with sandbox.bot.sessions.begin() as session:
        assert departure_in_progress(session, sandbox.team_id) is None


def test_every_table_is_erased_with_its_workspace() -> None:
    """A table with no `team_id` must hang off one that has it (and go with it), or not be a workspace's:
    otherwise erasing a workspace would leave rows of it behind."""
    by_name = {table.name: table for table in Base.metadata.sorted_tables}

    def erased_with_team(name: str) -> bool:
        table = by_name[name]
        if "team_id" in table.c:
            return True
        parents = [key for column in table.c for key in column.foreign_keys]
        return bool(parents) and any(
            key.ondelete == "CASCADE"
            and key.column.table.name != name
            and erased_with_team(key.column.table.name)
            for key in parents
        )

    left_behind = [name for name in by_name if name not in NOT_A_WORKSPACES and not erased_with_team(name)]
    assert left_behind == []
