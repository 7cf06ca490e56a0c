"""The demo's pure parts: its people, their choices, its calendar, its progress bar and its summary."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import ids
from bot.demo import policy
from bot.demo.people import cast_people
from bot.demo.policy import Fate, fate_of_new_pair, followup_answer
from bot.demo.progress import Progress, bar
from bot.demo.run import default_out_folder, format_summary, language_of, school_time, working_days
from bot.demo.transcript import Journal, render_journey
from storage.queries.demo import DemoFigures

PROMPT = [ids.FOLLOWUP_MET, ids.FOLLOWUP_MET_VIDEO, ids.FOLLOWUP_REMIND_NEXT_WEEK, ids.FOLLOWUP_END]
SURVEY = [ids.FOLLOWUP_RATE_1, ids.FOLLOWUP_RATE_5, ids.FOLLOWUP_NOT_MET_YET]


def test_the_same_seed_casts_the_same_people_with_distinct_names() -> None:
    cast = cast_people(random.Random(3), 40, 30, "fr")

    assert cast == cast_people(random.Random(3), 40, 30, "fr")
    names = [person.name for person in cast.everyone]
    assert len(set(names)) == len(names) == 71
    assert [p.user_id for p in cast.alumni[:2]] == ["UALUM001", "UALUM002"]
    assert cast.admin.user_id == "UADMIN" and {p.locale for p in cast.everyone} == {"fr"}


def test_the_first_pair_ends_the_third_goes_silent_and_the_rest_vary() -> None:
    rng = random.Random(1)
    fates: list[Fate] = []
    for _ in range(200):
        fates.append(fate_of_new_pair(rng, fates))

    assert fates[:3] == [Fate.ENDING, Fate.ENGAGED, Fate.SILENT]
    rest = fates[3:]
    assert set(rest) == {Fate.ENGAGED, Fate.SLOW, Fate.NO_CONTACT}
    assert rest.count(Fate.ENGAGED) > rest.count(Fate.SLOW) > rest.count(Fate.NO_CONTACT)


def test_ratings_are_mostly_four_or_five() -> None:
    rng = random.Random(2)
    answers = [
        followup_answer(rng, SURVEY, Fate.ENGAGED, is_mentor=False, contacted=True) for _ in range(500)
    ]

    ratings = [answer for answer in answers if answer and answer.startswith("followup_rate_")]
    high = [rating for rating in ratings if rating in (ids.FOLLOWUP_RATE_4, ids.FOLLOWUP_RATE_5)]
    assert len(high) / len(ratings) > 0.75
    assert None in answers  # some never answer


def test_a_silent_pair_never_answers_its_prompts_and_an_ending_student_ends_it() -> None:
    rng = random.Random(4)

    assert {
        followup_answer(rng, PROMPT, Fate.SILENT, is_mentor=m, contacted=True) for m in (False, True)
    } == {None}
    assert followup_answer(rng, PROMPT, Fate.ENDING, is_mentor=False, contacted=True) == ids.FOLLOWUP_END
    assert followup_answer(rng, PROMPT, Fate.ENDING, is_mentor=True, contacted=True) is None


def test_the_mentor_says_whether_the_student_reached_out_as_it_happened() -> None:
    rng = random.Random(5)
    check = [ids.FOLLOWUP_CONTACT_YES, ids.FOLLOWUP_CONTACT_NOT_YET]

    after_contact = {
        followup_answer(rng, check, Fate.ENGAGED, is_mentor=True, contacted=True) for _ in range(50)
    }
    without = {followup_answer(rng, check, Fate.SLOW, is_mentor=True, contacted=False) for _ in range(50)}

    assert after_contact == {ids.FOLLOWUP_CONTACT_YES, None}
    assert without == {ids.FOLLOWUP_CONTACT_NOT_YET, None}


def test_offers_are_accepted_declined_or_left_to_expire() -> None:
    rng = random.Random(6)
    answers = [policy.offer_answer(rng) for _ in range(300)]

    chosen = {answer.action_id if answer else None for answer in answers}
    assert chosen == {ids.ACCEPT_OFFER, ids.DECLINE_OFFER, None}
    assert all(answer.days in (0, 1, 2) for answer in answers if answer)


def test_the_demo_steps_through_weekdays_at_ten_in_paris() -> None:
    days = working_days(1)

    assert days[:6] == [0, 1, 2, 3, 4, 7]  # opens on a Monday; no weekend steps
    assert school_time(0, datetime(2026, 1, 1, 10).time()) == datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
    assert school_time(63, datetime(2026, 1, 1, 10).time()) == datetime(2026, 11, 9, 9, 0, tzinfo=UTC)


def test_summary_reads_as_one_line_of_figures() -> None:
    assert format_summary(DemoFigures(30, 22, 18, 41, 4.3333)) == (
        "requests=30 matches=22 first_contacts=18 meetings=41 average_rating=4.33"
    )
    assert format_summary(DemoFigures(0, 0, 0, 0, None)).endswith("average_rating=n/a")


def test_progress_redraws_one_line_on_a_terminal_and_prints_stages_elsewhere() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = Progress(stream, 4)
        for done, stage in ((1, "0"), (2, "0"), (3, "1"), (4, "1")):
            progress.show(done, f"day {done}", stage)
        progress.finish()

    assert "\n" not in terminal.getvalue() and terminal.getvalue().count("\r") >= 4
    assert log.getvalue().splitlines() == [f"{bar(1, 4)}  day 1", f"{bar(3, 4)}  day 3"]
    assert bar(1, 4, width=8) == "[██······]  25%"


def test_an_updated_message_shows_only_what_the_update_added() -> None:
    journal = Journal("en", lambda user_id: "Camille")
    at = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
    offer = [{"type": "section", "text": {"type": "mrkdwn", "text": "<@U1> asks for a mentor"}}]
    accepted = [*offer, {"type": "section", "text": {"type": "mrkdwn", "text": "You accepted."}}]

    journal.message("U2", "key", at, "", offer)
    journal.message("U2", "key", at, "", accepted)
    journal.message("U2", "key", at, "", accepted)  # nothing new: nothing shown
    journal.clicked("U2", at, "Accept")

    assert render_journey(journal, "U2", "Malik", "Europe/Paris")[3:] == [
        "[2026-09-07 10:00] mentorbot",
        "    @Camille asks for a mentor",
        "[2026-09-07 10:00] mentorbot (message updated)",
        "    You accepted.",
        "[2026-09-07 10:00] → clicked [ Accept ]",
    ]


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr"),  # LC_ALL wins over LANG
        ({"LC_ALL": "en_GB.UTF-8", "LANGUAGE": "fr:en"}, "fr"),  # and LANGUAGE over both, as in gettext
        ({"LANGUAGE": "", "LANG": "fr_BE.UTF-8"}, "fr"),  # an empty variable is not set
    ],
)
def test_the_demo_speaks_the_language_of_the_locale_it_runs_in(environ: dict, language: str) -> None:
    assert language_of(environ) == language


def test_the_default_out_folder_is_a_new_one_even_when_the_second_is_taken(tmp_path: Path) -> None:
    moment = datetime(2026, 9, 7, 10, 15, 0)
    (tmp_path / "mentorbot-demo-20260907-101500").mkdir()

    assert default_out_folder(moment, tmp_path) == tmp_path / "mentorbot-demo-20260907-101500-2"
