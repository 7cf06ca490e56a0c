"""Claiming follow-ups by workspace shares: each workspace's oldest first, never more than its share, the
rows a dead dispatcher left taken back, and bot.work's inbound and outbox rows only when asked for."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from storage.models import Followup, FollowupKind, FollowupState
from storage.queries.followups import WORK_KINDS, claim_due_followups, due_followup_counts
from tests.conftest import START

LEASE_UNTIL = START + timedelta(minutes=5)


def add_rows(sessions, team_id: str, kind: str, ages_in_minutes: list[int], **values: object) -> list[int]:  # type: ignore[no-untyped-def]
    """Rows of `team_id` due that many minutes before START; their ids."""
    with sessions.begin() as session:
        return list(
            session.scalars(
                insert(Followup).returning(Followup.id, sort_by_parameter_order=True),
                [
                    {
                        "team_id": team_id,
                        "kind": kind,
                        "recipient_id": None,
                        "period": f"{kind}:{team_id}:{age}",
                        "due_at": START - timedelta(minutes=age),
                        "state": FollowupState.DUE,
                        "attempts": 0,
                        "created_at": START - timedelta(days=1),
                        **values,
                    }
                    for age in ages_in_minutes
                ],
            )
        )


def claim(sessions, shares: dict[str, int], **kwargs: object) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return claim_due_followups(
            session, dispatcher="here", now=START, lease_until=LEASE_UNTIL, shares=shares, **kwargs
        )


def test_each_workspace_gives_its_oldest_rows_up_to_its_share(sessions) -> None:  # type: ignore[no-untyped-def]
    reminders = FollowupKind.STUDENT_REMINDER
    a_newest, a_middle, a_oldest = add_rows(sessions, "TA", reminders, [1, 5, 9])
    b_only = add_rows(sessions, "TB", reminders, [30])
    add_rows(sessions, "TC", reminders, [60])  # no share: not claimed, however old

    claimed = claim(sessions, {"TA": 2, "TB": 5})

    assert claimed == {"TA": [a_oldest, a_middle], "TB": b_only}
    with sessions.begin() as session:
        states = dict(session.execute(select(Followup.id, Followup.state)).all())
    assert states[a_newest] == FollowupState.DUE
    assert [states[a_oldest], states[a_middle]] == [FollowupState.CLAIMED] * 2


def test_rows_a_dead_dispatcher_left_are_taken_back_within_the_share(sessions) -> None:  # type: ignore[no-untyped-def]
    reminders = FollowupKind.STUDENT_REMINDER
    (left_behind,) = add_rows(
        sessions,
        "TA",
        reminders,
        [20],
        state=FollowupState.CLAIMED,
        lease_expires_at=START - timedelta(seconds=1),
    )
    add_rows(sessions, "TA", reminders, [10], state=FollowupState.CLAIMED, lease_expires_at=LEASE_UNTIL)
    (due,) = add_rows(sessions, "TA", reminders, [5])
    add_rows(sessions, "TA", reminders, [1])

    assert claim(sessions, {"TA": 2}) == {"TA": [left_behind, due]}


def test_scheduled_followups_never_include_bot_works_rows_unless_asked(sessions) -> None:  # type: ignore[no-untyped-def]
    (reminder,) = add_rows(sessions, "TA", FollowupKind.STUDENT_REMINDER, [1])
    inbound, outbox = (add_rows(sessions, "TA", kind, [30])[0] for kind in WORK_KINDS)

    with sessions.begin() as session:
        counts = due_followup_counts(session, now=START)
        work_counts = due_followup_counts(session, now=START, kinds=WORK_KINDS)

    assert (counts, work_counts) == ({"TA": 1}, {"TA": 2})
    assert claim(sessions, {"TA": 10}) == {"TA": [reminder]}
    assert claim(sessions, {"TA": 10}, kinds=WORK_KINDS) == {"TA": [inbound, outbox]}


def test_counts_leave_out_paused_workspaces_and_rows_not_yet_due(sessions) -> None:  # type: ignore[no-untyped-def]
    reminders = FollowupKind.STUDENT_REMINDER
    add_rows(sessions, "TA", reminders, [1, 2])
    add_rows(sessions, "TA", reminders, [-5])  # due in five minutes
    add_rows(sessions, "TB", reminders, [1])

    with sessions.begin() as session:
        assert due_followup_counts(session, now=START, skip_teams=["TB"]) == {"TA": 2}
