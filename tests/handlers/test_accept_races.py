"""Concurrent accepts over real HTTP: the database, not the arrival order, decides who wins.

Runs on both databases: PostgreSQL is where the row locks of the conditional UPDATEs are really
contended; on SQLite the same clicks queue on the write lock and must give the same outcome.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot import ids
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from bot.slack_double.web_api import Message
from storage.models import MentoringRequest, MentorProfile, Mentorship, RequestStatus
from tests.factories import action_ids, ask_for_mentor, mentor_in_sandbox, student_in_sandbox

THREADS = 8


def click_all_at_once(sandbox: Sandbox, clicks: list[tuple[str, Message]]) -> None:
    """Every (user, message) clicks Accept at the same moment, each from its own thread."""
    barrier = threading.Barrier(len(clicks))

    def click(user_id: str, offer: Message) -> int:
        barrier.wait()
        return sandbox.driver.click(user_id, offer, ids.ACCEPT_OFFER).status

    with ThreadPoolExecutor(max_workers=len(clicks)) as pool:
        statuses = list(pool.map(lambda pair: click(*pair), clicks))
    sandbox.settle()
    assert statuses == [200] * len(clicks)


def offer_dm_to(sandbox: Sandbox, user_id: str) -> Message:
    return next(m for m in reversed(sandbox.slack.messages_to(user_id)) if ids.ACCEPT_OFFER in action_ids(m))


def test_eight_mentors_accepting_the_same_request_at_once_make_exactly_one_match(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentors = [f"UM{n}" for n in range(THREADS)]
    for user_id in mentors:
        mentor_in_sandbox(sandbox, user_id, topics=["careers"])
    with sandbox.bot.sessions.begin() as session:
        programme_settings(session, sandbox.team_id).offers_per_request = THREADS
    ask_for_mentor(sandbox, "USTU")

    click_all_at_once(sandbox, [(user_id, offer_dm_to(sandbox, user_id)) for user_id in mentors])

    with sandbox.bot.sessions.begin() as session:
        [mentorship] = session.scalars(select(Mentorship)).all()
        assert session.scalar(select(func.sum(MentorProfile.active_mentee_count))) == 1
        assert session.scalar(select(MentoringRequest.status)) == RequestStatus.MATCHED
    winner = next(u for u in mentors if "Vous avez accepté" in str(sandbox.slack.messages_to(u)))
    losers = [u for u in mentors if u != winner]
    assert all("Un autre mentor" in str(sandbox.slack.messages_to(u)) for u in losers)
    assert sum("Vous avez un mentor" in m.text for m in sandbox.slack.messages_to("USTU")) == 1
    assert mentorship.mentor_id is not None


def test_a_mentor_with_one_place_accepting_two_requests_at_once_gets_exactly_one(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU1")
    student_in_sandbox(sandbox, "USTU2")
    mentor = mentor_in_sandbox(sandbox, "UONLY", topics=["careers"], capacity=1)
    ask_for_mentor(sandbox, "USTU1")
    ask_for_mentor(sandbox, "USTU2")
    offers = [m for m in sandbox.slack.messages_to("UONLY") if ids.ACCEPT_OFFER in action_ids(m)]
    assert len(offers) == 2

    click_all_at_once(sandbox, [("UONLY", offer) for offer in offers])

    with sandbox.bot.sessions.begin() as session:
        assert len(session.scalars(select(Mentorship)).all()) == 1
        assert session.get(MentorProfile, mentor).active_mentee_count == 1  # type: ignore[union-attr]
        statuses = sorted(session.scalars(select(MentoringRequest.status)))
        assert statuses == [RequestStatus.MATCHED, RequestStatus.OPEN]
