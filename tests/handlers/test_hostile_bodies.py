"""Hostile and broken input gets a clear 4xx, never a 500, does nothing, and the bot keeps serving."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, select

from bot.sandbox import Sandbox
from bot.server import MAX_REQUEST_BODY_BYTES
from bot.slack_double.driver import FORM, JSON
from storage.models import Base


def rows_in_every_table(sandbox: Sandbox) -> dict[str, int]:
    with sandbox.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def web_api_calls(sandbox: Sandbox) -> list[str]:
    return [call.method for call in sandbox.slack.calls if call.method != "auth.test"]


def assert_nothing_happened(sandbox: Sandbox, rows_before: dict[str, int]) -> None:
    sandbox.settle()
    assert rows_in_every_table(sandbox) == rows_before
    assert web_api_calls(sandbox) == []


def assert_still_serving(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UCHECK", locale="en-GB")
    assert sandbox.command("UCHECK", "help").status == 200
    assert sandbox.slack.last_message_to("UCHECK").text


def test_a_signed_payload_that_is_not_json_gets_400(sandbox: Sandbox) -> None:
    before = rows_in_every_table(sandbox)

    response = sandbox.driver.post(urlencode({"payload": '{"type": "block_actions", '}).encode(), FORM)

    assert response.status == 400
    assert_nothing_happened(sandbox, before)
    assert_still_serving(sandbox)


def test_a_signed_payload_that_is_json_but_not_an_object_gets_400(sandbox: Sandbox) -> None:
    before = rows_in_every_table(sandbox)

    response = sandbox.driver.post(urlencode({"payload": json.dumps(["block_actions"])}).encode(), FORM)

    assert response.status == 400
    assert_nothing_happened(sandbox, before)


def test_a_signed_event_body_that_is_not_json_gets_400(sandbox: Sandbox) -> None:
    before = rows_in_every_table(sandbox)

    response = sandbox.driver.post(b'{"type": "event_callback", "event": {', JSON)

    assert response.status == 400
    assert_nothing_happened(sandbox, before)


def status_of_oversized_post(sandbox: Sandbox, body: bytes) -> int:
    """POST `body`, signed, over a raw socket: the server answers on the declared length and closes,
    so the client stops sending at the first refusal rather than failing on a reset connection."""
    timestamp = str(int(time.time()))
    url = urlsplit(sandbox.driver.bot_url)
    head = (
        f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: {FORM}\r\n"
        f"Content-Length: {len(body)}\r\nX-Slack-Request-Timestamp: {timestamp}\r\n"
        f"X-Slack-Signature: {sandbox.driver.sign(timestamp, body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(head + body[: 64 * 1024])
        status_line = connection.makefile("rb").readline().decode()
    return int(status_line.split(" ")[1])


def test_a_body_over_the_size_limit_gets_413_and_does_nothing(sandbox: Sandbox) -> None:
    before = rows_in_every_table(sandbox)
    two_mebibytes = urlencode({"payload": json.dumps({"type": "block_actions", "pad": "x" * 2**21})}).encode()
    assert len(two_mebibytes) > MAX_REQUEST_BODY_BYTES

    status = status_of_oversized_post(sandbox, two_mebibytes)

    assert status == 413
    assert_nothing_happened(sandbox, before)
    assert_still_serving(sandbox)


def test_a_submission_of_a_view_the_bot_never_opened_gets_404_and_does_nothing(sandbox: Sandbox) -> None:
    """No listener knows its callback_id, so Bolt answers 404 "unhandled request": Slack then shows an
    error in the modal. That is the right answer to a view mentorbot did not open (a forgery, or a modal
    of a removed feature): refusing is clearer than a silent ack that would close it as if it worked."""
    before = rows_in_every_table(sandbox)
    forged_view = {"id": "V0FORGED", "type": "modal", "callback_id": "not_a_mentorbot_view", "blocks": []}

    response = sandbox.driver.submit_view("UMAX", forged_view, {})

    assert response.status == 404
    assert_nothing_happened(sandbox, before)
    assert_still_serving(sandbox)
