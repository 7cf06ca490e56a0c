"""Benchmark 7 runs at a tiny size, and its figures are what they say. No time is asserted."""

from __future__ import annotations

import pytest

from bench import fairness
from bench.fairness import Delays, delays_of, team_of_student
from tests.bench.test_bench_smoke import rendered


def test_the_fairness_benchmark_sends_each_reminder_once_and_measures_both_sides_of_sharing(
    database: str,
) -> None:
    report = rendered(fairness.run(database, quick=True))

    assert "### 7. Fairness between workspaces" in report
    # 3 workspaces of 40 members: 28 students each, and the first's new student with a request.
    one_alone = next(line for line in report.splitlines() if line.startswith("| one workspace alone |"))
    all_three = next(line for line in report.splitlines() if line.startswith("| 3 workspaces |"))
    sent, skipped = (int(cell) for cell in one_alone.split(" | ")[1:3])
    assert sent + skipped == 29 and sent > 0
    sent, skipped = (int(cell) for cell in all_three.split(" | ")[1:3])
    assert sent + skipped == 3 * 28 + 1
    for line in (one_alone, all_three):
        assert line.split(" | ")[-3:-1] == ["0", "0"]  # no 429, nobody sent it twice
    assert "| ranking (`rank_mentors`) |" in report and "| statistics (`programme_stats`) |" in report


def test_a_workspaces_delay_is_the_p99_of_posted_minus_due() -> None:
    posts = [("TA", 100.0 + n) for n in range(1, 101)] + [("TB", 105.0), ("TB", 110.0)]

    delays = delays_of(posts, due_at=100.0)

    assert delays.p99_by_team == {"TA": pytest.approx(99.0), "TB": pytest.approx(10.0)}


def test_the_spread_is_the_slowest_workspaces_p99_over_the_median_ones() -> None:
    delays = Delays({"TA": 10.0, "TB": 12.0, "TC": 30.0})

    assert (delays.median_p99, delays.slowest_p99, delays.spread) == (12.0, 30.0, 2.5)


def test_a_students_workspace_is_read_from_the_seeded_user_id() -> None:
    assert team_of_student("UST0420000017") == "T042"
