"""The CSV export: every mentorship and member of the school, as the seed describes them, and nothing
a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

from bot.clock import ManualClock
from bot.exports import MEMBER_COLUMNS, MENTORSHIP_COLUMNS, cell, members_csv, mentorships_csv
from tests.factories_stats import TEAM_ID, seed_programme


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_the_mentorships_file_has_one_row_per_mentorship_of_the_school(sessions, clock: ManualClock) -> None:
    programme = seed_programme(sessions, clock.now())

    with sessions.begin() as session:
        content = mentorships_csv(session, TEAM_ID)

    rows = read_csv(content)
    assert list(rows[0]) == list(MENTORSHIP_COLUMNS)
    assert [int(row["mentorship_id"]) for row in rows] == [m.id for m in programme.mentorships]
    for row, mentorship in zip(rows, programme.mentorships, strict=True):
        ratings = {(s.who, s.survey): s.rating for s in mentorship.surveys}
        assert row["student_slack_id"] == mentorship.student
        assert row["mentor_slack_id"] == mentorship.mentor
        assert row["status"] == mentorship.status.value
        assert row["started_at"] == mentorship.started_at.isoformat()
        assert row["first_contact_at"] == (
            mentorship.first_contact_at.isoformat() if mentorship.first_contact_at else ""
        )
        assert row["ended_at"] == (mentorship.ended_at.isoformat() if mentorship.ended_at else "")
        assert int(row["meetings"]) == len(mentorship.meetings)
        expected_rating = ratings.get((mentorship.student, "first_meeting"))
        assert row["student_first_meeting_rating"] == (
            "" if expected_rating is None else str(expected_rating)
        )
        expected_rating = ratings.get((mentorship.mentor, "first_meeting"))
        assert row["mentor_first_meeting_rating"] == ("" if expected_rating is None else str(expected_rating))
    reasons = {row["end_reason"] for row in rows}
    assert '\'=HYPERLINK("http://x")' in reasons  # the seed's hostile reason, defused
    assert not any(reason.startswith("=") for reason in reasons)


def test_the_members_file_has_roles_and_mentor_profiles(sessions, clock: ManualClock) -> None:
    programme = seed_programme(sessions, clock.now())

    with sessions.begin() as session:
        rows = read_csv(members_csv(session, TEAM_ID))

    assert list(rows[0]) == list(MEMBER_COLUMNS)
    assert [row["slack_id"] for row in rows] == [member.slack_id for member in programme.members]
    by_id = {row["slack_id"]: row for row in rows}
    for member in programme.members:
        row = by_id[member.slack_id]
        assert row["role"] == member.role.value
        assert row["mentor"] == ("yes" if member.mentor else "no")
        assert row["topics"] == ";".join(sorted(member.topics))
        assert row["capacity"] == (str(member.capacity) if member.mentor else "")
        assert row["paused"] == (("yes" if member.paused else "no") if member.mentor else "")
        assert row["active_mentees"] == (str(member.load) if member.mentor else "")
        assert row["inactive_since"] == (member.inactive_since.isoformat() if member.inactive_since else "")
    assert not any(row["slack_id"].startswith("X") for row in rows)  # never another school's members


def test_cells_that_a_spreadsheet_would_run_are_defused() -> None:
    assert [cell(v) for v in ("=1+1", "+33 6", "-x", "@SUM(A1)", "plain", 3, True, None)] == [
        "'=1+1",
        "'+33 6",
        "'-x",
        "'@SUM(A1)",
        "plain",
        "3",
        "yes",
        "",
    ]
