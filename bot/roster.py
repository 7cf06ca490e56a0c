"""`mentorbot import roster.csv`: bring a school's roster in, matched to Slack accounts by email.

Three steps, so that a bad file or a Slack failure writes nothing:

1. Parse and check the whole file (header `email,role,graduation_year,topics`, topics optional and
   `;`-separated). Every problem is reported as `roster.csv:LINE:COLUMN: message`, like a compiler would.
2. Look each email up with `users.lookupByEmail`, paced for its rate-limit tier (Tier 3, about 50 a minute;
   `--rate`). An email Slack does not know (`users_not_found`) is reported, not fatal.
3. One transaction: each matched member is created or updated (role, graduation year, email, topics);
   alumni are marked verified, so that they can mentor. Running the same file twice changes nothing the
   second time; role changes and verifications go to the settings audit trail.

Topics are checked against the programme's topic keys and stored on the member: a student's interests
before they ever ask, which the directory and the never-asked reminder lead with. An alumnus's mentoring
topics stay theirs to choose when they volunteer.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot import slack
from bot.context import BotContext
from bot.members import role_named
from bot.programme import programme_settings, topics_of
from storage.models import Member, Role, Verification
from storage.queries import settings as queries
from storage.queries.members import get_or_create_member, mark_alumnus_verified

logger = logging.getLogger(__name__)

COLUMNS = ("email", "role", "graduation_year", "topics")
REQUIRED_COLUMNS = ("email", "role", "graduation_year")
IMPORTED_BY = "roster-import"  # `changed_by` of the role changes this import records
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MIN_YEAR, MAX_YEAR = 1900, 2100


class RosterError(Exception):
    """The file cannot be imported; `problems` are `file:line:column: message` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str  # lowercased
    role: Role
    graduation_year: int | None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, same as line)


def parse_roster(file: TextIO, name: str, topic_keys: Sequence[str] | None = None) -> ParsedRoster:
    """Every row of the roster, or a `RosterError` listing every problem found in the file.

    A row repeating an earlier one exactly is skipped and reported; the same email with a different role
    or year is an error (which one is right is for the school to say).
    """
    problems: list[str] = []
    rows: list[RosterRow] = []
    duplicates: list[tuple[int, int]] = []
    seen: dict[str, RosterRow] = {}
    known_topics = set(topic_keys) if topic_keys is not None else None
    reader = csv.reader(file)

    def problem(line: int, column: int, message: str) -> None:
        problems.append(f"{name}:{line}:{column}: {message}")

    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if not header:
            raise RosterError([f"{name}:1:1: the file is empty; expected the header {','.join(COLUMNS)}"])
        for position, column in enumerate(header, start=1):
            if column not in COLUMNS:
                problem(1, position, f"unknown column {column!r}; expected {','.join(COLUMNS)}")
            elif header.index(column) != position - 1:
                problem(1, position, f"column {column!r} appears twice")
        for column in REQUIRED_COLUMNS:
            if column not in header:
                problem(1, len(header) + 1, f"missing column {column!r}")
        if problems:
            raise RosterError(problems)
        where = {column: header.index(column) for column in header}
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problem(
                    line, min(len(cells), len(header)) + 1, f"{len(cells)} fields, expected {len(header)}"
                )
                continue
            row = _parse_row(line, cells, where, known_topics, problem)
            if row is None:
                continue
            earlier = seen.get(row.email)
            if earlier is None:
                seen[row.email] = row
                rows.append(row)
            elif (earlier.role, earlier.graduation_year, earlier.topics) == (
                row.role,
                row.graduation_year,
                row.topics,
            ):
                duplicates.append((line, earlier.line))
            else:
                problem(line, where["email"] + 1, f"{row.email} is on line {earlier.line} with other values")
    except csv.Error as error:
        problem(reader.line_num, 1, f"not valid CSV: {error}")
    except UnicodeDecodeError:
        problem(reader.line_num + 1, 1, "not UTF-8 text; save the file as CSV UTF-8")
    if problems:
        raise RosterError(problems)
    return ParsedRoster(rows=rows, duplicates=duplicates)


def _parse_row(
    line: int,
    cells: list[str],
    where: dict[str, int],
    known_topics: set[str] | None,
    problem: Callable[[int, int, str], None],
) -> RosterRow | None:
    ok = True
    email = cells[where["email"]].strip().lower()
    if not _EMAIL.match(email):
        problem(line, where["email"] + 1, f"{email[:80]!r} is not an email address")
        ok = False
    role_word = cells[where["role"]].strip().lower()
    role = role_named(role_word)
    if role is None:
        problem(line, where["role"] + 1, f"role {role_word[:40]!r} is neither student nor alumnus")
        ok = False
    year_text = cells[where["graduation_year"]].strip()
    year = None
    if year_text:
        if not year_text.isdecimal() or not MIN_YEAR <= int(year_text) <= MAX_YEAR:
            problem(line, where["graduation_year"] + 1, f"graduation year {year_text[:20]!r} is not a year")
            ok = False
        else:
            year = int(year_text)
    topics: tuple[str, ...] = ()
    if "topics" in where:
        topics = tuple(key.strip() for key in cells[where["topics"]].split(";") if key.strip())
        unknown = [key for key in topics if known_topics is not None and key not in known_topics]
        if unknown:
            problem(line, where["topics"] + 1, f"unknown topic {unknown[0][:40]!r}")
            ok = False
    if not ok or role is None:
        return None
    return RosterRow(line=line, email=email, role=role, graduation_year=year, topics=topics)


