"""The bot as it was before issue 12's durable ack, for the benchmarks' "before" layout.

Commit c67eb23 is the parent of 4ac1442 (migration 0012) and 27d5505 (the durable ack): there, a listener
acks and hands its work to the process's in-memory pool. Rather than keep an in-memory mode in the
product, the benchmark runs that commit's own `bench/serve_target.py` (same command line, same stdin
protocol) beside today's in the same run, on a database of today's schema: what changed since is
additive (new tables, nullable or defaulted columns, an index), and that commit's code never reads it.

The tree is taken with `git archive` into a temporary folder (only the packages the server imports):
unlike `git worktree add`, it leaves no entry in the repository's worktree list, and nothing to prune
when a run is killed. `--before-tree PATH` gives a checkout of that commit instead.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.load import REPOSITORY

BEFORE_COMMIT = "c67eb232001cec281c3da1496fc48df710fc8edd"
PACKAGES = ("bench", "bot", "handlers", "storage")


@contextlib.contextmanager
def before_tree(given: Path | None = None) -> Iterator[Path | str]:
    """The source tree of `BEFORE_COMMIT`, removed afterwards unless `given`; or why there is none (no
    git, a shallow clone without that commit), as a sentence for the report."""
    if given is not None:
        if not (given / "bench" / "serve_target.py").is_file():
            raise ValueError(f"{given} has no bench/serve_target.py: not a mentorbot tree")
        yield given.resolve()
        return
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPOSITORY), "archive", "--format=tar", BEFORE_COMMIT, *PACKAGES],
            check=True,
            capture_output=True,
        ).stdout
    except FileNotFoundError:
        yield "git is not installed here"
        return
    except subprocess.CalledProcessError as error:
        problem = error.stderr.decode(errors="replace").strip().splitlines()
        yield f"git cannot read commit {BEFORE_COMMIT[:7]} ({problem[-1] if problem else 'no repository'})"
        return
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-before-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)
