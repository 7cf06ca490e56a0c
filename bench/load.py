"""The load generator and the server processes it measures.

N threads, each with its own keep-alive `http.client.HTTPConnection`, send pre-built request bodies,
signing each just before sending (Slack's signature covers a timestamp, and Bolt refuses stale ones).
Closed loop (`send_load`): each thread sends its next request as soon as the last is answered, and a
request's latency is from just before it is signed and sent to the last byte of the answer. Open loop
(`send_at_rate`): requests fall due at a steady rate whatever the answers, as Slack's traffic does, and
a request's latency is from when it fell due, so time spent waiting for a free connection counts.
Both also note, by the wall clock, when each request was sent (fell due): the click, for the time until
its DM reaches the Slack stand-in, which records its calls by the same clock.

The servers: `ServerProcess` runs `bench.serve_target` from this tree or from another commit's
(`tree`), `WorkerProcesses` real `mentorbot worker` processes beside an ack-only server.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from bench.common import Timings, peak_rss_mb

Body = tuple[bytes, str]


REPOSITORY = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class LoadResult:
    timings: Timings
    errors: int
    elapsed: float
    # When each body (by its index) was sent, or fell due in an open loop: `time.time()`, the clock of
    # the stand-in's `RecordedCall.at`.
    sent_at: Sequence[float] = ()

    @property
    def throughput(self) -> float:
        return self.timings.count / self.elapsed if self.elapsed > 0 else 0.0


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return "v0=" + digest


class _Client:
    """One keep-alive connection sending signed bodies to `url`."""

    def __init__(self, url: str, signing_secret: str) -> None:
        parts = urlsplit(url)
        self._path = parts.path
        self._secret = signing_secret.encode()
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def send(self, body: Body) -> bool:
        """Send one body, signed now; whether Slack would count the answer as an ack (200)."""
        payload, content_type = body
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(self._secret, timestamp, payload),
        }
        self._connection.request("POST", self._path, payload, headers)
        answer = self._connection.getresponse()
        answer.read()
        return answer.status == 200

    def close(self) -> None:
        self._connection.close()


def send_load(url: str, signing_secret: str, bodies: Sequence[Body], concurrency: int) -> LoadResult:
    """Send every body once, `concurrency` at a time; latencies of the answers, and non-200 count."""
    next_index = itertools.count()
    samples: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    sent_at = [0.0] * len(bodies)
    start = threading.Barrier(concurrency + 1)

    def client(slot: int) -> None:
        sender = _Client(url, signing_secret)
        mine = samples[slot]
        start.wait()
        while (index := next(next_index)) < len(bodies):
            sent_at[index] = time.time()
            began = time.perf_counter()
            acked = sender.send(bodies[index])
            mine.append(time.perf_counter() - began)
            errors[slot] += not acked
        sender.close()

    threads = [threading.Thread(target=client, args=(slot,), daemon=True) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return LoadResult(Timings([s for slot in samples for s in slot]), sum(errors), elapsed, sent_at)


def send_at_rate(
    url: str, signing_secret: str, bodies: Sequence[Body], per_second: float, connections: int = 50
) -> LoadResult:
    """Body i falls due `i / per_second` after the start and goes out on the first free connection;
    its latency runs from when it fell due to the last byte of the answer."""
    due: queue.Queue[tuple[Body, float] | None] = queue.Queue()
    samples: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def client(slot: int) -> None:
        sender = _Client(url, signing_secret)
        while (item := due.get()) is not None:
            body, due_at = item
            acked = sender.send(body)
            samples[slot].append(time.perf_counter() - due_at)
            errors[slot] += not acked
        sender.close()

    threads = [threading.Thread(target=client, args=(slot,), daemon=True) for slot in range(connections)]
    for thread in threads:
        thread.start()
    began, began_wall = time.perf_counter(), time.time()
    for index, body in enumerate(bodies):
        due_at = began + index / per_second
        time.sleep(max(0.0, due_at - time.perf_counter()))
        due.put((body, due_at))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    sent_at = [began_wall + index / per_second for index in range(len(bodies))]
    return LoadResult(Timings([s for slot in samples for s in slot]), sum(errors), elapsed, sent_at)


def _environment(tree: Path) -> dict[str, str]:
    """This environment, with `tree`'s packages first on the path (before an editable install's)."""
    return {**os.environ, "PYTHONPATH": str(tree)}


class ServerProcess:
    """`bench.serve_target` in a subprocess: its URL, pid, peak RSS, and a way to wait for its backlog.

    `tree` is the source tree it runs from: this one, or another commit's (the layout before a change)."""

    def __init__(
        self,
        app: str,
        bolt: str,
        database_url: str,
        slack_url: str,
        log: Path,
        listener_threads: int | None = None,
        *,
        ack_only: bool = False,
        tree: Path = REPOSITORY,
    ) -> None:
        self._log: IO[bytes] = log.open("ab")
        extra = ["--listener-threads", str(listener_threads)] if listener_threads else []
        extra += ["--ack-only"] if ack_only else []
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.serve_target",
                "--app",
                app,
                "--bolt",
                bolt,
                "--database-url",
                database_url,
                "--slack-url",
                slack_url,
                *extra,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            cwd=tree,
            env=_environment(tree),
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench.serve_target did not start; see {log}")
        started = json.loads(line)
        self.url: str = started["url"]
        self.pid: int = started["pid"]

    def wait_idle(self) -> None:
        """Wait until the bot has finished the work its acks left behind, wherever it runs."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write("idle\n")
        self._process.stdin.flush()
        if self._process.stdout.readline().strip() != "idle":
            raise RuntimeError("bench.serve_target stopped while waiting for its listeners")

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.pid)

    def stop(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            try:
                self._process.stdin.write("quit\n")
                self._process.stdin.flush()
                self._process.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class WorkerProcesses:
    """`count` real `mentorbot worker` processes on `database_url`, calling the stand-in at `slack_url`:
    what carries out the work beside an ack-only server. Each logs to a file of its own in `folder`.
    They start as this is built; `wait_started` waits until each says so."""

    def __init__(
        self, count: int, database_url: str, slack_url: str, signing_secret: str, token: str, folder: Path
    ) -> None:
        env = {
            **_environment(REPOSITORY),
            "SLACK_BOT_TOKEN": token,
            "SLACK_SIGNING_SECRET": signing_secret,
            "SLACK_API_URL": slack_url,
            "DATABASE_URL": database_url,
        }
        env.pop("SLACK_APP_TOKEN", None)
        self.logs = [folder / f"worker-{n}.log" for n in range(1, count + 1)]
        self._processes = []
        for path in self.logs:
            with path.open("ab") as log:
                self._processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bot.cli", "worker"],
                        cwd=REPOSITORY,
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )

    def wait_started(self) -> WorkerProcesses:
        deadline = time.monotonic() + STARTUP_SECONDS
        waiting = dict(zip(self.logs, self._processes, strict=True))
        while waiting:
            for path, process in list(waiting.items()):
                if process.poll() is not None:
                    raise RuntimeError(f"mentorbot worker exited with {process.returncode}; see {path}")
                if " started" in path.read_text(errors="replace"):
                    del waiting[path]
            if time.monotonic() > deadline:
                raise RuntimeError(f"mentorbot worker did not start in {STARTUP_SECONDS} s; see {self.logs}")
            time.sleep(0.05)
        return self

    def peak_rss_mb(self) -> float:
        """The largest peak RSS among the workers."""
        return max(peak_rss_mb(process.pid) for process in self._processes)

    def stop(self) -> None:
        """SIGTERM, as a container's stop: each finishes or hands back its work and exits 0."""
        for process in self._processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(timeout=STARTUP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> WorkerProcesses:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
