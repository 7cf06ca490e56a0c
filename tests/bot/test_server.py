"""The HTTP face: health check, unknown paths, and one log line a request without bodies."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request

import pytest

from bot.sandbox import Sandbox


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_health_check_answers_200_when_the_database_answers(sandbox: Sandbox) -> None:
    assert get(sandbox.server.url + "/healthz") == (200, b"ok\n")


def test_unknown_paths_are_404(sandbox: Sandbox) -> None:
    status, _ = get(sandbox.server.url + "/admin")

    assert status == 404


def test_each_request_is_logged_in_one_line_without_its_body(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.slack.add_user("UANNA", locale="en-GB")
    with caplog.at_level(logging.INFO, logger="mentorbot.http"):
        sandbox.command("UANNA", "help me with my secret plans")

    lines = [record.getMessage() for record in caplog.records if record.name == "mentorbot.http"]
    assert len(lines) == 1
    assert lines[0].startswith("POST /slack/events 200 ")
    assert "secret plans" not in caplog.text
