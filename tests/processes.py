"""Real `mentorbot` processes for the tests that start, stop and kill them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

STARTUP_SECONDS = 60
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], T], what: str, timeout: float = STARTUP_SECONDS) -> T:
    """Poll a real process's progress, bounded: we wait for it to get there, we do not make time pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def health(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as answer:
        return answer.code
    except (urllib.error.URLError, ConnectionError):
        return None


class BotProcess:
    """One `python -m bot.cli <args>` process with its own log file; `url` when it serves HTTP."""

    def __init__(self, args: Sequence[str], env: dict[str, str], folder: Path, port: int | None) -> None:
        self.args = list(args)
        self.log_path = folder / f"{args[0]}-{time.monotonic_ns()}.log"
        self.url = f"http://127.0.0.1:{port}" if port else None
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *args],
                cwd=folder,
                env={**env, **({"PORT": str(port)} if port else {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def wait_healthy(self) -> BotProcess:
        assert self.url is not None
        url = self.url
        wait_until(lambda: health(url) == 200 or self.process.poll() is not None, f"{self.args[0]} to start")
        assert self.process.poll() is None, self.log
        return self

    def wait_logged(self, text: str) -> BotProcess:
        wait_until(lambda: text in self.log or self.process.poll() is not None, f"{text!r} in the log")
        assert self.process.poll() is None, self.log
        return self

    def kill(self) -> None:
        """kill -9: no clean-up of any kind, as in an OOM or a lost machine."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM, as a container's stop; the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def bot_env(database_url: str, slack_url: str, signing_secret: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-process-test",
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": database_url,
        **extra,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return env


def run_dispatch(env: dict[str, str], folder: Path, *, after: timedelta = timedelta()) -> str:
    """`mentorbot dispatch`, as of `after` from now (past the leases of a process that died); its output."""
    now = (datetime.now(UTC) + after).isoformat()
    finished = subprocess.run(
        [sys.executable, "-m", "bot.cli", "dispatch", "--now", now],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout
