"""`mentorbot demo`: a whole mentoring programme, played on one machine in well under a minute.

This is `mentorbot serve`'s HTTP stack in-process: the same WSGI app on the same waitress server (on a
free local port), the same Bolt app and database code, with its Web API pointed at the Slack stand-in the
test suite uses (`bot.sandbox`). Simulated people act only through signed HTTP requests, as Slack would
send them: `/mentor`, clicks, modal submissions. Time is a `ManualClock` moved a working day at a time;
at each step the dispatcher pass runs as `mentorbot dispatch --now <that time>` would.

Any error the bot logs, and any Block Kit the stand-in had to refuse, fails the demo: it is also a smoke
test, run in CI.
"""

from __future__ import annotations

import json
import logging
import random
import re
import shutil
import tempfile
import textwrap
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot import ids
from bot.clock import ManualClock
from bot.demo import policy
from bot.demo.people import SLACK_LOCALES, Cast, DemoPerson, cast_people
from bot.demo.progress import Progress
from bot.demo.render import render_blocks
from bot.demo.transcript import Journal, render_journey
from bot.dispatch import run_dispatch_pass
from bot.i18n import t
from bot.messages import requests as request_modal
from bot.messages.offers import DECLINE_REASON_INPUT
from bot.messages.volunteering import CHARTER_ACCEPTED
from bot.roster import verify_roster_alumnus
from bot.sandbox import Sandbox, start_sandbox
from bot.slack_double.web_api import Message, UploadedFile
from storage.db import create_database_engine
from storage.migrate import upgrade_to_latest
from storage.queries.demo import DemoFigures, demo_figures, member_count, pair_of_followup, pairs
from storage.queries.members import get_or_create_member

TEAM_ID = "T0001"
SCHOOL_ZONE = ZoneInfo("Europe/Paris")
FIRST_DAY = datetime(2026, 9, 7).date()  # a Monday: the programme opens at the start of the school year
MORNING, AFTERNOON, LAST_ACTION = time(10, 0), time(16, 0), time(17, 30)
DAYS_PER_MONTH = 30.44
REQUEST_DAYS = 21  # students ask during the first three weeks
VOLUNTEER_RATE = 0.25  # about one alumnus in four volunteers (the seed's figure)
REQUEST_RATE = 0.8  # the others get the four-weekly reminder
FIRST_DIRECTORY_DAY = 3  # the followed student browses once the first volunteers are listed
BOOKING_HORIZON = 7  # a first meeting is proposed within the next seven working days
MENTION = re.compile(r"<@([A-Z0-9]+)>")
BOT_LOGGERS = ("mentorbot", "bot", "handlers", "storage", "slack_bolt")
QUIET_LOGGERS = (*BOT_LOGGERS, "waitress", "alembic", "slack_sdk")
# Where the language of the person running the demo is read, first set first (as gettext reads them).
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 1
    alumni: int = 40
    students: int = 30
    months: int = 6
    lang: str = "en"
    database_url: str | None = None
    transcript: str | None = None
    keep: bool = False
    out: str | None = None  # the folder for the files sent to the admin; None: a new one here


def language_of(environ: Mapping[str, str]) -> str:
    """The demo's language, from the locale of whoever runs it: French for `fr…`, English otherwise."""
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def default_out_folder(now: datetime, cwd: Path) -> Path:
    """A folder name not taken yet under `cwd`: `mentorbot-demo-20260907-101500`, then `-2`, `-3`…"""
    stem = f"mentorbot-demo-{now:%Y%m%d-%H%M%S}"
    folder, number = cwd / stem, 1
    while folder.exists():
        number += 1
        folder = cwd / f"{stem}-{number}"
    return folder


def out_folder_problem(folder: Path) -> str | None:
    """Why the demo may not write into `folder`: it only ever writes into a new or empty folder."""
    if not folder.exists():
        return None
    if not folder.is_dir():
        return f"{folder} exists and is not a folder"
    if any(folder.iterdir()):
        return f"{folder} is not empty: give a new folder to --out"
    return None


