"""`/mentor admin role @someone student|alumnus`: admins correct roles; everyone else is refused."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.admin_roles import parse_role_arguments
from bot.sandbox import Sandbox
from storage.models import Member, Role, SettingsChange
from tests.factories import make_member


def role_of(sandbox: Sandbox, user_id: str) -> str | None:
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(Member.role).where(Member.slack_user_id == user_id))


def audit_trail(sandbox: Sandbox) -> list[tuple[str, str, str | None, str | None]]:
    with sandbox.bot.sessions.begin() as session:
        return [
            (change.changed_by, change.setting, change.old_value, change.new_value)
            for change in session.scalars(select(SettingsChange).order_by(SettingsChange.id))
        ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U123ABC|bob> student", ("U123ABC", Role.STUDENT)),
        ("<@U123ABC> alumnus", ("U123ABC", Role.ALUMNUS)),
        ("<@W0ORG|anne>   Ancienne", ("W0ORG", Role.ALUMNUS)),
        ("@bob student", None),
        ("<@U123ABC|bob> teacher", None),
        ("<@U123ABC|bob>", None),
        ("<!channel> student", None),
    ],
)
def test_role_arguments_are_a_slack_mention_and_a_role(text: str, expected: tuple[str, Role] | None) -> None:
    assert parse_role_arguments(text) == expected


def test_an_admin_sets_a_members_role_and_the_change_is_recorded(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UADMIN", locale="en-GB")  # in MENTORBOT_ADMINS (see the sandbox fixture)
    with sandbox.bot.sessions.begin() as session:
        make_member(session, sandbox.team_id, "UBOB", role=Role.STUDENT)

    sandbox.command("UADMIN", "admin role <@UBOB|bob> alumnus")

    assert role_of(sandbox, "UBOB") == Role.ALUMNUS
    assert audit_trail(sandbox) == [("UADMIN", "role:UBOB", "student", "alumnus")]
    assert sandbox.slack.last_message_to("UADMIN").text == "<@UBOB> is now registered as *alumnus*."


def test_a_workspace_admin_may_set_the_role_of_someone_the_bot_never_met(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UOWNER", locale="fr-FR", is_owner=True)

    sandbox.command("UOWNER", "admin role <@UNEW> student")

    assert role_of(sandbox, "UNEW") == Role.STUDENT
    assert audit_trail(sandbox) == [("UOWNER", "role:UNEW", None, "student")]
    assert "est désormais *personne étudiante*" in sandbox.slack.last_message_to("UOWNER").text


def test_setting_the_same_role_again_changes_and_records_nothing(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    with sandbox.bot.sessions.begin() as session:
        make_member(session, sandbox.team_id, "UBOB", role=Role.ALUMNUS)

    sandbox.command("UADMIN", "admin role <@UBOB|bob> alumnus")

    assert audit_trail(sandbox) == []
    assert "already registered" in sandbox.slack.last_message_to("UADMIN").text


def test_a_non_admin_is_refused_nothing_changes_and_the_attempt_is_logged(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.slack.add_user("UEVE", locale="en-GB")
    with sandbox.bot.sessions.begin() as session:
        make_member(session, sandbox.team_id, "UEVE", role=Role.STUDENT)
        make_member(session, sandbox.team_id, "UBOB", role=Role.STUDENT)

    with caplog.at_level(logging.WARNING, logger="bot.admin_roles"):
        sandbox.command("UEVE", "admin role <@UEVE|eve> alumnus")
        sandbox.command("UEVE", "admin")

    assert role_of(sandbox, "UEVE") == Role.STUDENT
    assert audit_trail(sandbox) == []
    refusals = [message.text for message in sandbox.slack.messages_to("UEVE")]
    assert refusals == ["Sorry, only the mentoring programme's admins can do that."] * 2
    assert sum("non-admin UEVE tried /mentor admin" in record.getMessage() for record in caplog.records) == 2


def test_admin_alone_shows_the_admin_help_and_bad_arguments_the_usage(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UADMIN", locale="en-GB")

    sandbox.command("UADMIN", "admin")
    assert "Admin tools" in sandbox.slack.last_message_to("UADMIN").text

    sandbox.command("UADMIN", "admin role @bob teacher")
    assert sandbox.slack.last_message_to("UADMIN").text.startswith("Usage: `/mentor admin role")
