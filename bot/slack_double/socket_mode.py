"""Slack's Socket Mode played locally: a WebSocket server speaking Slack's envelope protocol.

In Socket Mode the app calls ``apps.connections.open`` (answered by :class:`SlackStandIn` with
``set_socket_mode_url(stand_in.url)``), opens a WebSocket to the URL it gets, receives ``hello``, and then
Slack's requests arrive as envelopes::

    {"envelope_id": "...", "type": "slash_commands" | "interactive" | "events_api",
     "payload": {...}, "accepts_response_payload": true | false}

which the app acknowledges on the same socket with ``{"envelope_id": "...", "payload": {...}?}``.

:class:`SocketModeDriver` is a :class:`SlackDriver` whose requests travel as envelopes instead of signed
HTTP posts, so every driver helper (slash commands, clicks, submissions, events) works over the socket,
and its answer is the acknowledgement the app sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import uuid
from typing import Any
from urllib.parse import parse_qsl

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from bot.slack_double.driver import JSON, SlackDriver, SlackResponse
from bot.slack_double.web_api import SlackStandIn

# Slack lets the app answer these with a payload in the ack (a view_submission's response_action, the
# options of an external select, a slash command's first message); block actions and events it does not.
_ACCEPTS_RESPONSE_PAYLOAD = {"view_submission", "block_suggestion"}


class SocketModeStandIn:
    """A WebSocket server on 127.0.0.1, port 0, in a thread with its own asyncio loop."""

    def __init__(self, *, app_id: str = "A0001") -> None:
        self.app_id = app_id
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="socket-mode-standin", daemon=True
        )
        self._server: Server | None = None
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, dict] = {}
        self._changed = threading.Condition()
        self._envelope_numbers = itertools.count(1)
        self.received: list[dict] = []  # every message the app sent, acks included

    # -----------------------------------------------------------------------------------------------
    # Life cycle

    def start(self) -> SocketModeStandIn:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> Server:
        return await serve(self._talk_to_app, "127.0.0.1", 0)

    def stop(self) -> None:
        if self._server is not None:
            server = self._server
            self._server = None

            async def close() -> None:
                server.close()
                await server.wait_closed()

            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def __enter__(self) -> SocketModeStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """What ``apps.connections.open`` hands the app."""
        if self._server is None:
            raise RuntimeError("the Socket Mode stand-in is not started")
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4()}&app_id={self.app_id}"

    # -----------------------------------------------------------------------------------------------
    # The conversation with the app

    async def _talk_to_app(self, connection: ServerConnection) -> None:
        await connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "socket-mode-standin", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            async for raw in connection:
                message = json.loads(raw)
                with self._changed:
                    self.received.append(message)
                    if isinstance(message, dict) and "envelope_id" in message:
                        self._acks[message["envelope_id"]] = message
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._connections.remove(connection)
                self._changed.notify_all()

    def wait_for_app(self, timeout: float = 10) -> None:
        """Wait until the app has connected (and been greeted)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._connections, timeout=timeout):
                raise TimeoutError(f"no app connected to the Socket Mode stand-in within {timeout} s")

    def send_envelope(
        self, envelope_type: str, payload: dict, *, accepts_response_payload: bool, **extra: Any
    ) -> str:
        """Send one request to the connected app; returns its ``envelope_id``."""
        with self._changed:
            if not self._connections:
                raise RuntimeError("no app is connected to the Socket Mode stand-in")
            connection = self._connections[-1]
        envelope_id = f"{uuid.uuid4()}-{next(self._envelope_numbers)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }
        asyncio.run_coroutine_threadsafe(connection.send(json.dumps(envelope)), self._loop).result(timeout=10)
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 10) -> dict:
        """The app's acknowledgement of an envelope: ``{"envelope_id": ..., "payload": ...?}``."""
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout=timeout):
                raise TimeoutError(f"envelope {envelope_id} not acknowledged within {timeout} s")
            return self._acks[envelope_id]


class SocketModeDriver(SlackDriver):
    """A :class:`SlackDriver` that delivers over Socket Mode: what would be posted becomes an envelope."""

    def __init__(
        self, socket: SocketModeStandIn, standin: SlackStandIn | None = None, *, ack_timeout: float = 10
    ) -> None:
        # Nothing is signed over the socket (the app authenticated itself with its xapp- token).
        super().__init__("ws-only", "unused-signing-secret", standin)
        self.socket = socket
        self.ack_timeout = ack_timeout

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> SlackResponse:
        headers = extra_headers or {}
        if content_type.startswith(JSON):
            extra: dict[str, Any] = {}
            if "X-Slack-Retry-Num" in headers:
                extra = {
                    "retry_attempt": int(headers["X-Slack-Retry-Num"]),
                    "retry_reason": headers.get("X-Slack-Retry-Reason", "timeout"),
                }
            envelope_id = self.socket.send_envelope(
                "events_api", json.loads(body), accepts_response_payload=False, **extra
            )
        else:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            if "payload" in fields:
                payload = json.loads(fields["payload"])
                envelope_id = self.socket.send_envelope(
                    "interactive",
                    payload,
                    accepts_response_payload=payload.get("type") in _ACCEPTS_RESPONSE_PAYLOAD,
                )
            else:
                envelope_id = self.socket.send_envelope(
                    "slash_commands", fields, accepts_response_payload=True
                )
        ack = self.socket.wait_for_ack(envelope_id, timeout=self.ack_timeout)
        answer = ack.get("payload")
        return SlackResponse(200, {}, json.dumps(answer).encode() if answer else b"")
