"""A member's Slack account deactivated (`user_change`, `user.deleted: true`): Slack still accepts
messages to them (python-slack-sdk #1156), so this event is how the bot learns they are gone."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.i18n import t
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from storage.models import Followup, FollowupState, Member, Mentorship, MentorshipStatus, Offer, OfferStatus
from tests.factories import action_ids, ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.handlers.test_offer_flow import offer_dm_to


def offer_statuses(sandbox: Sandbox) -> dict[str, OfferStatus]:
    with sandbox.bot.sessions.begin() as session:
        rows = session.execute(select(Member.slack_user_id, Offer.status).join(Offer.mentor)).all()
        return {user_id: OfferStatus(status) for user_id, status in rows}


def test_a_deactivated_mentor_loses_their_pending_offer_and_the_request_moves_on(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_in_sandbox(sandbox, "UGONE", locale="en")
    with sandbox.bot.sessions.begin() as session:
        programme_settings(session, sandbox.team_id).offers_per_request = 1
    ask_for_mentor(sandbox, "USTU")
    assert offer_statuses(sandbox) == {"UGONE": OfferStatus.PENDING}
    mentor_in_sandbox(sandbox, "UNEXT", locale="en")

    sandbox.slack.deactivate_user("UGONE")
    response = sandbox.driver.user_change("UGONE")
    sandbox.settle()

    assert response.status == 200
    assert offer_statuses(sandbox) == {"UGONE": OfferStatus.WITHDRAWN, "UNEXT": OfferStatus.PENDING}
    assert ids.ACCEPT_OFFER not in action_ids(sandbox.slack.messages_to("UGONE")[-1])
    with sandbox.bot.sessions.begin() as session:
        gone = session.scalar(select(Member).where(Member.slack_user_id == "UGONE"))
        assert gone is not None and gone.inactive_since is not None


def test_the_partner_of_a_deactivated_mentor_is_told_kindly_and_their_follow_ups_stop(
    sandbox: Sandbox,
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_in_sandbox(sandbox, "UGONE", locale="en")
    ask_for_mentor(sandbox, "USTU")
    sandbox.click("UGONE", offer_dm_to(sandbox, "UGONE"), ids.ACCEPT_OFFER)

    sandbox.slack.deactivate_user("UGONE")
    sandbox.driver.user_change("UGONE")
    sandbox.settle()

    notice = sandbox.slack.last_message_to("USTU")
    assert t("en", "end.partner_deactivated", name="<@UGONE>") in shown_text(notice)
    assert ids.END_MENTORSHIP in action_ids(notice)
    with sandbox.bot.sessions.begin() as session:
        mentorship = session.scalar(select(Mentorship))
        assert mentorship is not None and mentorship.status == MentorshipStatus.ACTIVE  # the counts keep it
        gone = session.scalar(select(Member).where(Member.slack_user_id == "UGONE"))
        assert gone is not None
        waiting = session.scalars(
            select(Followup.state).where(
                Followup.recipient_id == gone.id, Followup.state == FollowupState.DUE
            )
        ).all()
        assert waiting == []

    sandbox.slack.reactivate_user("UGONE")
    sandbox.driver.user_change("UGONE")
    sandbox.settle()

    with sandbox.bot.sessions.begin() as session:
        back = session.scalar(select(Member).where(Member.slack_user_id == "UGONE"))
        assert back is not None and back.inactive_since is None
        resumed = session.scalars(
            select(Followup.id).where(Followup.recipient_id == back.id, Followup.state == FollowupState.DUE)
        ).all()
        assert resumed  # the follow-ups still to come are back


def test_a_second_deactivation_event_changes_nothing_more(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_in_sandbox(sandbox, "UGONE", locale="en")
    ask_for_mentor(sandbox, "USTU")
    sandbox.click("UGONE", offer_dm_to(sandbox, "UGONE"), ids.ACCEPT_OFFER)
    sandbox.slack.deactivate_user("UGONE")
    sandbox.driver.user_change("UGONE")
    sandbox.settle()
    told = len(sandbox.slack.messages_to("USTU"))

    sandbox.driver.user_change("UGONE")
    sandbox.settle()

    assert len(sandbox.slack.messages_to("USTU")) == told
