"""Readable helpers for the follow-up tests: a matched pair in the database and the stand-in, follow-ups
due now, and dispatcher passes as of the test's clock.

    pair = matched_pair(sandbox, clock)
    dispatch(sandbox)
    assert kinds_sent_to(sandbox, pair.mentor_user) == ["first_contact_check"]
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.dispatch import DispatchReport, run_dispatch_pass
from bot.followups import plan_match_followups
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from bot.slack_double.web_api import Message
from storage.models import Followup, FollowupKind, FollowupPeriod, FollowupState, Mentorship, RequestStatus
from storage.queries.followups import PlannedFollowup, plan_followups
from storage.queries.matching import create_mentorship
from tests.factories import SLACK_LOCALES, make_mentor, make_request, make_student


@dataclass(frozen=True)
class Pair:
    mentorship_id: int
    student_id: int
    mentor_id: int
    student_user: str
    mentor_user: str


def matched_pair(
    sandbox: Sandbox,
    clock: ManualClock,
    *,
    student_user: str = "USTU",
    mentor_user: str = "UMEN",
    student_locale: str = "en",
    mentor_locale: str = "fr",
    student_tz: str = "Europe/Paris",
    mentor_tz: str = "Europe/Paris",
) -> Pair:
    """A student and a mentor matched at the clock's time, with the match's follow-ups planned (as the
    accept does), both known to the stand-in with their time zones."""
    team = sandbox.team_id
    sandbox.slack.add_user(student_user, locale=SLACK_LOCALES[student_locale], tz=student_tz, team_id=team)
    sandbox.slack.add_user(mentor_user, locale=SLACK_LOCALES[mentor_locale], tz=mentor_tz, team_id=team)
    sandbox.slack.add_user("UADMIN", locale="en-GB", team_id=team)  # the sandbox's MENTORBOT_ADMINS
    now = clock.now()
    with sandbox.bot.sessions.begin() as session:
        student = make_student(session, sandbox.team_id, student_user, locale=student_locale)
        student.tz = student_tz
        mentor = make_mentor(session, sandbox.team_id, mentor_user, locale=mentor_locale, active_mentees=1)
        mentor.tz = mentor_tz
        request = make_request(
            session, sandbox.team_id, student, status=RequestStatus.MATCHED, created_at=now
        )
        settings = programme_settings(session, sandbox.team_id)
        mentorship = create_mentorship(session, request, mentor.id, now, settings.mentorship_term_days)
        plan_match_followups(session, mentorship, settings, now)
        return Pair(mentorship.id, student.id, mentor.id, student_user, mentor_user)


def due_now(sandbox: Sandbox, recipient_id: int, kind: str, due_at: datetime, period: str = "test") -> int:
    """A follow-up of `kind` for `recipient_id`, due at `due_at`; its id."""
    with sandbox.bot.sessions.begin() as session:
        plan_followups(
            session,
            [
                PlannedFollowup(
                    team_id=sandbox.team_id,
                    kind=kind,
                    recipient_id=recipient_id,
                    period=period,
                    due_at=due_at,
                )
            ],
            due_at,
        )
        return session.scalar(
            select(Followup.id).where(
                Followup.recipient_id == recipient_id, Followup.kind == kind, Followup.period == period
            )
        )


def owed_work(
    sandbox: Sandbox,
    kind: FollowupKind,
    due_at: datetime,
    *,
    state: FollowupState = FollowupState.DUE,
    lease_expires_at: datetime | None = None,
) -> int:
    """An inbound payload or outbox message (`kind`) owed since `due_at`, for no member, in `state`
    (claimed: by a process whose lease lasts until `lease_expires_at`). Its id."""
    with sandbox.bot.sessions.begin() as session:
        row = Followup(
            team_id=sandbox.team_id,
            kind=kind,
            period=FollowupPeriod(f"work{uuid.uuid4().hex[:8]}"),
            due_at=due_at,
            state=state,
            claimed_by="a process that died" if state == FollowupState.CLAIMED else None,
            lease_expires_at=lease_expires_at,
            created_at=due_at,
            payload={},
        )
        session.add(row)
        session.flush()
        return row.id


def dispatch(sandbox: Sandbox) -> DispatchReport:
    """One dispatcher pass as of the sandbox's clock."""
    return run_dispatch_pass(sandbox.bot)


def dispatch_through_quiet_hours(sandbox: Sandbox, clock: ManualClock) -> DispatchReport:
    """A pass; if it held messages until the recipients' next working hours, move the clock there and pass
    again, so a test can step by whole days without caring for weekends."""
    report = dispatch(sandbox)
    for _ in range(5):
        if not report.held:
            return report
        clock.set(min(datetime.fromisoformat(item.detail.removeprefix("until ")) for item in report.held))
        report = dispatch(sandbox)
    return report


def at_day(clock: ManualClock, start: datetime, days: float) -> None:
    clock.set(start + timedelta(days=days))


def followup(sandbox: Sandbox, followup_id: int) -> Followup:
    with sandbox.bot.sessions.begin() as session:
        row = session.get(Followup, followup_id)
        assert row is not None
        session.expunge(row)
        return row


def followup_of(sandbox: Sandbox, recipient_id: int, kind: str) -> Followup:
    """The latest follow-up of `kind` for this member."""
    with sandbox.bot.sessions.begin() as session:
        row = session.scalars(
            select(Followup)
            .where(Followup.recipient_id == recipient_id, Followup.kind == kind)
            .order_by(Followup.due_at.desc(), Followup.id.desc())
        ).first()
        assert row is not None, f"no {kind} follow-up for member {recipient_id}"
        session.expunge(row)
        return row


def count_in_state(sandbox: Sandbox, state: FollowupState) -> int:
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(func.count()).where(Followup.state == state)) or 0


def mentorship(sandbox: Sandbox, mentorship_id: int) -> Mentorship:
    with sandbox.bot.sessions.begin() as session:
        row = session.get(Mentorship, mentorship_id)
        assert row is not None
        session.expunge(row)
        return row


def posted_followup_ids(sandbox: Sandbox) -> list[str]:
    """The follow-up id of every chat.postMessage that Slack accepted (from the first button's value)."""
    found = []
    for call in sandbox.slack.calls_to("chat.postMessage"):
        if not call.ok:
            continue
        values = [
            element.get("value")
            for block in call.params.get("blocks") or []
            if block.get("type") == "actions"
            for element in block["elements"]
            if element.get("value")
        ]
        found.append(values[0] if values else "")
    return found


def latest(sandbox: Sandbox, user_id: str, shown: Message) -> Message:
    """The message `shown` as `user_id` sees it now, after any update."""
    return next(message for message in sandbox.slack.messages_to(user_id) if message.ts == shown.ts)


def last_with(sandbox: Sandbox, user_id: str, action_id: str) -> Message:
    """The last message to `user_id` that carries a button `action_id`."""
    for message in reversed(sandbox.slack.messages_to(user_id)):
        if any(
            element.get("action_id") == action_id
            for block in message.blocks
            if block.get("type") == "actions"
            for element in block["elements"]
        ):
            return message
    raise AssertionError(f"no message to {user_id} with a {action_id} button")
