"""Only Slack gets in: forged, stale, altered and replayed requests are refused with 401 and do nothing."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.sandbox import Sandbox
from bot.slack_double import SlackResponse
from bot.slack_double.driver import FORM, SlackDriver
from bot.slack_double.payloads import form_body, slash_command_form
from storage.models import Base

FIVE_MINUTES = 5 * 60


def rows_in_every_table(sandbox: Sandbox) -> dict[str, int]:
    with sandbox.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def web_api_calls(sandbox: Sandbox) -> list[str]:
    # Bolt checks its token with auth.test on its own schedule: not an effect of any request.
    return [call.method for call in sandbox.slack.calls if call.method != "auth.test"]


def help_command_body(sandbox: Sandbox, user_id: str = "UEVE") -> bytes:
    return form_body(
        slash_command_form(
            user_id=user_id,
            user_name=user_id.lower(),
            command="/mentor",
            text="help",
            channel_id="C0GENERAL",
            channel_name="general",
            team_id=sandbox.team_id,
            team_domain="mentorbot-test",
            api_app_id="A0001",
            trigger_id="13345224609.738474920.1",
            response_url=sandbox.slack.response_url(user_id, "C0GENERAL"),
            token="legacy-verification-token",
        )
    )


def unsigned(driver: SlackDriver, body: bytes, now: int) -> SlackResponse:
    return driver.post(body, FORM, timestamp=now, signature="")


def signed_with_another_secret(driver: SlackDriver, body: bytes, now: int) -> SlackResponse:
    forged = SignatureVerifier("not-the-signing-secret").generate_signature(timestamp=str(now), body=body)
    return driver.post(body, FORM, timestamp=now, signature=forged)


def signed_six_minutes_ago(driver: SlackDriver, body: bytes, now: int) -> SlackResponse:
    return driver.post(body, FORM, timestamp=now - FIVE_MINUTES - 60)


def signed_six_minutes_ahead(driver: SlackDriver, body: bytes, now: int) -> SlackResponse:
    return driver.post(body, FORM, timestamp=now + FIVE_MINUTES + 60)


def altered_after_signing(driver: SlackDriver, body: bytes, now: int) -> SlackResponse:
    signature = driver.sign(str(now), body)
    altered = body.replace(b"text=help", b"text=aide")
    assert altered != body
    return driver.post(altered, FORM, timestamp=now, signature=signature)


def replayed_with_a_new_timestamp(driver: SlackDriver, body: bytes, now: int) -> SlackResponse:
    captured_at = now - FIVE_MINUTES - 60  # a request seen on the wire earlier, too old to replay as is
    old_signature = driver.sign(str(captured_at), body)
    return driver.post(body, FORM, timestamp=now, signature=old_signature)


def with_a_timestamp_that_is_not_a_number(driver: SlackDriver, body: bytes, now: int) -> SlackResponse:
    signature = driver.sign(str(now), body)
    return driver.post(body, FORM, signature=signature, extra_headers={"X-Slack-Request-Timestamp": "soon"})


@pytest.mark.parametrize(
    "forge",
    [
        unsigned,
        signed_with_another_secret,
        signed_six_minutes_ago,
        signed_six_minutes_ahead,
        altered_after_signing,
        replayed_with_a_new_timestamp,
        with_a_timestamp_that_is_not_a_number,
    ],
)
def test_a_request_not_signed_by_slack_now_is_refused_and_does_nothing(
    sandbox: Sandbox, forge: Callable[[SlackDriver, bytes, int], SlackResponse]
) -> None:
    sandbox.slack.add_user("UEVE", locale="en-GB")
    before = rows_in_every_table(sandbox)

    response = forge(sandbox.driver, help_command_body(sandbox), int(time.time()))
    sandbox.settle()

    assert response.status == 401
    assert rows_in_every_table(sandbox) == before
    assert web_api_calls(sandbox) == []
    assert sandbox.slack.messages_to("UEVE") == []


def test_the_same_request_signed_by_slack_now_is_answered(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UEVE", locale="en-GB")

    response = sandbox.driver.post(help_command_body(sandbox), FORM)
    sandbox.settle()

    assert response.status == 200
    assert rows_in_every_table(sandbox)["members"] == 1
    shown = " ".join(block["text"]["text"] for block in sandbox.slack.last_message_to("UEVE").blocks)
    assert "connects students with alumni" in shown
