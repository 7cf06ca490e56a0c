"""The database away for a moment: people are told to try again in a minute, `/healthz` says 503, and the
bot recovers by itself once the database is back, with no restart.

PostgreSQL is reached through a TCP proxy the test cuts and restores (the shared server is never
stopped); SQLite's directory is moved away and back, after the pool let go of its open files.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.i18n import t
from bot.sandbox import Sandbox, start_sandbox
from tests.tcp_proxy import TcpProxy


class Outage:
    """Takes the sandbox's database away and gives it back."""

    def __init__(self, sandbox: Sandbox, proxy: TcpProxy | None, sqlite_dir: Path | None) -> None:
        self.sandbox, self._proxy, self._sqlite_dir = sandbox, proxy, sqlite_dir

    def begin(self) -> None:
        if self._proxy is not None:
            self._proxy.cut()
        else:
            assert self._sqlite_dir is not None
            self._sqlite_dir.rename(self._away)
            self.sandbox.engine.dispose()  # open connections would still reach the moved file

    def end(self) -> None:
        if self._proxy is not None:
            self._proxy.restore()
        else:
            self._away.rename(self._sqlite_dir)  # type: ignore[arg-type]

    @property
    def _away(self) -> Path:
        assert self._sqlite_dir is not None
        return self._sqlite_dir.with_name(self._sqlite_dir.name + "-away")


@pytest.fixture
def outage(database_url: str, clock: ManualClock, tmp_path: Path) -> Iterator[Outage]:
    url = make_url(database_url)
    proxy: TcpProxy | None = None
    sqlite_dir: Path | None = None
    if url.get_backend_name() == "sqlite":
        sqlite_dir = tmp_path / "reachable"
        sqlite_dir.mkdir()
        shutil.copy(str(url.database), sqlite_dir / "mentorbot.db")
        bot_url = f"sqlite:///{sqlite_dir / 'mentorbot.db'}"
    else:
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
        bot_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    sandbox = start_sandbox(bot_url, clock)
    try:
        yield Outage(sandbox, proxy, sqlite_dir)
    finally:
        sandbox.stop()
        if proxy is not None:
            proxy.stop()


def health_status(sandbox: Sandbox) -> int:
    try:
        with urllib.request.urlopen(sandbox.server.url + "/healthz", timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as answer:
        return answer.code


def help_text_to(sandbox: Sandbox, user_id: str) -> str:
    return " ".join(block["text"]["text"] for block in sandbox.slack.last_message_to(user_id).blocks)


def test_while_the_database_is_away_people_are_told_to_try_again_and_health_says_503(
    outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = outage.sandbox
    sandbox.slack.add_user("USAM", locale="en-GB")
    assert health_status(sandbox) == 200

    outage.begin()
    response = sandbox.command("USAM", "help")

    assert response.status == 200  # the ack needs no database
    assert sandbox.slack.last_message_to("USAM").text == t("fr", "common.try_again_later")
    assert [r.levelname for r in caplog.records if r.name == "mentorbot.listeners"] == ["ERROR"]
    assert health_status(sandbox) == 503


def test_the_bot_recovers_by_itself_when_the_database_is_back(outage: Outage) -> None:
    sandbox = outage.sandbox
    sandbox.slack.add_user("USAM", locale="en-GB")
    sandbox.command("USAM", "help")  # the pool now holds connections the outage will break

    outage.begin()
    sandbox.command("USAM", "help")
    assert health_status(sandbox) == 503
    outage.end()

    assert health_status(sandbox) == 200
    sandbox.slack.reset()
    response = sandbox.command("USAM", "help")
    assert response.status == 200
    assert "connects students with alumni" in help_text_to(sandbox, "USAM")
