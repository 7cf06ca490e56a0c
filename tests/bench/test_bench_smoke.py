"""Every benchmark runs at a tiny size, so they keep working as the bot changes. No time is asserted:
benchmarks measure, tests check behaviour."""

from __future__ import annotations

import pytest

from bench import ack, dispatch, matching, stats
from bench.__main__ import main
from bench.common import Section, Timings, markdown_table


def rendered(sections: list[Section]) -> str:
    return "\n".join(section.render() for section in sections)


def test_ack_benchmarks_measure_the_bot_and_the_bare_app_without_errors(database: str) -> None:
    report = rendered(ack.run(database, quick=True))

    assert "### 1. Ack latency over HTTP" in report
    for scenario in ("/mentor", "request submission", "Accept click"):
        assert f"| {scenario} | ours | 3 | 10 | 0 |" in report  # 10 requests, 0 errors
    # The Bolt settings' before/after is measured on SQLite only.
    assert ("| /mentor | Bolt defaults | 3 | 10 | 0 |" in report) == (database == "sqlite")
    assert "### 1b. Ack latency at a steady arrival rate" in report
    for scenario in ("/mentor", "request submission", "Accept click"):
        assert f"| {scenario} | 50 | 10 | 0 |" in report  # 50 a second, 10 requests, 0 errors
    assert "### 2. Ack under slow follow-up work" in report
    assert "### 6. Memory" in report


def test_matching_benchmark_ranks_and_explains(database: str) -> None:
    report = rendered(matching.run(database, quick=True))

    assert "| 200 | 5 |" in report
    assert "Query plans of the ranking" in report


def test_stats_benchmark_computes_the_report_and_explains_each_statement(database: str) -> None:
    report = rendered(stats.run(database, quick=True))

    assert "| 200 | 3 |" in report
    assert "| 1 | `SELECT" in report


def test_dispatch_benchmark_sends_every_followup_exactly_once(database: str) -> None:
    report = rendered(dispatch.run(database, quick=True))

    assert "exactly once: 40 messages to 40 people, 0 received more than one; 40 rows marked sent" in report
    assert "NOT EXACTLY ONCE" not in report


def test_command_line_writes_the_report_with_the_machine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    output = tmp_path / "report.md"

    assert main(["matching", "--quick", "--output", str(output)]) == 0

    text = output.read_text()
    assert text.startswith("Machine: ")
    assert "Python 3." in text
    assert "### 3. Matching (sqlite)" in text


def test_percentiles_are_nearest_rank() -> None:
    timings = Timings([n / 1000 for n in range(1, 101)])  # 1..100 ms

    assert timings.p50 == pytest.approx(50.5)
    assert timings.p99 == pytest.approx(99)
    assert timings.max == pytest.approx(100)


def test_tables_are_markdown() -> None:
    assert markdown_table(["a", "b"], [[1, 2.345]]) == "| a | b |\n|---|---|\n| 1 | 2.35 |"
