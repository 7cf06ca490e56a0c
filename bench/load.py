"""The load generator and the server processes it measures.

N threads, each with its own keep-alive `http.client.HTTPConnection`, send pre-built request bodies,
signing each just before sending (Slack's signature covers a timestamp, and Bolt refuses stale ones).
A request's latency is from just before `request()` to the last byte of the answer.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
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


@dataclass(frozen=True)
class LoadResult:
    timings: Timings
    errors: int
    elapsed: float

    @property
    def throughput(self) -> float:
        return self.timings.count / self.elapsed if self.elapsed > 0 else 0.0


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return "v0=" + digest


def send_load(url: str, signing_secret: str, bodies: Sequence[Body], concurrency: int) -> LoadResult:
    """Send every body once, `concurrency` at a time; latencies of the answers, and non-200 count."""
    parts = urlsplit(url)
    secret = signing_secret.encode()
    next_index = itertools.count()
    samples: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start = threading.Barrier(concurrency + 1)

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine = samples[slot]
        start.wait()
        while (index := next(next_index)) < len(bodies):
            body, content_type = bodies[index]
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": sign(secret, timestamp, body),
            }
            began = time.perf_counter()
            connection.request("POST", parts.path, body, headers)
            answer = connection.getresponse()
            answer.read()
            mine.append(time.perf_counter() - began)
            if answer.status != 200:
                errors[slot] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(slot,), daemon=True) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return LoadResult(Timings([s for slot in samples for s in slot]), sum(errors), elapsed)


class ServerProcess:
    """`bench.serve_target` in a subprocess: its URL, pid, peak RSS, and a way to wait for its backlog."""

    def __init__(
        self,
        app: str,
        bolt: str,
        database_url: str,
        slack_url: str,
        log: Path,
        listener_threads: int | None = None,
    ) -> None:
        self._log: IO[bytes] = log.open("ab")
        extra = ["--listener-threads", str(listener_threads)] if listener_threads else []
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
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench.serve_target did not start; see {log}")
        started = json.loads(line)
        self.url: str = started["url"]
        self.pid: int = started["pid"]

    def wait_idle(self) -> None:
        """Wait until the bot has finished the work its acks left behind (the follow-ups)."""
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
