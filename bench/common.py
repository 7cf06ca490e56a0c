"""What every benchmark shares: databases of its own, timing summaries, tables, and the machine.

Benchmarks report ratios against a baseline measured in the same run: the machines are shared and noisy,
so an absolute time alone proves little.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from storage.db import create_database_engine, normalise_database_url
from storage.migrate import upgrade_to_latest

DEFAULT_POSTGRESQL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEAM_ID = "T0001"


def postgresql_base_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_POSTGRESQL_URL


@contextlib.contextmanager
def bench_database(kind: str) -> Iterator[str]:
    """A migrated, empty database of `kind` ("sqlite" or "postgresql") that only this benchmark uses.

    SQLite: a file in a temporary folder. PostgreSQL: a schema of our own on the server named by
    `BENCH_DATABASE_URL`, dropped afterwards, so benchmarks never disturb anyone else's tables.
    """
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            _migrate(url)
            yield url
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    base_url = postgresql_base_url()
    schema = f"mentorbot_bench_{uuid.uuid4().hex[:10]}"
    admin = create_database_engine(base_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = (
            make_url(normalise_database_url(base_url))
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
        _migrate(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = create_database_engine(url)
    upgrade_to_latest(engine)
    engine.dispose()


def analyse(url: str) -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would given a minute.

    On PostgreSQL that includes VACUUM (autovacuum also vacuums after inserts since PostgreSQL 13): without
    it the visibility map is empty and every index-only scan still reads the table.
    """
    engine = create_database_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            # Only the bench's own schema's tables: others' tables on the same server are none of ours.
            tables = inspect(connection).get_table_names()
            connection.execute(text("VACUUM ANALYZE " + ", ".join(f'"{table}"' for table in tables)))
        else:
            connection.execute(text("ANALYZE"))
    engine.dispose()


# ---------------------------------------------------------------------------------------------------
# Timing


@dataclass(frozen=True)
class Timings:
    """A sample of durations in seconds, summarised in milliseconds."""

    seconds: Sequence[float]

    @property
    def count(self) -> int:
        return len(self.seconds)

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile, in ms (p99 of 2,000 samples is the 1,980th smallest)."""
        ordered = sorted(self.seconds)
        if not ordered:
            return float("nan")
        rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered) - 1e-9)))
        return ordered[rank - 1] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds) * 1000 if self.seconds else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(0.99)

    @property
    def max(self) -> float:
        return max(self.seconds) * 1000 if self.seconds else float("nan")


def time_calls(call: Callable[[], object], repeat: int) -> Timings:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return Timings(samples)


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else float("inf")


# ---------------------------------------------------------------------------------------------------
# Output


def goal_verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class Section:
    """One benchmark's report: a title, a few lines of context, tables and notes, in markdown."""

    title: str
    parts: list[str]

    def render(self) -> str:
        return f"### {self.title}\n\n" + "\n\n".join(self.parts) + "\n"


def machine_description() -> str:
    """nproc, CPU model, memory, Python version and date: where the figures came from."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) // (1024 * 1024)} GiB RAM"
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}{memory}; "
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}; "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    )


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident set (VmHWM) in MB, read from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
