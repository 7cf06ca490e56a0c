"""Slack's side of a benchmark, in a process of its own: the Web API stand-in and a payload factory.

The bot under measurement calls the stand-in for its follow-up work (responses, DMs, views); keeping the
stand-in out of the bot's process and out of the load generator's means neither pays for the other's
GIL. The parent asks this process for ready-made request bodies (slash commands, view submissions,
clicks), built by the real `SlackDriver` with the trigger ids and response_urls the stand-in hands out;
the load generator signs them just before sending.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any

from slack_sdk import WebClient

from bot.slack_double import SlackDriver, SlackResponse, SlackStandIn
from bot.slack_double.web_api import Message

Body = tuple[bytes, str]  # (body, content type)
MENTION = re.compile(r"<@(U[A-Z0-9]+)>")


class _CapturingDriver(SlackDriver):
    """The real driver, but `post` keeps the body for the load generator instead of sending it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.captured: list[Body] = []

    def post(self, body: bytes, content_type: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        self.captured.append((body, content_type))
        return SlackResponse(200, {}, b"")


class SlackSide:
    """Handle on the Slack process: `SlackSide().start()`, then `call("method", ...)`."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="bench-slack", daemon=True)
        self.url = ""

    def start(self) -> SlackSide:
        self._process.start()
        self.url = self._conn.recv()
        return self

    def call(self, command: str, *args: Any) -> Any:
        self._conn.send((command, args))
        ok, answer = self._conn.recv()
        if not ok:
            raise RuntimeError(f"slack side failed on {command}: {answer}")
        return answer

    def stop(self) -> None:
        if self._process.is_alive():
            self._conn.send(("stop", ()))
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()

    def __enter__(self) -> SlackSide:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _serve(conn: Connection) -> None:
    slack = SlackStandIn().start()
    handlers = _Handlers(slack)
    conn.send(slack.url)
    while True:
        command, args = conn.recv()
        if command == "stop":
            slack.stop()
            return
        try:
            conn.send((True, getattr(handlers, command)(*args)))
        except Exception as error:  # reported to the parent, which raises
            conn.send((False, f"{type(error).__name__}: {error}"))


class _Handlers:
    """What the parent can ask of the Slack process."""

    def __init__(self, slack: SlackStandIn) -> None:
        self.slack = slack

    def _driver(self, signing_secret: str, bot_url: str = "http://127.0.0.1:9/") -> _CapturingDriver:
        return _CapturingDriver(bot_url, signing_secret, self.slack)

    def set_delay(self, method: str, seconds: float) -> None:
        self.slack.set_delay(method, seconds)

    def add_users(self, user_ids: list[str], locale: str = "fr-FR") -> None:
        for user_id in user_ids:
            self.slack.add_user(user_id, locale=locale)

    def reset(self) -> None:
        """Forget recorded traffic between runs, so the stand-in's memory stays flat."""
        self.slack.reset()

    def limit_rate(self, method: str, per_minute: float) -> None:
        """Slack's rate limit for `method`, per workspace (per token), counted afresh from now."""
        self.slack.limit_rate(method, per_minute=per_minute)

    def posts(self) -> list[tuple[str, float, int]]:
        """(channel, when, HTTP status) of every chat.postMessage, accepted or not."""
        return [
            (call.params.get("channel"), call.at, call.status)
            for call in self.slack.calls_to("chat.postMessage")
        ]

    def count_calls(self, method: str) -> int:
        return len(self.slack.calls_to(method))

    def posts_per_channel(self) -> dict[str, int]:
        """How many chat.postMessage calls went to each channel (exactly-once checks)."""
        return dict(Counter(call.params.get("channel") for call in self.slack.calls_to("chat.postMessage")))

    def first_dms(self, sent_at: dict[str, float]) -> dict[str, tuple[float | None, float | None]]:
        """For each person, when the bot's first DM to them since `sent_at[person]` reached the
        stand-in, and its first DM since then to someone else naming them (`<@U…>`: an offer to a
        mentor, a match): `chat.postMessage` calls taken, by the stand-in's clock (`time.time()`)."""
        to_them: dict[str, float] = {}
        naming_them: dict[str, float] = {}
        for call in self.slack.calls_to("chat.postMessage"):  # in the order they came
            if not call.ok:
                continue
            channel = call.params.get("channel")
            if channel in sent_at and call.at >= sent_at[channel]:
                to_them.setdefault(channel, call.at)
            for user_id in MENTION.findall(json.dumps(call.params)):
                if user_id != channel and user_id in sent_at and call.at >= sent_at[user_id]:
                    naming_them.setdefault(user_id, call.at)
        return {user_id: (to_them.get(user_id), naming_them.get(user_id)) for user_id in sent_at}

    def commands(self, signing_secret: str, user_ids: list[str], text: str = "") -> list[Body]:
        driver = self._driver(signing_secret)
        for user_id in user_ids:
            driver.slash_command(user_id, text=text)
        return driver.captured

    def submissions(
        self, signing_secret: str, view: dict, user_ids: list[str], values: dict[str, object]
    ) -> list[Body]:
        driver = self._driver(signing_secret)
        for user_id in user_ids:
            driver.submit_view(user_id, view, values)
        return driver.captured

    def offer_clicks(self, signing_secret: str, offers: list[tuple[str, dict]], action_id: str) -> list[Body]:
        """Post each offer DM (`(mentor user id, chat.postMessage kwargs)`) as the bot would, then build
        the mentor's click on `action_id` in it."""
        client = WebClient(token="xoxb-bench", base_url=self.slack.url)
        driver = self._driver(signing_secret)
        for user_id, kwargs in offers:
            answer = client.chat_postMessage(channel=user_id, **kwargs)
            posted = Message(
                channel=answer["channel"],
                ts=answer["ts"],
                text=kwargs.get("text", ""),
                blocks=kwargs.get("blocks", []),
                ephemeral=False,
                source="chat.postMessage",
            )
            driver.click(user_id, posted, action_id)
        return driver.captured

    def open_view_for(self, signing_secret: str, bot_url: str, user_id: str, text: str) -> dict:
        """Send `/mentor <text>` to the bot for real and return the modal it opens."""
        driver = SlackDriver(bot_url, signing_secret, self.slack)
        before = len(self.slack.calls_to("views.open"))
        driver.slash_command(user_id, text=text)
        deadline = time.monotonic() + 30
        while len(self.slack.calls_to("views.open")) == before:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot opened no modal")
            time.sleep(0.02)
        return self.slack.last_view_opened()
