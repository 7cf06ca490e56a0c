"""Nothing Slack was told we got is lost: real `mentorbot` processes killed with SIGKILL while their work
hangs on a Slack that does not answer, restarted on the same database; stopped with SIGTERM with work in
flight. Each request, match and DM is found exactly once afterwards, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot import ids
from bot.slack_double import SlackDriver, SlackStandIn
from storage.db import create_database_engine
from storage.models import WORK_KINDS, Followup, MentoringRequest, Mentorship
from tests.factories import action_ids, make_mentor, make_student
from tests.processes import BotProcess, bot_env, free_port, run_dispatch, wait_until

SECRET = "kill-test-secret"
TEAM = "T0001"
REQUEST = {"topics": ["careers"], "message": "Any advice on a first job?", "charter": ["accepted"]}
# Past the lease of a process that died (`bot.work.WORK_LEASE`): what a later pass would see.
LEASES_RUN_OUT = timedelta(minutes=2)


class Programme:
    """A school's workspace: the stand-in for Slack, the database, and the processes serving it."""

    def __init__(self, database_url: str, folder: Path, slack: SlackStandIn) -> None:
        self.slack, self.folder = slack, folder
        self.engine: Engine = create_database_engine(database_url)
        self.env = bot_env(database_url, slack.url, SECRET, MENTORBOT_STOP_TIMEOUT_SECONDS="3")
        self.processes: list[BotProcess] = []
        self.driver: SlackDriver | None = None

    def start(self, *args: str) -> BotProcess:
        """`serve` (healthy, and the driver pointed at it) or `worker` (started)."""
        if args[0] == "serve":
            process = BotProcess(args, self.env, self.folder, free_port()).wait_healthy()
            assert process.url is not None
            self.driver = SlackDriver(process.url + "/slack/events", SECRET, self.slack)
        else:
            process = BotProcess(args, self.env, self.folder, None).wait_logged("started")
        self.processes.append(process)
        return process

    def people(self, students: int = 1, mentors: int = 1) -> None:
        with Session(self.engine) as session, session.begin():
            for number in range(students):
                self.slack.add_user(f"USTU{number}", locale="en-GB")
                make_student(session, TEAM, f"USTU{number}", locale="en")
            for number in range(mentors):
                self.slack.add_user(f"UMEN{number}", locale="en-GB")
                make_mentor(session, TEAM, f"UMEN{number}", locale="en", capacity=20)

    def request_form(self, student: str) -> dict:
        assert self.driver is not None
        opened = len(self.slack.calls_to("views.open"))
        assert self.driver.slash_command(student, text="request").status == 200
        wait_until(lambda: len(self.slack.calls_to("views.open")) > opened, "the request form")
        return self.slack.open_views_of(student)[-1]

    def submit(self, student: str, form: dict) -> None:
        assert self.driver is not None
        assert self.driver.submit_view(student, form, REQUEST).status == 200  # acknowledged

    def count(self, model: type) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(model))

    def work_left(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).where(Followup.kind.in_(WORK_KINDS)))

    def posts(self) -> Counter[tuple[str, str]]:
        """Every message Slack took, by channel and text: each must be there once."""
        return Counter(
            (call.params["channel"], call.params["text"])
            for call in self.slack.calls_to("chat.postMessage")
            if call.ok
        )

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
        self.engine.dispose()


@pytest.fixture
def programme(database_url: str, tmp_path: Path) -> Iterator[Programme]:
    with SlackStandIn() as slack:
        running = Programme(database_url, tmp_path, slack)
        try:
            yield running
        finally:
            running.stop()


def kill_while_slack_hangs(programme: Programme, process: BotProcess, method: str) -> None:
    """Wait until the process's work is stuck on `method`, kill -9 it; the held call never reaches Slack."""
    wait_until(lambda: programme.slack.held_calls > 0, f"the work to wait on {method}")
    process.kill()
    programme.slack.release(method, drop_held=True)


def exactly_once(programme: Programme, *, requests: int, mentorships: int = 0) -> None:
    assert programme.count(MentoringRequest) == requests
    assert programme.count(Mentorship) == mentorships
    posts = programme.posts()
    assert posts and max(posts.values()) == 1, [post for post, times in posts.items() if times > 1]
    assert programme.work_left() == 0


