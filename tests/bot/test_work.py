"""Work owed since an ack (`bot.work`): a dead process's rows are taken over once its lease ran out, a
live one's are not, a run that lost its claim commits nothing, and what answers a person is not held by
quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.messages.kit import Message
from bot.outbox import payload_of
from bot.outcome import Notice, NoticeKind, Outcome
from bot.sandbox import Sandbox
from bot.work import WORK_LEASE, LostClaim, carry_out, hand_back, run_work_pass
from storage.models import Followup, FollowupKind, FollowupState, Member
from storage.queries.work import record_work, renew_leases
from tests.factories import make_student

DEAD = "a-host:4242:deadbeef"


def outbox_row_left_by(sandbox: Sandbox, holder: str, text: str = "Your mentor said yes") -> int:
    """An outbox row as a process that committed and then died leaves it: claimed, its lease running."""
    now = sandbox.bot.clock.now()
    notice = Notice("USTU", Message(text=text), NoticeKind.MATCH_FOR_STUDENT)
    with sandbox.bot.sessions.begin() as session:
        (row_id,) = record_work(
            session,
            FollowupKind.OUTBOX,
            sandbox.team_id,
            [payload_of(notice)],
            now=now,
            holder=holder,
            lease_until=now + WORK_LEASE,
        )
    return row_id


def texts_to(sandbox: Sandbox, user_id: str) -> list[str]:
    return [message.text for message in sandbox.slack.messages_to(user_id)]


def test_a_dead_processs_outbox_row_is_taken_over_once_its_lease_ran_out(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user("USTU")
    outbox_row_left_by(sandbox, DEAD)

    assert run_work_pass(sandbox.bot) == 0  # its lease still runs: the process may be alive
    clock.advance(WORK_LEASE + timedelta(seconds=1))
    assert run_work_pass(sandbox.bot) == 1
    assert run_work_pass(sandbox.bot) == 0

    assert texts_to(sandbox, "USTU") == ["Your mentor said yes"]


def test_a_live_process_renewing_its_leases_keeps_its_rows(sandbox: Sandbox, clock: ManualClock) -> None:
    outbox_row_left_by(sandbox, DEAD)
    for _ in range(4):
        clock.advance(WORK_LEASE / 2)
        with sandbox.bot.sessions.begin() as session:
            assert renew_leases(session, DEAD, clock.now() + WORK_LEASE) == 1

    assert run_work_pass(sandbox.bot) == 0


@pytest.mark.parametrize("hour", [2, 22])
def test_a_message_answering_a_person_resumes_at_night_and_at_the_weekend(
    sandbox: Sandbox, clock: ManualClock, hour: int
) -> None:
    sandbox.slack.add_user("USTU")
    clock.set(datetime(2026, 9, 12, hour, 0, tzinfo=UTC))  # a Saturday, outside the school's hours
    outbox_row_left_by(sandbox, DEAD)
    clock.advance(WORK_LEASE + timedelta(seconds=1))

    run_work_pass(sandbox.bot)

    assert texts_to(sandbox, "USTU") == ["Your mentor said yes"]


def test_a_run_that_lost_its_claim_commits_nothing_and_sends_nothing(sandbox: Sandbox) -> None:
    now = sandbox.bot.clock.now()
    with sandbox.bot.sessions.begin() as session:
        (row_id,) = record_work(
            session,
            FollowupKind.INBOUND,
            sandbox.team_id,
            [{"listener": "x"}],
            now=now,
            holder=DEAD,
            lease_until=now + WORK_LEASE,
        )

    def writes_a_member(bot):  # type: ignore[no-untyped-def]
        with bot.sessions.begin() as session:
            make_student(session, sandbox.team_id, "UNEW")
        return Outcome(notices=(Notice("UNEW", Message(text="hello"), NoticeKind.CONFIRMATION),))

    with pytest.raises(LostClaim):
        carry_out(sandbox.bot, writes_a_member, team_id=sandbox.team_id, finishing=row_id)

    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0
        assert session.scalar(select(func.count()).where(Followup.kind == FollowupKind.OUTBOX)) == 0
    assert sandbox.slack.messages_to("UNEW") == []


def test_a_stopping_process_hands_its_claims_back_due_at_once(sandbox: Sandbox) -> None:
    row_id = outbox_row_left_by(sandbox, sandbox.bot.process_name)

    assert hand_back(sandbox.bot) == 1

    with sandbox.bot.sessions.begin() as session:
        row = session.get(Followup, row_id)
        assert row is not None
        assert (row.state, row.claimed_by, row.attempts) == (FollowupState.DUE, None, 0)
