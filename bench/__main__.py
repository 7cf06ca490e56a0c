"""`python -m bench [ack|slow|durable|matching|stats|dispatch|fairness|all ...]
[--database sqlite|postgresql|both] [--quick|--small] [--output FILE] [--before-tree PATH] [--layouts-only]`

Prints one markdown section per benchmark, with the machine it ran on; `--output FILE` also writes them.
`ack` runs benchmarks 1, 1b, 1c, 2 and 6 together (they share the servers); `slow` is an alias of it.
Several names run one after another, each on every database asked for.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from bench.common import Section, machine_description

BENCHMARKS = ("ack", "durable", "matching", "stats", "dispatch", "fairness")


def run_benchmark(
    name: str, database: str, quick: bool, before_tree: Path | None = None, layouts_only: bool = False
) -> list[Section]:
    if name in ("ack", "slow"):
        from bench import ack

        return ack.run(database, quick, before_tree, layouts_only)
    if name == "durable":
        from bench import durable

        return durable.run(database, quick)
    if name == "matching":
        from bench import matching

        return matching.run(database, quick)
    if name == "stats":
        from bench import stats

        return stats.run(database, quick)
    if name == "dispatch":
        from bench import dispatch

        return dispatch.run(database, quick)
    if name == "fairness":
        from bench import fairness

        return fairness.run(database, quick)
    raise ValueError(f"unknown benchmark {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "benchmark", nargs="*", default=["all"], choices=[*BENCHMARKS, "slow", "all"], help="default: all"
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument(
        "--quick", "--small", action="store_true", help="tiny sizes, to check the benchmarks run"
    )
    parser.add_argument("--output", type=Path, help="also write the report (markdown) to this file")
    parser.add_argument(
        "--before-tree",
        type=Path,
        help="a checkout of the commit before the durable ack (default: taken from git for the run)",
    )
    parser.add_argument(
        "--layouts-only",
        action="store_true",
        help="ack: the three layouts and the bare app, a quarter of the requests (issue 12's comparison)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    names = BENCHMARKS if "all" in args.benchmark else tuple(dict.fromkeys(args.benchmark))
    databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    report = [f"Machine: {machine_description()}\n"]
    print(report[0], flush=True)
    for database in databases:
        for name in names:
            started = time.perf_counter()
            for section in run_benchmark(name, database, args.quick, args.before_tree, args.layouts_only):
                text = section.render()
                report.append(text)
                print(text, flush=True)
            print(f"({name} on {database}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    if args.output:
        args.output.write_text("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
