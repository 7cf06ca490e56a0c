"""Socket Mode: Slack's requests arrive as envelopes on a WebSocket, are acknowledged on it, and have the
same effects as over HTTP. The bot finds the socket the way it does in production: `apps.connections.open`
on its Web API client answers the URL of a local stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import select

from bot import ids
from bot.sandbox import Sandbox
from bot.slack_double.socket_mode import SocketModeDriver, SocketModeStandIn
from storage.models import Member, Role


@pytest.fixture
def over_the_socket(sandbox: Sandbox) -> Iterator[SocketModeDriver]:
    socket = SocketModeStandIn().start()
    sandbox.slack.set_socket_mode_url(socket.url)
    handler = SocketModeHandler(sandbox.app, "xapp-1-A0001-test")
    handler.connect()
    try:
        socket.wait_for_app()
        yield SocketModeDriver(socket, sandbox.slack)
    finally:
        # Hanging up from Slack's side first: the client's close otherwise waits out its 3 s receive.
        socket.stop()
        handler.close()


def acks_received(driver: SocketModeDriver) -> list[dict]:
    return [message for message in driver.socket.received if "envelope_id" in message]


def test_the_bot_opens_its_socket_with_its_app_token(
    sandbox: Sandbox, over_the_socket: SocketModeDriver
) -> None:
    [opened] = sandbox.slack.calls_to("apps.connections.open")
    assert opened.ok


def test_a_slash_command_over_the_socket_is_acknowledged_and_answered(
    sandbox: Sandbox, over_the_socket: SocketModeDriver
) -> None:
    sandbox.slack.add_user("UPIA", locale="en-GB")

    response = over_the_socket.slash_command("UPIA", text="help")
    sandbox.settle()

    assert response.status == 200
    assert len(acks_received(over_the_socket)) == 1
    help_shown = " ".join(b["text"]["text"] for b in sandbox.slack.last_message_to("UPIA").blocks)
    assert "connects students with alumni" in help_shown


def test_a_button_over_the_socket_has_the_same_effect_as_over_http(
    sandbox: Sandbox, over_the_socket: SocketModeDriver
) -> None:
    sandbox.slack.add_user("UPIA", locale="en-GB")
    over_the_socket.slash_command("UPIA")
    sandbox.settle()
    question = sandbox.slack.last_message_to("UPIA")

    over_the_socket.click("UPIA", question, ids.CHOOSE_ROLE_STUDENT)
    sandbox.settle()

    assert len(acks_received(over_the_socket)) == 2
    with sandbox.bot.sessions() as session:
        assert session.scalar(select(Member.role).where(Member.slack_user_id == "UPIA")) == Role.STUDENT
    menu = sandbox.slack.last_message_to("UPIA")
    action_ids = [e["action_id"] for b in menu.blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids.OPEN_REQUEST_MODAL in action_ids