# ------------------------------------------------------------------------------------------------------
# Looking people up


class Pacer:
    """At most `per_minute` calls a minute, evenly spaced: Slack's tiers count calls per minute."""

    def __init__(
        self,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute
        self._clock, self._sleep = clock, sleep
        self._next: float | None = None

    def wait(self) -> None:
        now = self._clock()
        if self._next is not None and now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


class LookupFailed(Exception):
    """Slack refused a lookup for a reason other than an unknown email: nothing is written."""


def look_up_emails(
    client: WebClient,
    emails: Sequence[str],
    pacer: Pacer,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> dict[str, str | None]:
    """Slack user id by email, None for an email Slack does not know."""
    found: dict[str, str | None] = {}
    for done, email in enumerate(emails, start=1):
        pacer.wait()
        try:
            found[email] = slack.user_id_of_email(client, email)
        except SlackApiError as error:
            code = error.response.get("error")
            if code != "users_not_found":
                raise LookupFailed(f"users.lookupByEmail failed: {code}") from error
            found[email] = None
        progress(done, len(emails))
    return found


# ------------------------------------------------------------------------------------------------------
# Writing


@dataclass
class ImportReport:
    rows: int = 0
    matched: int = 0
    changed: int = 0
    unmatched: list[RosterRow] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)

    def lines(self, name: str) -> list[str]:
        lines = [
            f"{name}: {self.rows} rows, {self.matched} matched to Slack accounts, {self.changed} changed, "
            f"{self.matched - self.changed} unchanged, {len(self.unmatched)} unmatched, "
            f"{len(self.duplicates)} duplicate rows skipped"
        ]
        lines += [f"{name}:{row.line}: no Slack account for {row.email}" for row in self.unmatched]
        lines += [f"{name}:{line}: same as line {earlier}, skipped" for line, earlier in self.duplicates]
        return lines


def import_roster(
    bot: BotContext,
    file: TextIO,
    name: str,
    pacer: Pacer,
    progress: Callable[[int, int], None] = lambda done, total: None,
    team_id: str | None = None,
) -> ImportReport:
    """Parse, look up, then write in one transaction, for workspace `team_id` (the bot token's own in
    single-workspace mode). Raises `RosterError` or `LookupFailed` before any write. Idempotent: a
    member already as the roster says is left alone and not counted as changed."""
    try:
        client = bot.client_for(team_id or "")
        token_team = slack.team_of_token(client)
    except slack.NotInstalled as error:
        raise LookupFailed(f"{error}: add it to that workspace first (/slack/install)") from None
    except SlackApiError as error:
        raise LookupFailed(f"auth.test failed: {error.response.get('error')}") from error
    if team_id is not None and token_team != team_id:
        raise LookupFailed(f"the token found for workspace {team_id} belongs to {token_team}")
    team_id = token_team
    with bot.sessions.begin() as session:
        topic_keys = [topic.key for topic in topics_of(programme_settings(session, team_id))]
    parsed = parse_roster(file, name, topic_keys)
    user_ids = look_up_emails(client, [row.email for row in parsed.rows], pacer, progress)
    report = ImportReport(rows=len(parsed.rows) + len(parsed.duplicates), duplicates=parsed.duplicates)
    matched = [(row, user_ids[row.email]) for row in parsed.rows if user_ids[row.email] is not None]
    report.unmatched = [row for row in parsed.rows if user_ids[row.email] is None]
    report.matched = len(matched)
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        for row, user_id in matched:
            assert user_id is not None
            member = get_or_create_member(session, team_id, user_id)
            changed = False
            if member.role != row.role:
                queries.record_change(
                    session,
                    team_id,
                    changed_by=IMPORTED_BY,
                    setting=f"role:{user_id}",
                    old_value=str(member.role) if member.role else None,
                    new_value=row.role.value,
                    now=now,
                )
                member.role = row.role
                changed = True
            if row.graduation_year is not None and member.graduation_year != row.graduation_year:
                member.graduation_year = row.graduation_year
                changed = True
            if member.email != row.email:
                member.email = row.email
                changed = True
            if row.topics and member.topics != list(row.topics):
                member.topics = list(row.topics)
                changed = True
            if row.role is Role.ALUMNUS and verify_roster_alumnus(session, team_id, member, now):
                changed = True
            report.changed += changed
    logger.info("roster %s imported: %d matched, %d changed", name, report.matched, report.changed)
    return report


def verify_roster_alumnus(session: Session, team_id: str, member: Member, now: datetime) -> bool:
    """The school's roster lists this member as an alumnus: verified to mentor, recorded in the audit
    trail. True only when that changed something. The demo verifies its alumni through it too."""
    before = member.verification
    if not mark_alumnus_verified(session, member.id, decided_by=IMPORTED_BY):
        return False
    queries.record_change(
        session,
        team_id,
        changed_by=IMPORTED_BY,
        setting=f"alumnus:{member.slack_user_id}",
        old_value=str(before) if before else None,
        new_value=Verification.VERIFIED.value,
        now=now,
    )
    return True


def progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int], None]:
    """A one-line `\\r` progress bar, for a terminal."""

    def show(done: int, total: int) -> None:
        filled = width * done // total if total else width
        stream.write(f"\rlooking up {done}/{total} [{'#' * filled}{' ' * (width - filled)}]")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


def read_text(path: str) -> TextIO:
    """The file as text; `utf-8-sig` drops the byte-order mark spreadsheets put first."""
    with open(path, "rb") as file:
        data = file.read()
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
