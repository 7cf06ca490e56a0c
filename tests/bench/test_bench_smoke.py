"""Every benchmark runs at a tiny size, so they keep working as the bot changes. No time is asserted:
benchmarks measure, tests check behaviour."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench import ack, dispatch, durable, matching, stats
from bench.__main__ import main
from bench.before import BEFORE_COMMIT, before_tree
from bench.common import Section, Timings, markdown_table
from bench.load import REPOSITORY


def rendered(sections: list[Section]) -> str:
    return "\n".join(section.render() for section in sections)


def table_rows(report: str, title: str) -> list[str]:
    """The body rows of the first table after `title`."""
    lines = report.split(title, 1)[1].splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("|---"))
    rows = []
    for line in lines[start + 1 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def git_has_the_commit_before() -> bool:
    try:
        found = subprocess.run(
            ["git", "-C", str(REPOSITORY), "cat-file", "-e", f"{BEFORE_COMMIT}^{{commit}}"],
            capture_output=True,
        )
    except FileNotFoundError:
        return False
    return found.returncode == 0


def test_ack_benchmarks_measure_every_layout_and_the_bare_app_without_errors(database: str) -> None:
    report = rendered(ack.run(database, quick=True))

    workers = ack.split_name(ack.WORKERS[database])
    layouts = ["durable, 1 process", workers]
    if git_has_the_commit_before():
        layouts.append("before: in memory")
    else:
        assert "before: **not measured**" in report
    assert "### 1. Ack latency over HTTP" in report
    for scenario in ("/mentor", "request submission", "Accept click"):
        for layout in layouts:
            assert f"| {scenario} | {layout} | 3 | 10 | 0 |" in report  # 10 requests, 0 errors
    # The Bolt settings' before/after is measured on SQLite only.
    assert ("| /mentor | Bolt defaults | 3 | 10 | 0 |" in report) == (database == "sqlite")
    assert "The layouts side by side at 3 clients" in report
    assert "### 1b. Ack latency at a steady arrival rate" in report
    for scenario in ("/mentor", "request submission", "Accept click"):
        for layout in layouts:
            assert f"| {scenario} | {layout} | 50 | 10 | 0 |" in report  # 50 a second, 10 requests
    # Every request's student heard back, and someone was told about them, in every layout.
    dm_rows = table_rows(report, "### 1c. From the click to its DM")
    assert len(dm_rows) == 8  # 4 kinds of DM, at 3 clients and at 50 a second
    assert all(row.endswith("| 0 |") for row in dm_rows), dm_rows
    assert "### 2. Ack under slow follow-up work" in report
    assert "### 6. Memory" in report
    assert f"| mentorbot worker | {workers} |" in report


def test_durable_write_is_timed_against_a_trivial_transaction(database: str) -> None:
    report = rendered(durable.run(database, quick=True))

    assert "| SELECT 1 in a transaction | 20 |" in report
    assert "| record_inbound: `/mentor` (0.3 KB) | 20 |" in report
    assert "| record_inbound: request submission, ack-only (" in report
    # Comparing with a commit that does not wait for the disk only means something on PostgreSQL.
    assert ("synchronous_commit=off` | 20 |" in report) == (database == "postgresql")


def test_a_before_tree_that_is_no_mentorbot_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a mentorbot tree"), before_tree(tmp_path):
        pass


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

    assert main(["matching", "durable", "--quick", "--output", str(output)]) == 0

    text = output.read_text()
    assert text.startswith("Machine: ")
    assert "Python 3." in text
    assert "### 3. Matching (sqlite)" in text
    assert "### 8. What the durable write adds to an ack (sqlite)" in text


def test_percentiles_are_nearest_rank() -> None:
    timings = Timings([n / 1000 for n in range(1, 101)])  # 1..100 ms

    assert timings.p50 == pytest.approx(50.5)
    assert timings.p99 == pytest.approx(99)
    assert timings.max == pytest.approx(100)


def test_tables_are_markdown() -> None:
    assert markdown_table(["a", "b"], [[1, 2.345]]) == "| a | b |\n|---|---|\n| 1 | 2.35 |"
