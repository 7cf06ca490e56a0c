"""Tokens, the signing secret and request signatures never reach the logs, even at DEBUG, over a whole
session: commands, clicks, events, a failing listener, forged and broken requests."""

from __future__ import annotations

import logging
import time

import pytest
from slack_bolt import Respond
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot import ids
from bot.context import BotContext
from bot.sandbox import BOT_TOKEN, SIGNING_SECRET, Sandbox
from bot.slack_double.driver import FORM
from bot.slack_double.payloads import app_home_opened_event, interactive_body
from handlers.background import in_background
from storage.models import Member


def fails(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    raise RuntimeError("a listener failed")


def test_a_whole_session_logs_no_token_secret_or_signature(
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
    logged = caplog.text + "\n".join(str(record.__dict__) for record in caplog.records)
    assert "listener failed" in logged and len(caplog.records) > 50  # the session was really logged
    assert BOT_TOKEN not in logged
    assert SIGNING_SECRET not in logged
    assert len(signatures) == 7  # six requests signed now, one replayed
    leaked = [signature for signature in signatures if signature.removeprefix("v0=") in logged]
    assert leaked == []
