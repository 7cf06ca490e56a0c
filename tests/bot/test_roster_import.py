"""`mentorbot import roster.csv` through `bot.cli.main`, against the Slack stand-in and the test database:
good, duplicate, unknown-email and malformed rows; idempotence; nothing written on a bad file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.roster import Pacer, progress_bar
from bot.slack_double import SlackStandIn
from storage.models import Member, Role, SettingsChange, Verification

HEADER = "email,role,graduation_year,topics\n"
FAST = ["--rate", "600000"]  # 0.1 ms between lookups: the pacing is tested on its own below


@pytest.fixture
def slack(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackStandIn]:
    standin = SlackStandIn().start()
    standin.add_user("UANNA", email="anna@alumni.example.org")
    standin.add_user("ULEO", email="Leo@School.example.org")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-import-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "import-test")
    monkeypatch.setenv("SLACK_API_URL", standin.url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    yield standin
    standin.stop()


def roster(tmp_path: Path, rows: str, header: str = HEADER) -> str:
    path = tmp_path / "roster.csv"
    path.write_text(header + rows, encoding="utf-8")
    return str(path)


def members(sessions) -> list[tuple[str, str | None, int | None, str | None]]:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        rows = session.scalars(select(Member).order_by(Member.slack_user_id))
        return [(m.slack_user_id, m.role, m.graduation_year, m.email) for m in rows]


def test_a_good_roster_sets_roles_and_a_second_run_changes_nothing(
    slack: SlackStandIn, sessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = roster(
        tmp_path,
        "anna@alumni.example.org,alumnus,2012,careers;engineering\nleo@school.example.org,student,2027,\n",
    )

    assert main(["import", path, *FAST]) == 0

    assert members(sessions) == [
        ("UANNA", Role.ALUMNUS, 2012, "anna@alumni.example.org"),
        ("ULEO", Role.STUDENT, 2027, "leo@school.example.org"),
    ]
    out = capsys.readouterr().out
    assert "roster.csv: 2 rows, 2 matched to Slack accounts, 2 changed" in out
    assert "\r" not in out  # no progress bar when stdout is not a terminal
    with sessions.begin() as session:
        audit = session.scalars(select(SettingsChange.setting).order_by(SettingsChange.id)).all()
    assert audit == ["role:UANNA", "alumnus:UANNA", "role:ULEO"]  # the roster verifies its alumni
    with sessions.begin() as session:
        verification = dict(session.execute(select(Member.slack_user_id, Member.verification)).all())
    assert verification == {"UANNA": Verification.VERIFIED, "ULEO": None}

    assert main(["import", path, *FAST]) == 0

    assert "2 matched to Slack accounts, 0 changed, 2 unchanged" in capsys.readouterr().out
    with sessions.begin() as session:
        assert len(session.scalars(select(SettingsChange)).all()) == 3  # nothing more the second time


def test_duplicate_rows_are_skipped_and_unknown_emails_reported(
    slack: SlackStandIn, sessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = roster(
        tmp_path,
        "anna@alumni.example.org,alumnus,2012,\nghost@nowhere.example.org,student,2026,\n"
        "ANNA@alumni.example.org,alumnus,2012,\n",
    )

    assert main(["import", path, *FAST]) == 0

    out = capsys.readouterr().out
    assert "3 rows, 1 matched to Slack accounts, 1 changed, 0 unchanged, 1 unmatched, 1 duplicate" in out
    assert "roster.csv:3: no Slack account for ghost@nowhere.example.org" in out
    assert "roster.csv:4: same as line 2, skipped" in out
    assert members(sessions) == [("UANNA", Role.ALUMNUS, 2012, "anna@alumni.example.org")]


@pytest.mark.parametrize(
    ("rows", "header", "problem"),
    [
        ("anna@alumni.example.org,teacher,2012,\n", HEADER, "roster.csv:2:2: role 'teacher'"),
        ("anna@alumni.example.org,alumnus,twenty,\n", HEADER, "roster.csv:2:3: graduation year 'twenty'"),
        ("not-an-email,alumnus,2012,\n", HEADER, "roster.csv:2:1: 'not-an-email' is not an email"),
        ("anna@alumni.example.org,alumnus\n", HEADER, "roster.csv:2:3: 2 fields, expected 4"),
        ("anna@alumni.example.org,alumnus,2012,cooking\n", HEADER, "roster.csv:2:4: unknown topic 'cooking'"),
        (
            "anna@alumni.example.org,alumnus,2012\n",
            "email,role,year\n",
            "roster.csv:1:3: unknown column 'year'",
        ),
        ("", "email,role\n", "roster.csv:1:3: missing column 'graduation_year'"),
        (
            "anna@alumni.example.org,alumnus,2012,\nanna@alumni.example.org,student,2012,\n",
            HEADER,
            "roster.csv:3:1: anna@alumni.example.org is on line 2 with other values",
        ),
    ],
)
def test_a_malformed_roster_is_refused_with_line_and_column_and_nothing_written(
    slack: SlackStandIn,
    sessions,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: str,
    header: str,
    problem: str,
) -> None:
    good = "leo@school.example.org,student,2027" + ("," if header == HEADER else "") + "\n"
    path = roster(tmp_path, rows + good, header)  # a good row after the bad one is not written either

    assert main(["import", path, *FAST]) == 1

    err = capsys.readouterr().err
    assert problem in err
    assert "nothing was written" in err
    assert members(sessions) == []
    assert slack.calls_to("users.lookupByEmail") == []


def test_a_slack_failure_during_lookups_writes_nothing(
    slack: SlackStandIn, sessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    slack.fail_next("users.lookupByEmail", error="missing_scope")
    path = roster(tmp_path, "anna@alumni.example.org,alumnus,2012,\n")

    assert main(["import", path, *FAST]) == 1

    assert "users.lookupByEmail failed: missing_scope; nothing was written" in capsys.readouterr().err
    assert members(sessions) == []


def test_lookups_are_paced_evenly_to_the_rate() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(50, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        pacer.wait()

    assert slept == [pytest.approx(1.2), pytest.approx(1.2)]  # 50 a minute: one every 1.2 s


def test_the_progress_bar_redraws_one_line() -> None:
    stream = io.StringIO()
    show = progress_bar(stream, width=4)
    show(1, 2)
    show(2, 2)

    assert stream.getvalue() == "\rlooking up 1/2 [##  ]\rlooking up 2/2 [####]\n"
