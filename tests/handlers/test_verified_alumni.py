"""Only verified alumni mentor: a self-declared alumnus gets no request until the roster or an admin has
verified them; the admins' Approve / Decline over signed HTTP, audited, refused to non-admins."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.messages.volunteering import CHARTER_ACCEPTED
from bot.sandbox import Sandbox
from storage.models import Member, SettingsChange, Verification
from tests.factories import action_ids, ask_for_mentor, shown_text, student_in_sandbox, verified_by_roster

VOLUNTEER = {
    ids.VOLUNTEER_TOPICS: ["careers"],
    ids.VOLUNTEER_LANGUAGES: ["fr", "en"],
    ids.VOLUNTEER_CAPACITY: "2",
    ids.VOLUNTEER_GRADUATION_YEAR: "2015",
    ids.VOLUNTEER_INDUSTRY: "Energy <!channel>",
    ids.VOLUNTEER_JOB_TITLE: "Engineer",
    ids.VOLUNTEER_CHARTER: [CHARTER_ACCEPTED],
}


def alumnus_volunteers(sandbox: Sandbox, user_id: str = "UALUM", *, roster: bool = False) -> None:
    """Says they are an alumnus (the role question), then fills in the volunteer modal."""
    sandbox.slack.add_user(user_id, locale="en-GB", real_name="Alex Alum")
    sandbox.command(user_id)
    sandbox.click(user_id, sandbox.slack.last_message_to(user_id), ids.CHOOSE_ROLE_ALUMNUS)
    if roster:
        verified_by_roster(sandbox, user_id)
    sandbox.command(user_id, "volunteer")
    sandbox.submit(user_id, sandbox.slack.last_view_opened(), VOLUNTEER)


def a_student_waits(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    ask_for_mentor(sandbox, "USTU")


def offers_to(sandbox: Sandbox, user_id: str) -> list[str]:
    return [m.ts for m in sandbox.slack.messages_to(user_id) if ids.ACCEPT_OFFER in action_ids(m)]


def approval_asked_of(sandbox: Sandbox, admin_id: str):  # type: ignore[no-untyped-def]
    return next(m for m in sandbox.slack.messages_to(admin_id) if ids.VERIFY_ALUMNUS_APPROVE in action_ids(m))


def verification_of(sandbox: Sandbox, user_id: str) -> tuple[str | None, str | None]:
    with sandbox.bot.sessions.begin() as session:
        member = session.scalar(select(Member).where(Member.slack_user_id == user_id))
        assert member is not None
        return member.verification, member.verification_decided_by


def audit(sandbox: Sandbox) -> list[tuple[str, str, str | None]]:
    with sandbox.bot.sessions.begin() as session:
        rows = session.execute(
            select(SettingsChange.changed_by, SettingsChange.setting, SettingsChange.new_value).order_by(
                SettingsChange.id
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def an_admin(sandbox: Sandbox, user_id: str = "UADMIN") -> None:
    sandbox.slack.add_user(user_id, locale="en-GB", is_admin=user_id != "UADMIN")
    sandbox.command(user_id, "help")  # the bot sees them, and that Slack says they are an admin


def test_an_unverified_alumnus_gets_no_offer_until_an_admin_approves_then_does(sandbox: Sandbox) -> None:
    an_admin(sandbox)
    a_student_waits(sandbox)

    alumnus_volunteers(sandbox)

    assert offers_to(sandbox, "UALUM") == []
    told = shown_text(sandbox.slack.last_message_to("UALUM"))
    assert "admins first check" in told
    asked = approval_asked_of(sandbox, "UADMIN")
    assert (
        "<@UALUM> says they are an alumnus (class of 2015, Energy &lt;!channel&gt;, Engineer)"
        in shown_text(asked)
    )
    assert verification_of(sandbox, "UALUM") == (None, None)
    sandbox.command("USTU", "mentors")
    assert "Alex Alum" not in shown_text(sandbox.slack.last_view_opened())  # not in the directory

    sandbox.click("UADMIN", asked, ids.VERIFY_ALUMNUS_APPROVE)

    assert verification_of(sandbox, "UALUM") == (Verification.VERIFIED, "UADMIN")
    assert len(offers_to(sandbox, "UALUM")) == 1  # the waiting request is offered at once
    assert any("confirmed you as an alumnus" in shown_text(m) for m in sandbox.slack.messages_to("UALUM"))
    assert ("UADMIN", "alumnus:UALUM", "verified") in audit(sandbox)
    assert "You approved <@UALUM>" in shown_text(sandbox.slack.messages_to("UADMIN")[-1])


def test_admins_are_asked_once_and_a_second_admins_click_is_told_who_decided(sandbox: Sandbox) -> None:
    an_admin(sandbox)
    an_admin(sandbox, "UBOSS")  # a workspace admin, as Slack says
    alumnus_volunteers(sandbox)
    sandbox.command("UALUM", "volunteer")  # editing the profile asks nobody again
    sandbox.submit("UALUM", sandbox.slack.last_view_opened(), VOLUNTEER)
    first, second = approval_asked_of(sandbox, "UADMIN"), approval_asked_of(sandbox, "UBOSS")
    assert [ids.VERIFY_ALUMNUS_APPROVE in action_ids(m) for m in sandbox.slack.messages_to("UBOSS")].count(
        True
    ) == 1

    sandbox.click("UADMIN", first, ids.VERIFY_ALUMNUS_APPROVE)
    sandbox.click("UBOSS", second, ids.VERIFY_ALUMNUS_DECLINE)

    assert verification_of(sandbox, "UALUM") == (Verification.VERIFIED, "UADMIN")
    assert "Already decided by <@UADMIN>" in shown_text(sandbox.slack.messages_to("UBOSS")[-1])
    assert [row for row in audit(sandbox) if row[1] == "alumnus:UALUM"] == [
        ("UADMIN", "alumnus:UALUM", "verified")
    ]


def test_a_declined_alumnus_is_told_kindly_and_still_gets_no_offer(sandbox: Sandbox) -> None:
    an_admin(sandbox)
    alumnus_volunteers(sandbox)

    sandbox.click("UADMIN", approval_asked_of(sandbox, "UADMIN"), ids.VERIFY_ALUMNUS_DECLINE)
    a_student_waits(sandbox)

    assert verification_of(sandbox, "UALUM") == (Verification.DECLINED, "UADMIN")
    told = shown_text(sandbox.slack.last_message_to("UALUM"))
    assert "Thank you for offering to mentor" in told and "gladly look again" in told
    assert offers_to(sandbox, "UALUM") == []
    assert ("UADMIN", "alumnus:UALUM", "declined") in audit(sandbox)


def test_a_non_admin_clicking_approve_is_refused_and_nothing_changes(sandbox: Sandbox, caplog) -> None:  # type: ignore[no-untyped-def]
    an_admin(sandbox)
    alumnus_volunteers(sandbox)
    asked = approval_asked_of(sandbox, "UADMIN")
    student_in_sandbox(sandbox, "UNOSY", locale="en")
    before = audit(sandbox)

    with caplog.at_level("WARNING"):
        sandbox.click("UNOSY", asked, ids.VERIFY_ALUMNUS_APPROVE)

    answer = shown_text(sandbox.slack.messages_to("UNOSY")[-1])
    assert "only the mentoring programme's admins" in answer and "UALUM" not in answer
    assert verification_of(sandbox, "UALUM") == (None, None)
    assert audit(sandbox) == before
    assert any(r.levelname == "WARNING" and "UNOSY" in r.getMessage() for r in caplog.records)


def test_with_open_self_declaration_a_new_alumnus_gets_offers_at_once(sandbox: Sandbox) -> None:
    an_admin(sandbox)
    sandbox.command("UADMIN", "settings", command=ids.STATS_COMMAND)
    sandbox.click("UADMIN", sandbox.slack.last_message_to("UADMIN"), ids.OPEN_CADENCES_MODAL)
    modal = sandbox.slack.last_view_opened()
    box = next(b for b in modal["blocks"] if b.get("block_id") == ids.ALUMNI_VERIFICATION_INPUT)
    assert box["element"]["initial_options"][0]["value"] == ids.ALUMNI_VERIFICATION_ON  # on by default
    sandbox.submit("UADMIN", modal, {ids.ALUMNI_VERIFICATION_INPUT: []})
    assert ("UADMIN", "alumni_verification", "off") in audit(sandbox)
    a_student_waits(sandbox)

    alumnus_volunteers(sandbox)

    assert len(offers_to(sandbox, "UALUM")) == 1
    assert not any(ids.VERIFY_ALUMNUS_APPROVE in action_ids(m) for m in sandbox.slack.messages_to("UADMIN"))


def test_an_alumnus_the_roster_verified_is_offered_requests_without_asking_anyone(sandbox: Sandbox) -> None:
    an_admin(sandbox)
    a_student_waits(sandbox)

    alumnus_volunteers(sandbox, roster=True)

    assert verification_of(sandbox, "UALUM") == (Verification.VERIFIED, "roster-import")
    assert len(offers_to(sandbox, "UALUM")) == 1
    assert not any(ids.VERIFY_ALUMNUS_APPROVE in action_ids(m) for m in sandbox.slack.messages_to("UADMIN"))
