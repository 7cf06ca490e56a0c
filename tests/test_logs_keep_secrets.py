"""Tokens, the signing secret and request signatures never reach the logs, even at DEBUG, over a whole
session: commands, clicks, events, a failing listener, forged and broken requests; in the text format
and in the JSON one (`MENTORBOT_LOG_FORMAT=json`), which is also one JSON object a line."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from bot import ids
from bot.cli import log_formatter
from bot.context import BotContext
from bot.members import Person
from bot.outcome import Outcome
from bot.sandbox import BOT_TOKEN, SIGNING_SECRET, Sandbox
from bot.slack_double.driver import FORM
from bot.slack_double.payloads import app_home_opened_event, interactive_body
from handlers.background import in_background
from storage.models import Member


def fails(bot: BotContext, person: Person, body: dict) -> Outcome:
    raise RuntimeError("a listener failed")


@contextmanager
def json_logs() -> Iterator[io.StringIO]:
    """What the root logger writes meanwhile, formatted as `mentorbot` does with MENTORBOT_LOG_FORMAT=json."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(log_formatter("json"))
    logging.getLogger().addHandler(handler)
    try:
        yield written
    finally:
        logging.getLogger().removeHandler(handler)


def test_a_whole_session_logs_no_token_secret_or_signature_as_text_or_json(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    signatures: list[str] = []
    sign = sandbox.driver.sign

    def recording_sign(timestamp: str, body: bytes) -> str:
        signatures.append(sign(timestamp, body))
        return signatures[-1]

    sandbox.driver.sign = recording_sign  # type: ignore[method-assign]
    sandbox.app.action("test_failing_button")(in_background(sandbox.bot, fails))
    sandbox.slack.add_user("UKIM", locale="fr-FR")

    with json_logs() as json_written:
        sandbox.command("UKIM")
        sandbox.click("UKIM", sandbox.slack.last_message_to("UKIM"), ids.CHOOSE_ROLE_STUDENT)
        sandbox.command("UKIM", "aide")
        sandbox.event(app_home_opened_event("UKIM", channel_id="DKIM", event_ts="1.0"), event_id="Ev0SECRET")
        sandbox.driver.block_action(
            "UKIM", [{"type": "button", "action_id": "test_failing_button", "value": "x"}]
        )
        # Forged and broken: a replayed signature, a wrong one, a body that does not parse.
        now = int(time.time())
        body = interactive_body({"type": "block_actions", "user": {"id": "UKIM"}})
        replayed = sandbox.driver.post(body, FORM, timestamp=now, signature=sign(str(now - 600), body))
        signatures.append(sign(str(now - 600), body))
        wrong = sandbox.driver.post(body, FORM, timestamp=now, signature="v0=" + "0" * 64)
        broken = sandbox.driver.post(b"payload=%7Bnot-json", FORM)
        sandbox.settle()

    assert (replayed.status, wrong.status, broken.status) == (401, 401, 400)
    with sandbox.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Member)) == 1
    lines = json_written.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]  # each line is one JSON object, tracebacks included
    assert len(entries) == len(caplog.records)
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    failure = next(entry for entry in entries if "exception" in entry)
    assert failure["level"] == "ERROR" and "RuntimeError: a listener failed" in failure["exception"]

    logged = caplog.text + "\n".join(str(record.__dict__) for record in caplog.records)
    assert "listener failed" in logged and len(caplog.records) > 50  # the session was really logged
    for written in (logged, "\n".join(lines)):
        assert BOT_TOKEN not in written
        assert SIGNING_SECRET not in written
        leaked = [signature for signature in signatures if signature.removeprefix("v0=") in written]
        assert leaked == []
    assert len(signatures) == 7  # six requests signed now, one replayed
