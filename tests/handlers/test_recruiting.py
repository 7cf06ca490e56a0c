"""The recruiting campaign end to end: an admin's click plans one invitation a term per alumnus who is not a
mentor, the dispatcher sends it once in working hours, and "Not now" / "Become a mentor" answer it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot import ids
from bot.recruiting import RECRUITING_KIND, term_of
from bot.sandbox import Sandbox
from storage.models import Followup, FollowupState, Role, SettingsChange
from tests.factories import make_member, make_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.factories_followups import dispatch, dispatch_through_quiet_hours, followup_of

STATS = ids.STATS_COMMAND


def alumnus(sandbox: Sandbox, user_id: str, locale: str = "en") -> int:
    sandbox.slack.add_user(user_id, locale="en-GB" if locale == "en" else "fr-FR")
    with sandbox.bot.sessions.begin() as session:
        return make_member(session, sandbox.team_id, user_id, role=Role.ALUMNUS, locale=locale).id


def invite(sandbox: Sandbox, user_id: str = "UADMIN"):  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.command(user_id, "settings", command=STATS)
    sandbox.click(user_id, sandbox.slack.last_message_to(user_id), ids.START_RECRUITING)
    return sandbox.slack.last_message_to(user_id)


def invitations(sandbox: Sandbox) -> list[tuple[int, str]]:
    with sandbox.bot.sessions.begin() as session:
        rows = session.execute(
            select(Followup.recipient_id, Followup.period)
            .where(Followup.kind == RECRUITING_KIND)
            .order_by(Followup.recipient_id)
        )
        return [(recipient_id, str(period)) for recipient_id, period in rows]


def test_alumni_who_are_not_mentors_are_invited_once_a_term(sandbox: Sandbox) -> None:
    anna, bob = alumnus(sandbox, "UANNA"), alumnus(sandbox, "UBOB", locale="fr")
    mentor_in_sandbox(sandbox, "UMIA")
    student_in_sandbox(sandbox, "ULEO")
    term = term_of(sandbox.bot.clock.now())

    answer = invite(sandbox)

    assert "2 alumni will be invited to volunteer in the 2026-T3 campaign" in shown_text(answer)
    assert invitations(sandbox) == [(anna, term), (bob, term)]
    with sandbox.bot.sessions.begin() as session:
        change = session.scalar(select(SettingsChange).where(SettingsChange.setting == "recruiting"))
        assert change is not None and (change.changed_by, change.new_value) == ("UADMIN", f"{term}: 2")

    again = invite(sandbox)

    assert "already been invited in the 2026-T3 campaign (invitations so far: 2)" in shown_text(again)
    assert len(invitations(sandbox)) == 2


def test_the_dispatcher_sends_each_invitation_once_in_working_hours(sandbox: Sandbox, clock) -> None:  # type: ignore[no-untyped-def]
    anna = alumnus(sandbox, "UANNA")
    clock.set(clock.now().replace(hour=20))  # 21:00 in Paris: outside the default 9:00-18:00
    invite(sandbox)

    held = dispatch(sandbox)
    assert [item.kind for item in held.held] == [RECRUITING_KIND]
    assert sandbox.slack.messages_to("UANNA") == []

    clock.set(datetime.fromisoformat(held.held[0].detail.removeprefix("until ")))  # 9:00 the next day
    report = dispatch(sandbox)
    assert [item.kind for item in report.sent] == [RECRUITING_KIND]
    assert dispatch(sandbox).sent == []  # exactly once
    [message] = sandbox.slack.messages_to("UANNA")
    assert "Would you become a mentor?" in shown_text(message)
    assert followup_of(sandbox, anna, RECRUITING_KIND).state == FollowupState.SENT


def test_not_now_answers_the_invitation_once(sandbox: Sandbox) -> None:
    anna = alumnus(sandbox, "UANNA")
    alumnus(sandbox, "UBOB")
    invite(sandbox)
    dispatch(sandbox)
    invitation = sandbox.slack.last_message_to("UANNA")

    sandbox.click("UBOB", invitation, ids.RECRUITING_NOT_NOW)  # someone else's invitation
    assert "wasn't meant for you" in shown_text(sandbox.slack.last_message_to("UBOB"))
    assert followup_of(sandbox, anna, RECRUITING_KIND).state == FollowupState.SENT

    sandbox.click("UANNA", invitation, ids.RECRUITING_NOT_NOW)

    row = followup_of(sandbox, anna, RECRUITING_KIND)
    assert (row.state, row.answer) == (FollowupState.ANSWERED, "not_now")
    updated = sandbox.slack.last_message_to("UANNA")
    assert "Understood, thank you!" in shown_text(updated)
    assert all(block["type"] != "actions" for block in updated.blocks)

    sandbox.click("UANNA", invitation, ids.RECRUITING_NOT_NOW)
    assert "already been taken care of" in shown_text(sandbox.slack.last_message_to("UANNA"))


def test_become_a_mentor_opens_the_volunteer_modal(sandbox: Sandbox) -> None:
    alumnus(sandbox, "UANNA")
    invite(sandbox)
    dispatch(sandbox)

    sandbox.click("UANNA", sandbox.slack.last_message_to("UANNA"), ids.OPEN_VOLUNTEER_MODAL)

    assert sandbox.slack.last_view_opened()["callback_id"] == ids.VOLUNTEER_VIEW


def test_an_alumnus_who_volunteered_before_the_invitation_left_is_not_sent_it(
    sandbox: Sandbox, clock
) -> None:  # type: ignore[no-untyped-def]
    alumnus(sandbox, "UANNA")
    clock.set(clock.now().replace(hour=20))
    invite(sandbox)
    with sandbox.bot.sessions.begin() as session:
        make_mentor(session, sandbox.team_id, "UANNA")

    report = dispatch_through_quiet_hours(sandbox, clock)

    assert [item.kind for item in report.skipped] == [RECRUITING_KIND]
    assert sandbox.slack.messages_to("UANNA") == []


def test_the_settings_show_the_campaigns_effect(sandbox: Sandbox, clock) -> None:  # type: ignore[no-untyped-def]
    alumnus(sandbox, "UANNA")
    alumnus(sandbox, "UBOB")
    invite(sandbox)
    dispatch(sandbox)
    clock.advance(timedelta(hours=1))
    with sandbox.bot.sessions.begin() as session:
        make_mentor(session, sandbox.team_id, "UANNA", volunteered_at=clock.now())  # after the invitation

    sandbox.command("UADMIN", "settings", command=STATS)

    assert (
        "alumni invited in this campaign: 2 · invitations delivered: 2 · volunteered since: 1"
        in shown_text(sandbox.slack.last_message_to("UADMIN"))
    )


def test_a_non_admin_cannot_start_a_campaign(sandbox: Sandbox) -> None:
    alumnus(sandbox, "UANNA")
    alumnus(sandbox, "UEVE")
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.command("UADMIN", "settings", command=STATS)

    sandbox.click("UEVE", sandbox.slack.last_message_to("UADMIN"), ids.START_RECRUITING)

    assert "only the mentoring programme's admins" in shown_text(sandbox.slack.last_message_to("UEVE"))
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Followup)) == 0
