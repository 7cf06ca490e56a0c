"""`mentorbot demo` end to end: the real server, database and Slack stand-in, played by simulated people.

Runs on SQLite only: the demo makes its own database, which is what a new contributor runs.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import handlers.menu
from bot.cli import main
from bot.demo.run import LANGUAGE_VARIABLES
from bot.exports import MEMBER_COLUMNS, MENTORSHIP_COLUMNS

SMALL = ["--seed", "1", "--alumni", "12", "--students", "10", "--months", "3"]
SUMMARY = re.compile(
    r"^requests=(\d+) matches=(\d+) first_contacts=(\d+) meetings=(\d+) average_rating=([\d.]+|n/a)$"
)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Demos write their files under the working directory, and read the language from the locale:
    each test starts in its own folder, with no locale but the one it sets."""
    monkeypatch.chdir(tmp_path)
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


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
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, transcript, files = tmp_path / "demo.db", tmp_path / "transcript.txt", tmp_path / "files"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")

    url = f"sqlite:///{database}"
    code = main(["demo", *SMALL, "--database-url", url, "--transcript", str(transcript), "--out", str(files)])

    out, err = capsys.readouterr()
    assert code == 0, err
    summary = SUMMARY.match(out.splitlines()[0])
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
    # What a person sees, in French: the summary, the admin's report, then a student's and a mentor's journey.
    titles = ("Ce que voit l'admin", "personne étudiante ━", "mentor ━")
    report, student, mentor = (out.index(title) for title in titles)
    assert report < student < mentor
    assert "[ Exporter en CSV ]" in out and "demandes closes sans mentor" in out[report:student]
    assert "→ a cliqué sur [ J'ai contacté mon mentor ]" in out[student:]
    # The files sent to the admin's DM, copied to --out, named at the end.
    assert str(files) in err.strip().splitlines()[-1]
    members, chart, mentorships = sorted(files.iterdir())  # members-, mentoring-trend-, mentorships-
    assert chart.name.startswith("mentoring-trend-") and chart.read_bytes().startswith(PNG_SIGNATURE)
    image = pytest.importorskip("matplotlib.image").imread(chart)
    assert image.shape[0] > 100 and image.shape[1] > 100
    assert chart.name in out and members.name in out and mentorships.name in out
    mentorship_rows = list(csv.reader(io.StringIO(mentorships.read_text(encoding="utf-8"))))
    member_rows = list(csv.reader(io.StringIO(members.read_text(encoding="utf-8"))))
    assert tuple(mentorship_rows[0]) == MENTORSHIP_COLUMNS and len(mentorship_rows) == 1 + int(matches)
    assert tuple(member_rows[0]) == MEMBER_COLUMNS and len(member_rows) == 1 + 12 + 10
    # Every person's messages, in the transcript file.
    written = transcript.read_text(encoding="utf-8")
    assert written.count("━━ ") == 12 + 10 + 1
    assert "→ a tapé /mentor volunteer" in written


def test_the_same_seed_plays_the_same_programme_in_the_english_of_the_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    sizes = ["--seed", "7", "--alumni", "8", "--students", "5", "--months", "1"]

    assert main(["demo", *sizes, "--database-url", f"sqlite:///{tmp_path / 'a.db'}"]) == 0
    first = capsys.readouterr().out
    assert main(["demo", *sizes, "--database-url", f"sqlite:///{tmp_path / 'b.db'}"]) == 0
    second = capsys.readouterr().out

    assert first == second
    assert "What the admin" in first and "→ typed /mentor" in first
    assert re.search(r"\d+ requests? closed without a mentor", first) and "→ clicked [ Export CSV ]" in first
    # Each run wrote its own new folder under the working directory, the first one untouched.
    folders = sorted(tmp_path.glob("mentorbot-demo-*"))
    assert len(folders) == 2 and all(len(list(folder.iterdir())) == 3 for folder in folders)


def test_lang_overrides_the_locale(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    sizes = ["--alumni", "2", "--students", "2", "--months", "1", "--lang", "fr"]

    assert main(["demo", *sizes, "--out", str(tmp_path / "files")]) == 0

    assert "Ce que voit l'admin" in capsys.readouterr().out


def test_an_out_folder_that_holds_files_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "notes.txt").write_text("mine")

    assert main(["demo", "--out", str(tmp_path / "files")]) == 2

    assert "is not empty" in capsys.readouterr().err
    assert (tmp_path / "files" / "notes.txt").read_text() == "mine"


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
    assert SUMMARY.match(out.splitlines()[0])


def test_a_database_that_already_holds_a_workspace_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    sizes = ["--alumni", "2", "--students", "2", "--months", "1"]
    assert main(["demo", *sizes, "--database-url", url]) == 0
    capsys.readouterr()

    assert main(["demo", *sizes, "--database-url", url]) == 2
    assert "already holds a workspace" in capsys.readouterr().err


def test_the_followed_student_asks_a_mentor_from_the_directory_and_the_pair_books_its_first_meeting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")

    assert main(["demo", *SMALL, "--database-url", f"sqlite:///{tmp_path / 'demo.db'}"]) == 0

    out = capsys.readouterr().out
    student, mentor = out.index(", student ━"), out.index(", mentor ━")
    theirs, mine = out[student:mentor], out[mentor:]
    # The student browses the directory, asks a mentor from their card, and the request modal has them.
    assert "→ typed /mentor mentors" in theirs and "┌ Meet the mentors" in theirs
    asked = re.search(r"→ clicked \[ Ask (.+?) \]", theirs)
    assert asked is not None
    assert f"A specific mentor?: {asked.group(1)}" in theirs and "the mentor you chose" in theirs
    assert f"journey of {asked.group(1)}, mentor" in out  # who accepted: the mentor asked by name
    # Matched, the student proposes times from the match DM; the mentor picks one; both are booked.
    assert theirs.index("You have a mentor") < theirs.index("→ clicked [ Propose times ]")
    assert "→ sent [ Send ]" in theirs and "will pick one of your times" in theirs
    assert "would like to meet you! Pick the time" in mine and "→ clicked [ This one ]" in mine
    for journey in (theirs, mine):
        assert "is booked:" in journey
        assert "📎 meeting.ics" in journey
    assert "<!date^" not in out  # Slack's date tokens read as their fallback