def write_admin_files(folder: Path, files: list[UploadedFile]) -> list[Path]:
    """The files the stand-in received for the admin's DM, written under their own names, never over
    another file (a file uploaded twice under one name: the last one)."""
    folder.mkdir(parents=True, exist_ok=True)
    latest = {Path(file.filename).name: file for file in files}
    written = []
    for name, file in latest.items():
        path = folder / name
        with open(path, "xb") as target:
            target.write(file.content)
        written.append(path)
    return written


def format_summary(figures: DemoFigures) -> str:
    """The demo's last line, one `name=value` per figure, for people and for CI greps alike."""
    rating = "n/a" if figures.average_rating is None else f"{figures.average_rating:.2f}"
    return (
        f"requests={figures.requests} matches={figures.matches} first_contacts={figures.first_contacts} "
        f"meetings={figures.meetings} average_rating={rating}"
    )


def school_time(day: int, at: time) -> datetime:
    """`at` o'clock in the school's time zone, `day` days after the programme opened, in UTC."""
    return datetime.combine(FIRST_DAY + timedelta(days=day), at, tzinfo=SCHOOL_ZONE).astimezone(UTC)


def working_days(months: int) -> list[int]:
    """The days (counted from the opening) the demo steps through: weekdays only, as quiet hours do."""
    days = round(months * DAYS_PER_MONTH)
    return [day for day in range(days) if (FIRST_DAY + timedelta(days=day)).weekday() < 5]


class ErrorRecorder(logging.Handler):
    """Keeps every ERROR the bot logs during the demo."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        self.errors.append(text)


@contextmanager
def recording_errors() -> Iterator[ErrorRecorder]:
    """Record the bot's errors and keep its INFO lines (one per HTTP request) off the console."""
    recorder = ErrorRecorder()
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.level, logging.WARNING))
    for name in BOT_LOGGERS:
        logging.getLogger(name).addHandler(recorder)
    try:
        yield recorder
    finally:
        for name in BOT_LOGGERS:
            logging.getLogger(name).removeHandler(recorder)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def run_demo(options: DemoOptions, out: TextIO, err: TextIO) -> int:
    """Play the programme; print the summary, the admin's report and two journeys; write the files the
    admin received to `options.out`; 0 if all went well."""
    out_folder = Path(options.out) if options.out else default_out_folder(datetime.now(), Path.cwd())
    if (problem := out_folder_problem(out_folder)) is not None:
        print(f"mentorbot demo: {problem}", file=err)
        return 2
    folder = None if options.database_url else tempfile.mkdtemp(prefix="mentorbot-demo-")
    url = options.database_url or f"sqlite:///{folder}/mentorbot-demo.db"
    try:
        with recording_errors() as recorder:
            engine = create_database_engine(url)
            upgrade_to_latest(engine)
            clock = ManualClock(school_time(0, MORNING))
            sandbox = start_sandbox(
                url, clock, admins=frozenset({"UADMIN"}), default_locale=options.lang, engine=engine
            )
            try:
                with sandbox.bot.sessions.begin() as session:
                    if member_count(session, TEAM_ID):
                        print(f"mentorbot demo: {url} already holds a workspace: use an empty one", file=err)
                        return 2
                demo = Demo(sandbox, clock, options, Progress(err, 1))
                try:
                    demo.play()
                except Exception:
                    recorder.errors.append("the demo itself failed:\n" + traceback.format_exc().rstrip())
                demo.progress.finish()
                with sandbox.bot.sessions.begin() as session:
                    figures = demo_figures(session, TEAM_ID)
                    matched = pairs(session, TEAM_ID)
                problems = recorder.errors + [
                    f"Slack refused Block Kit: {problem}" for problem in sandbox.slack.block_kit_errors
                ]
            finally:
                sandbox.stop()
        out.write(format_summary(figures) + "\n")
        out.write("\n".join([*demo.admin_report(), *demo.journeys(matched)]) + "\n")
        out.flush()
        admin_files = [f for f in sandbox.slack.uploaded_files if f.channel_id == demo.admin_channel]
        written = write_admin_files(out_folder, admin_files)
        if options.transcript:
            with open(options.transcript, "w", encoding="utf-8") as file:
                file.write("\n".join(demo.everyone_transcript()) + "\n")
            print(t(options.lang, "demo.transcript_written", path=options.transcript), file=err)
        if folder and options.keep:
            print(t(options.lang, "demo.database_kept", url=url), file=err)
        names = ", ".join(path.name for path in written) or "—"
        print(t(options.lang, "demo.files_written", path=out_folder, names=names), file=err)
        if problems:
            print(f"mentorbot demo: {len(problems)} error(s) during the demo:", file=err)
            for problem in problems:
                print(problem, file=err)
            return 1
        return 0
    finally:
        if folder and not options.keep:
            shutil.rmtree(folder, ignore_errors=True)


