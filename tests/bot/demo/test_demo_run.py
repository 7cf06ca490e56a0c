"""`mentorbot demo` end to end: the real server, database and Slack stand-in, played by simulated people.

Runs on SQLite only: the demo makes its own database, which is what a new contributor runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import handlers.menu
from bot.cli import main

SMALL = ["--seed", "1", "--alumni", "12", "--students", "10", "--months", "3"]
SUMMARY = re.compile(
    r"^requests=(\d+) matches=(\d+) first_contacts=(\d+) meetings=(\d+) average_rating=([\d.]+|n/a)$"
)


def figures_in(database: Path) -> dict[str, object]:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:

        def one(sql: str) -> object:
            return connection.execute(text(sql)).scalar()

        figures = {
            "requests": one("SELECT count(*) FROM mentoring_requests"),
            "matches": one("SELECT count(*) FROM mentorships"),
            "first_contacts": one("SELECT count(*) FROM mentorships WHERE first_contact_at IS NOT NULL"),
            "meetings": one("SELECT count(*) FROM meetings"),
            "average_rating": one("SELECT avg(rating) FROM survey_answers WHERE rating IS NOT NULL"),
            "ended": one("SELECT count(*) FROM mentorships WHERE status = 'ended'"),
            "mentors": one("SELECT count(*) FROM mentor_profiles"),
        }
    engine.dispose()
    return figures


def test_a_small_demo_ends_with_a_summary_the_database_it_leaves_confirms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database, transcript = tmp_path / "demo.db", tmp_path / "transcript.txt"

    code = main(["demo", *SMALL, "--database-url", f"sqlite:///{database}", "--transcript", str(transcript)])

    out, err = capsys.readouterr()
    assert code == 0, err
    summary = SUMMARY.match(out.strip().splitlines()[-1])
    assert summary is not None, out[-500:]
    requests, matches, first_contacts, meetings, rating = summary.groups()
    found = figures_in(database)
    assert (int(requests), int(matches), int(first_contacts), int(meetings)) == (
        found["requests"],
        found["matches"],
        found["first_contacts"],
        found["meetings"],
    )
    assert rating == f"{found['average_rating']:.2f}"
    assert found["mentors"] == 3  # one alumnus in four volunteered, through the real modal
    assert found["ended"] >= 1 and int(matches) >= 2 and int(meetings) > 0  # an ended pair, a met one
    # What a person sees: a student's journey, the mentor's, then the admin's report, in French.
    assert "Le parcours de" in out and "étudiant·e" in out
    assert "→ a cliqué sur [ J'ai contacté mon mentor ]" in out
    assert "Ce que voit l'admin" in out and "[ Exporter en CSV ]" in out
    # Every person's messages, in the transcript file.
    written = transcript.read_text(encoding="utf-8")
    assert written.count("━━ ") == 12 + 10 + 1
    assert "→ a tapé /mentor volunteer" in written


def test_the_same_seed_plays_the_same_programme_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sizes = ["--seed", "7", "--alumni", "8", "--students", "5", "--months", "1", "--lang", "en"]

    assert main(["demo", *sizes, "--database-url", f"sqlite:///{tmp_path / 'a.db'}"]) == 0
    first = capsys.readouterr().out
    assert main(["demo", *sizes, "--database-url", f"sqlite:///{tmp_path / 'b.db'}"]) == 0
    second = capsys.readouterr().out

    assert first == second
    assert "What the admin" in first and "→ typed /mentor" in first


def test_an_error_the_bot_logs_fails_the_demo_with_that_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("the role could not be saved")

    monkeypatch.setattr(handlers.menu, "choose_role", broken)
    sizes = ["--alumni", "2", "--students", "2", "--months", "1"]

    code = main(["demo", *sizes, "--database-url", f"sqlite:///{tmp_path / 'demo.db'}"])

    out, err = capsys.readouterr()
    assert code == 1
    assert "listener failed: RuntimeError" in err and "the role could not be saved" in err
    assert SUMMARY.match(out.strip().splitlines()[-1])


def test_a_database_that_already_holds_a_workspace_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    sizes = ["--alumni", "2", "--students", "2", "--months", "1"]
    assert main(["demo", *sizes, "--database-url", url]) == 0
    capsys.readouterr()

    assert main(["demo", *sizes, "--database-url", url]) == 2
    assert "already holds a workspace" in capsys.readouterr().err