def test_a_request_acknowledged_then_killed_before_its_dms_is_carried_out_once_after_a_restart(
    programme: Programme,
) -> None:
    programme.people()
    serve = programme.start("serve")
    form = programme.request_form("USTU0")
    programme.slack.hold("chat.postMessage")

    programme.submit("USTU0", form)
    kill_while_slack_hangs(programme, serve, "chat.postMessage")
    assert programme.posts() == Counter()  # nothing reached Slack

    programme.start("serve")
    run_dispatch(programme.env, programme.folder, after=LEASES_RUN_OUT)

    exactly_once(programme, requests=1)
    assert {channel for channel, _ in programme.posts()} == {"USTU0", "UMEN0"}  # confirmation, offer


def test_an_accept_acknowledged_then_killed_before_its_work_makes_one_match_after_a_restart(
    programme: Programme,
) -> None:
    programme.people()
    serve = programme.start("serve")
    programme.submit("USTU0", programme.request_form("USTU0"))
    offer = wait_until(
        lambda: [m for m in programme.slack.messages_to("UMEN0") if ids.ACCEPT_OFFER in action_ids(m)],
        "the offer",
    )[-1]
    programme.slack.hold("users.info")  # the first thing the Accept's work asks Slack: who clicked
    assert programme.driver is not None

    assert programme.driver.click("UMEN0", offer, ids.ACCEPT_OFFER).status == 200
    kill_while_slack_hangs(programme, serve, "users.info")
    assert programme.count(Mentorship) == 0

    programme.start("serve")
    run_dispatch(programme.env, programme.folder, after=LEASES_RUN_OUT)

    exactly_once(programme, requests=1, mentorships=1)
    assert len(programme.slack.messages_to("USTU0")) == 2  # the confirmation, then the match


def test_with_ack_only_web_and_a_worker_killed_mid_work_another_worker_finishes_it_once(
    programme: Programme,
) -> None:
    programme.people()
    programme.start("serve", "--ack-only")
    worker = programme.start("worker")
    form = programme.request_form("USTU0")  # opened by the worker: the web process only acks
    programme.slack.hold("chat.postMessage")

    programme.submit("USTU0", form)
    kill_while_slack_hangs(programme, worker, "chat.postMessage")

    programme.start("worker")
    run_dispatch(programme.env, programme.folder, after=LEASES_RUN_OUT)

    exactly_once(programme, requests=1)
    assert {channel for channel, _ in programme.posts()} == {"USTU0", "UMEN0"}


def test_sigterm_with_ten_submissions_in_flight_carries_them_all_out_and_exits_0_in_time(
    programme: Programme,
) -> None:
    programme.people(students=10, mentors=2)
    serve = programme.start("serve")
    forms = {f"USTU{n}": programme.request_form(f"USTU{n}") for n in range(10)}
    programme.slack.set_delay("chat.postMessage", 0.2)  # a slow Slack: the work is still going on
    submitting = [threading.Thread(target=programme.submit, args=item) for item in forms.items()]
    for thread in submitting:
        thread.start()
    for thread in submitting:
        thread.join()

    started = time.monotonic()
    status = serve.terminate()

    assert status == 0, serve.log
    assert time.monotonic() - started < 3 + 5  # MENTORBOT_STOP_TIMEOUT_SECONDS, and exiting
    exactly_once(programme, requests=10)
    assert all(len(programme.slack.messages_to(student)) == 1 for student in forms)  # each confirmed


def test_sigterm_with_work_stuck_past_the_bound_hands_it_back_and_exits_0(programme: Programme) -> None:
    programme.people()
    serve = programme.start("serve")
    form = programme.request_form("USTU0")
    programme.slack.hold("chat.postMessage")
    programme.submit("USTU0", form)
    wait_until(lambda: programme.slack.held_calls > 0, "the work to wait on Slack")

    started = time.monotonic()
    status = serve.terminate()

    assert status == 0, serve.log
    assert time.monotonic() - started < 3 + 5
    assert "handed back" in serve.log
    programme.slack.release("chat.postMessage", drop_held=True)
    run_dispatch(programme.env, programme.folder)  # handed back: due now, no lease to wait out
    exactly_once(programme, requests=1)