class Demo:
    """The people of one school living through the first months of its mentoring programme."""

    def __init__(
        self, sandbox: Sandbox, clock: ManualClock, options: DemoOptions, progress: Progress
    ) -> None:
        self.sandbox = sandbox
        self.slack = sandbox.slack
        self.clock = clock
        self.options = options
        self.locale = options.lang
        self.rng = random.Random(options.seed)
        self.cast: Cast = cast_people(self.rng, options.alumni, options.students, options.lang)
        self.people: dict[str, DemoPerson] = self.cast.by_id()
        self.journal = Journal(options.lang, self._name_of)
        self.progress = progress
        self.days = working_days(options.months)
        self.progress.total = len(self.days)
        self.day = 0
        self.agenda: dict[int, list[Callable[[], None]]] = {}
        self.now_queue: deque[Callable[[], None]] = deque()
        self.fates: dict[int, policy.Fate] = {}
        self._seen: dict[tuple[str, str, str], str] = {}
        self._calls_read = 0
        self.requests_made = 0
        self.matches = 0
        self.approval: list[str] = []  # the admin's approval of the one alumnus the roster missed
        # The student whose journey is printed: they ask a mentor from the directory and book a meeting.
        self.followed: DemoPerson | None = None
        self.followed_pairs: set[int] = set()
        self.asked_by_name: dict[str, str] = {}  # student -> the mentor they asked from the directory
        self._files_read = 0

    # ------------------------------------------------------------------------------------------------
    # The story

    def play(self) -> None:
        for person in self.cast.everyone:
            self.slack.add_user(
                person.user_id,
                name=person.handle,
                real_name=person.name,
                locale=SLACK_LOCALES[person.locale],
                tz=person.tz,
                tz_offset=person.tz_offset,
            )
        for person in (*self.cast.alumni, *self.cast.students):
            self.now_queue.append(lambda p=person: self.choose_role(p))
        volunteers = self.rng.sample(self.cast.alumni, max(1, round(len(self.cast.alumni) * VOLUNTEER_RATE)))
        self.verify_from_roster(missing=volunteers[0])
        for alumnus in volunteers:
            self._plan(self.rng.randrange(3), lambda a=alumnus: self.volunteer(a))
        for student in self.cast.students:
            if self.rng.random() < REQUEST_RATE:
                day = 1 + self.rng.randrange(REQUEST_DAYS - 1)
                if self.followed is None:
                    self.followed = student
                    day = max(day, FIRST_DIRECTORY_DAY)
                if student is self.followed or policy.uses_the_directory(self.rng):
                    self._plan(day, lambda s=student: self.ask_from_directory(s))
                else:
                    self._plan(day, lambda s=student: self.request(s))
        for step, day in enumerate(self.days):
            self.step(day)
            self.progress.show(step + 1, self._caption(day), stage=str(int(day // DAYS_PER_MONTH)))
        self.admin_reads_the_report()

    def verify_from_roster(self, missing: DemoPerson) -> None:
        """The school's roster verifies its alumni, as `mentorbot import` does, all but `missing`: when
        they volunteer, the admin is asked and approves them."""
        with self.sandbox.bot.sessions.begin() as session:
            for alumnus in self.cast.alumni:
                if alumnus is not missing:
                    member = get_or_create_member(session, TEAM_ID, alumnus.user_id)
                    verify_roster_alumnus(session, TEAM_ID, member, self.clock.now())

    def approve_alumnus(self, user_id: str, key: tuple[str, str]) -> None:
        """The admin approves the alumnus the roster missed; the demo prints what they saw."""
        message = next((m for m in self.slack.messages_to(user_id) if (m.channel, m.ts) == key), None)
        if message is None or not self.click_latest(user_id, key, ids.VERIFY_ALUMNUS_APPROVE):
            return
        label = _label_of(message.blocks, ids.VERIFY_ALUMNUS_APPROVE)
        self.approval = [
            *render_blocks(message.blocks, self._name_of),
            t(self.locale, "demo.clicked", label=label),
        ]
        answers = self.slack.messages_to(user_id)
        after = next((m for m in answers if (m.channel, m.ts) == key), None)
        latest = answers[-1] if answers else None
        answer = after if after is not None and after.blocks != message.blocks else latest
        if answer is not None and answer is not message:
            self.approval += render_blocks(answer.blocks, self._name_of)

    def admin_reads_the_report(self) -> None:
        """The admin asks for the figures since the start, then exports the CSV files to their DM."""
        self.type(self.cast.admin, "all", command=ids.STATS_COMMAND)
        report = self._last_with(self.cast.admin.user_id, ids.EXPORT_STATS_CSV)
        if report is not None:
            self.click(self.cast.admin.user_id, report, ids.EXPORT_STATS_CSV)

    def step(self, day: int) -> None:
        """One working day: the morning's dispatcher pass, people acting on what they got, and an
        afternoon pass when quiet hours held messages for people further west."""
        self.day = day
        self.clock.set(max(self.clock.now(), school_time(day, MORNING)))
        held = self.dispatch()
        for planned_day in sorted(planned for planned in self.agenda if planned <= day):
            self.now_queue.extend(self.agenda.pop(planned_day))
        self.drain()
        if held:
            self.clock.set(max(self.clock.now(), school_time(day, AFTERNOON)))
            self.dispatch()
            self.drain()

    def dispatch(self) -> bool:
        report = run_dispatch_pass(self.sandbox.bot)
        self.observe()
        return bool(report.held)

    def drain(self) -> None:
        while self.now_queue:
            self._tick()
            self.now_queue.popleft()()

    def _plan(self, day: int, action: Callable[[], None]) -> None:
        if day <= self.day and self.days:
            self.now_queue.append(action)
        else:
            self.agenda.setdefault(day, []).append(action)

    def _tick(self) -> None:
        """A few minutes pass between two people's actions, within the working day."""
        later = self.clock.now() + timedelta(minutes=self.rng.randint(1, 4))
        if later <= school_time(self.day, LAST_ACTION):
            self.clock.set(later)

    def _caption(self, day: int) -> str:
        return t(
            self.locale,
            "demo.progress",
            day=day + 1,
            days=round(self.options.months * DAYS_PER_MONTH),
            requests=self.requests_made,
            matches=len(self.fates),
        )

    # ------------------------------------------------------------------------------------------------
    # What people do

    def choose_role(self, person: DemoPerson) -> None:
        self.type(person, "")
        question = self._last_with(person.user_id, ids.CHOOSE_ROLE_STUDENT)
        if question is not None:
            role = ids.CHOOSE_ROLE_ALUMNUS if person.role == "alumnus" else ids.CHOOSE_ROLE_STUDENT
            self.click(person.user_id, question, role)

    def volunteer(self, alumnus: DemoPerson) -> None:
        self.type(alumnus, "volunteer")
        other = "en" if self.locale == "fr" else "fr"
        languages = [self.locale, other] if self.rng.random() < 0.4 else [self.locale]
        industry = self.rng.choice(policy.INDUSTRIES)
        job_title = self.rng.choice(policy.JOB_TITLES[self.locale])
        values = {
            ids.VOLUNTEER_TOPICS: policy.weighted(self.rng, policy.TOPIC_WEIGHTS, self.rng.randint(2, 3)),
            ids.VOLUNTEER_LANGUAGES: languages,
            ids.VOLUNTEER_CAPACITY: policy.weighted(self.rng, policy.CAPACITY_WEIGHTS, 1)[0],
            ids.VOLUNTEER_GRADUATION_YEAR: str(self.rng.randint(1995, 2020)),
            ids.VOLUNTEER_INDUSTRY: industry,
            ids.VOLUNTEER_JOB_TITLE: job_title,
            ids.VOLUNTEER_CHARTER: [CHARTER_ACCEPTED],
        }
        self.submit(alumnus.user_id, ids.VOLUNTEER_VIEW, values, typed=[job_title, industry])

    def request(self, student: DemoPerson) -> None:
        self.type(student, "request")
        message = self.rng.choice(policy.REQUEST_MESSAGES[self.locale])
        values = {
            request_modal.TOPICS_INPUT: policy.weighted(
                self.rng, policy.TOPIC_WEIGHTS, self.rng.randint(1, 2)
            ),
            request_modal.MESSAGE_INPUT: message,
            request_modal.LANGUAGE_INPUT: self.locale,
            request_modal.CHARTER_INPUT: [request_modal.CHARTER_ACCEPTED],
        }
        if self.submit(student.user_id, ids.REQUEST_VIEW, values, typed=[message]):
            self.requests_made += 1

    def ask_from_directory(self, student: DemoPerson) -> None:
        """Browse the mentor directory, ask one of the first mentors listed from their card, and send the
        request modal pushed over it (the mentor already chosen); an empty directory: a plain request."""
        self.type(student, "mentors")
        directory = self._open_view(student.user_id, ids.DIRECTORY_VIEW)
        cards = _cards(directory["blocks"]) if directory else []
        if directory is None or not cards:
            if directory is not None:
                self.close(student.user_id, ids.DIRECTORY_VIEW)
            self.request(student)
            return
        self.journal.looked(student.user_id, self.clock.now(), directory)
        card = self.rng.choice(cards[:3])  # best match first: one of the first few
        ask = card["accessory"]
        self.journal.clicked(student.user_id, self.clock.now(), ask["text"]["text"])
        self.sandbox.click(student.user_id, directory, ids.DIRECTORY_ASK, value=ask["value"])
        self.observe(student.user_id)
        if (named := MENTION.search(card["text"]["text"])) is not None:
            self.asked_by_name[student.user_id] = named.group(1)
        message = self.rng.choice(policy.REQUEST_MESSAGES[self.locale])
        values = {
            request_modal.TOPICS_INPUT: policy.weighted(
                self.rng, policy.TOPIC_WEIGHTS, self.rng.randint(1, 2)
            ),
            request_modal.MESSAGE_INPUT: message,
            request_modal.LANGUAGE_INPUT: self.locale,
            request_modal.CHARTER_INPUT: [request_modal.CHARTER_ACCEPTED],
        }
        if self.submit(student.user_id, ids.REQUEST_VIEW, values, typed=[message]):
            self.requests_made += 1
        for view in reversed(self.slack.open_views_of(student.user_id)):  # the directory, left below
            self.sandbox.driver.close_view(student.user_id, view)
        self.sandbox.settle()

    def propose_times(self, user_id: str, key: tuple[str, str]) -> None:
        """From the match DM's "Propose times": three times over the next working days, by video."""
        if not self.click_latest(user_id, key, ids.BOOKING_PROPOSE):
            return
        ahead = [day for day in self.days if self.day < day <= self.day + BOOKING_HORIZON]
        times = [school_time(day, time(hour)) for day, hour in policy.meeting_times(self.rng, ahead)]
        zone = ZoneInfo(self.people[user_id].tz)
        typed = [", ".join(f"{when.astimezone(zone):%Y-%m-%d %H:%M}" for when in times)]
        slots = (ids.BOOKING_SLOT_1, ids.BOOKING_SLOT_2, ids.BOOKING_SLOT_3)
        values: dict[str, object] = {ids.BOOKING_MODE: "video", **dict(zip(slots, times, strict=False))}
        self.submit(user_id, ids.BOOKING_VIEW, values, typed=typed)

    def pick_time(self, user_id: str, key: tuple[str, str], picks: list[str]) -> None:
        self.click_latest(user_id, key, self.rng.choice(picks))

    def answer_offer(self, user_id: str, key: tuple[str, str], action_id: str) -> None:
        if not self.click_latest(user_id, key, action_id) or action_id != ids.DECLINE_OFFER:
            return
        reason = self.rng.choice(policy.DECLINE_REASONS[self.locale])
        self.submit(
            user_id, ids.DECLINE_VIEW, {DECLINE_REASON_INPUT: reason} if reason else {}, typed=[reason]
        )

    def answer_followup(self, user_id: str, key: tuple[str, str], action_id: str) -> None:
        if not self.click_latest(user_id, key, action_id):
            return
        if action_id.startswith("followup_rate_"):
            if policy.writes_a_comment(self.rng):
                comment = self.rng.choice(policy.COMMENTS[self.locale])
                self.submit(
                    user_id, ids.FOLLOWUP_COMMENT_VIEW, {ids.FOLLOWUP_COMMENT_INPUT: comment}, [comment]
                )
            else:
                self.close(user_id, ids.FOLLOWUP_COMMENT_VIEW)
        elif action_id == ids.FOLLOWUP_END:
            reason = policy.END_REASONS[self.locale]
            ended = self.submit(
                user_id, ids.FOLLOWUP_END_VIEW, {ids.FOLLOWUP_END_REASON_INPUT: reason}, [reason]
            )
            if ended and self.people[user_id].role == "student":
                self._plan(self.day + 3, lambda: self.request(self.people[user_id]))

    # ------------------------------------------------------------------------------------------------
    # Slack, as a person uses it

    def type(self, person: DemoPerson, text: str, command: str = ids.MENTOR_COMMAND) -> None:
        self.journal.typed(person.user_id, self.clock.now(), f"{command} {text}".strip())
        self.sandbox.command(person.user_id, text, command=command)
        self.observe(person.user_id)

    def click(self, user_id: str, message: Message, action_id: str) -> None:
        self.journal.clicked(user_id, self.clock.now(), _label_of(message.blocks, action_id))
        self.sandbox.click(user_id, message, action_id)
        self.observe(user_id)

    def click_latest(self, user_id: str, key: tuple[str, str], action_id: str) -> bool:
        """Press `action_id` in the message `key` as it is now: not if an update took the button away."""
        message = next((m for m in self.slack.messages_to(user_id) if (m.channel, m.ts) == key), None)
        if message is None or action_id not in _action_ids(message.blocks):
            return False
        self.click(user_id, message, action_id)
        return True

    def submit(self, user_id: str, callback_id: str, values: dict[str, object], typed: list[str]) -> bool:
        view = self._open_view(user_id, callback_id)
        if view is None:
            return False
        self.journal.modal(user_id, self.clock.now(), view, typed, submitted=True)
        self.sandbox.submit(user_id, view, values)
        self.observe(user_id)
        return True

    def close(self, user_id: str, callback_id: str) -> None:
        view = self._open_view(user_id, callback_id)
        if view is not None:
            self.journal.modal(user_id, self.clock.now(), view, [], submitted=False)
            self.sandbox.driver.close_view(user_id, view)
            self.sandbox.settle()

    def _open_view(self, user_id: str, callback_id: str) -> dict | None:
        views = self.slack.open_views_of(user_id)
        return views[-1] if views and views[-1].get("callback_id") == callback_id else None

    def _last_with(self, user_id: str, action_id: str) -> Message | None:
        messages = self.slack.messages_to(user_id)
        return next((m for m in reversed(messages) if action_id in _action_ids(m.blocks)), None)

    # ------------------------------------------------------------------------------------------------
    # Seeing what arrived, and deciding what to do about it

    def observe(self, *also: str) -> None:
        """Journal what changed for the people the bot just wrote to (found in the stand-in's record of
        Web API calls), and let them react to new messages."""
        calls = self.slack.calls[self._calls_read :]
        self._calls_read += len(calls)
        touched = set(also)
        for call in calls:
            if call.method == "chat.postEphemeral":
                touched.add(str(call.params.get("user", "")))
            elif call.method in ("chat.postMessage", "chat.update"):
                channel = str(call.response.get("channel") or call.params.get("channel") or "")
                if channel[:1] in ("D", "U"):
                    touched.add("U" + channel[1:])
        files = self.slack.uploaded_files[self._files_read :]
        self._files_read += len(files)
        for user_id in sorted(touched & self.people.keys()):
            for message in self.slack.messages_to(user_id):
                self._look_at(user_id, message)
        for file in files:  # after the message it came with: an invitation, in a DM
            user_id = "U" + (file.channel_id or "")[1:]
            if (file.channel_id or "")[:1] == "D" and user_id in self.people:
                self.journal.file(user_id, self.clock.now(), file.filename)

    def _look_at(self, user_id: str, message: Message) -> None:
        key = (user_id, message.channel, message.ts)
        shown = json.dumps([message.text, message.blocks], sort_keys=True)
        before = self._seen.get(key)
        if before == shown:
            return
        self._seen[key] = shown
        self.journal.message(user_id, key, self.clock.now(), message.text, message.blocks)
        if before is None:
            self._react(user_id, message)

    def _react(self, user_id: str, message: Message) -> None:
        buttons = _action_ids(message.blocks)
        where = (message.channel, message.ts)
        if ids.VERIFY_ALUMNUS_APPROVE in buttons:
            self._plan(self.day, lambda: self.approve_alumnus(user_id, where))
            return
        if ids.ACCEPT_OFFER in buttons:
            asked = [s for s, mentor in self.asked_by_name.items() if mentor == user_id]
            by_name = any(f"<@{student}>" in json.dumps(message.blocks) for student in asked)
            pause = policy.offer_answer(self.rng, asked_by_name=by_name)
            if pause is not None:
                action = pause.action_id
                self._plan(self.day + pause.days, lambda: self.answer_offer(user_id, where, action))
            return
        if ids.FIRST_CONTACT_DONE in buttons:
            mentorship_id = int(_value_of(message.blocks, ids.FIRST_CONTACT_DONE) or 0)
            if mentorship_id not in self.fates:  # the match DM
                if self.followed is not None and user_id == self.followed.user_id:
                    self.followed_pairs.add(mentorship_id)
                    fate = self.fates[mentorship_id] = policy.Fate.ENGAGED
                else:
                    others = [f for m, f in self.fates.items() if m not in self.followed_pairs]
                    fate = self.fates[mentorship_id] = policy.fate_of_new_pair(self.rng, others)
                contact = policy.first_contact(self.rng, fate)
                if contact is not None:
                    self._plan(
                        self.day + contact.days,
                        lambda: self.answer_followup(user_id, where, ids.FIRST_CONTACT_DONE),
                    )
                    if mentorship_id in self.followed_pairs and ids.BOOKING_PROPOSE in buttons:
                        self._plan(self.day + contact.days, lambda: self.propose_times(user_id, where))
                return
        picks = [b for b in buttons if b in (ids.BOOKING_PICK_1, ids.BOOKING_PICK_2, ids.BOOKING_PICK_3)]
        if picks:  # times proposed for a meeting: the other of the pair picks one, the same day
            self._plan(self.day, lambda: self.pick_time(user_id, where, picks))
            return
        followup_buttons = [b for b in buttons if b.startswith("followup_") or b == ids.FIRST_CONTACT_DONE]
        if not followup_buttons:
            return
        fate, is_mentor, contacted = self._pair_seen_by(message.blocks, followup_buttons[0])
        choice = policy.followup_answer(self.rng, buttons, fate, is_mentor=is_mentor, contacted=contacted)
        if choice is not None:
            self._plan(self.day, lambda: self.answer_followup(user_id, where, choice))

    def _pair_seen_by(self, blocks: list[dict], action_id: str) -> tuple[policy.Fate, bool, bool]:
        value = _value_of(blocks, action_id) or ""
        if action_id == ids.FIRST_CONTACT_DONE:  # the reminder carries the mentorship's id
            return self.fates.get(int(value or 0), policy.Fate.ENGAGED), False, False
        if not value.isdecimal():
            return policy.Fate.ENGAGED, False, False
        with self.sandbox.bot.sessions.begin() as session:
            pair = pair_of_followup(session, int(value))
        if pair is None:
            return policy.Fate.ENGAGED, False, False
        fate = self.fates.get(pair.mentorship_id, policy.Fate.ENGAGED)
        return fate, pair.recipient_is_mentor, pair.contacted

    # ------------------------------------------------------------------------------------------------
    # What the demo prints

    def _name_of(self, user_id: str) -> str:
        person = self.people.get(user_id)
        return person.name if person else "mentorbot" if user_id == self.slack.bot_user_id else user_id

    @property
    def admin_channel(self) -> str:
        """The admin's DM with the bot, where the chart and the exports are uploaded."""
        return "D" + self.cast.admin.user_id[1:]

    def admin_report(self) -> list[str]:
        """What the admin saw: the report, their click on Export CSV and its answer, the files sent."""
        admin = self.cast.admin
        title = t(self.locale, "demo.admin_report", name=admin.name, command=f"{ids.STATS_COMMAND} all")
        lines = ["", f"━━ {title} ".ljust(78, "━"), ""]
        if self.approval:
            lines += [t(self.locale, "demo.admin_approval", name=admin.name), *self.approval, ""]
        answers = [m for m in self.slack.messages_to(admin.user_id) if m.ephemeral]
        reports = [m for m in answers if ids.EXPORT_STATS_CSV in _action_ids(m.blocks)]
        if reports:
            lines += render_blocks(reports[-1].blocks, self._name_of)
            label = _label_of(reports[-1].blocks, ids.EXPORT_STATS_CSV)
            later = answers[answers.index(reports[-1]) + 1 :]
            if later:
                lines.append(t(self.locale, "demo.clicked", label=label))
                lines += render_blocks(later[-1].blocks, self._name_of)
        sent = [f.filename for f in self.slack.uploaded_files if f.channel_id == self.admin_channel]
        if sent:
            lines += textwrap.wrap(t(self.locale, "demo.files_sent", names=", ".join(sent)), 78)
        return lines

    def journeys(self, matched: list[tuple[str, str]]) -> list[str]:
        """The journeys of the followed student and their mentor (else of the pair that went through the
        most): the student's, then the mentor's."""
        followed = [pair for pair in matched if self.followed and pair[0] == self.followed.user_id]
        if not (followed or matched):
            return ["", t(self.locale, "demo.no_pair"), ""]
        student, mentor = max(
            followed or matched,
            key=lambda pair: self.journal.steps_of(pair[0]) + self.journal.steps_of(pair[1]),
        )
        return [
            *self._journey(student, "demo.journey_student"),
            *self._journey(mentor, "demo.journey_mentor"),
            "",
        ]

    def _journey(self, user_id: str, title_key: str) -> list[str]:
        person = self.people[user_id]
        return render_journey(self.journal, user_id, t(self.locale, title_key, name=person.name), person.tz)

    def everyone_transcript(self) -> list[str]:
        lines: list[str] = []
        for person in self.cast.everyone:
            title = f"{person.name} · {t(self.locale, 'demo.role_' + person.role)} · {person.user_id}"
            lines += render_journey(self.journal, person.user_id, title, person.tz)
        return lines


def _elements(blocks: list[dict]) -> Iterator[dict]:
    for block in blocks:
        if block.get("type") == "actions":
            yield from block.get("elements", [])
        elif isinstance(block.get("accessory"), dict):
            yield block["accessory"]


def _action_ids(blocks: list[dict]) -> list[str]:
    return [element["action_id"] for element in _elements(blocks) if "action_id" in element]


def _cards(blocks: list[dict]) -> list[dict]:
    """The directory's mentor cards: the sections whose button asks that mentor."""
    return [
        block
        for block in blocks
        if block.get("type") == "section" and ids.DIRECTORY_ASK in _action_ids([block])
    ]


def _label_of(blocks: list[dict], action_id: str) -> str:
    for element in _elements(blocks):
        if element.get("action_id") == action_id:
            return element.get("text", {}).get("text", action_id)
    return action_id


def _value_of(blocks: list[dict], action_id: str) -> str | None:
    return next((e.get("value") for e in _elements(blocks) if e.get("action_id") == action_id), None)
