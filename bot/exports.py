"""The admins' CSV export: the programme's mentorships and members, uploaded to the admin's DM.

Two files, `mentorships-<date>.csv` and `members-<date>.csv`, with nothing an admin cannot already
see in Slack or in the bot's reports: Slack user ids (no names, no e-mail addresses), roles, graduation
years, mentor profiles (topics, capacity, paused, current mentees), and for each mentorship its dates,
status, the reason given when it ended, the number of meetings reported and the 1 to 5 ratings of the
surveys. Survey comments and offer decline reasons stay out.

Rows are streamed from the database a thousand at a time (`yield_per`) into the file's text; cells that
a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) are quoted with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.members import Person
from bot.messages import stats as stats_messages
from bot.outcome import FileToUpload, Outcome, Upload, reply
from bot.stats import refuse_non_admin
from storage.queries import stats as queries

MENTORSHIP_COLUMNS = (
    "mentorship_id",
    "student_slack_id",
    "mentor_slack_id",
    "status",
    "started_at",
    "first_contact_at",
    "ended_at",
    "end_reason",
    "meetings",
    "student_first_meeting_rating",
    "mentor_first_meeting_rating",
    "student_closing_rating",
    "mentor_closing_rating",
)
MEMBER_COLUMNS = (
    "slack_id",
    "role",
    "graduation_year",
    "inactive_since",
    "mentor",
    "topics",
    "capacity",
    "paused",
    "active_mentees",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: ISO 8601 UTC for datetimes, yes/no for booleans, empty for None, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return str(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def mentorships_csv(session: Session, team_id: str) -> bytes:
    return to_csv(MENTORSHIP_COLUMNS, queries.mentorship_export_rows(session, team_id))


def members_csv(session: Session, team_id: str) -> bytes:
    def with_sorted_topics(rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
        for slack_id, role, year, inactive, is_mentor, topics, capacity, paused, load in rows:
            topics = ";".join(sorted(topics.split(";"))) if topics else ""
            yield slack_id, role, year, inactive, bool(is_mentor), topics, capacity, paused, load

    return to_csv(MEMBER_COLUMNS, with_sorted_topics(queries.member_export_rows(session, team_id)))


def export_programme_csv(bot: BotContext, person: Person) -> Outcome:
    """The Export CSV button: both files to the admin's DM, and a short note where they clicked."""
    if not person.is_admin:
        return reply(refuse_non_admin(person, "the CSV export"))
    today = f"{bot.clock.now():%Y-%m-%d}"
    with bot.sessions.begin() as session:
        files = (
            FileToUpload(
                f"mentorships-{today}.csv",
                mentorships_csv(session, person.team_id),
                f"mentorships-{today}.csv",
            ),
            FileToUpload(
                f"members-{today}.csv", members_csv(session, person.team_id), f"members-{today}.csv"
            ),
        )
    return Outcome(
        upload=Upload(
            files=files,
            comment=stats_messages.export_comment(person.locale),
            sent=stats_messages.export_sent(person.locale),
            failed=stats_messages.export_failed(person.locale),
        )
    )
