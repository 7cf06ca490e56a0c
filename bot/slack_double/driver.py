"""Plays Slack's side of the conversation: correctly signed requests to the bot's ``/slack/events``.

Tests and ``mentorbot demo`` use it to be a person using Slack: type a slash command, click a button in
a message the bot sent, fill in and submit a modal, open the Home tab. Each request is signed with
Slack's v0 scheme and sent over real HTTP, so the bot's signature check, parsing and acks run exactly
as in production. With a :class:`SlackStandIn` attached, the driver also tells it what Slack itself would
know: which trigger_ids it handed out (so ``views.open`` can enforce the 3-second, single-use rule), which
response_urls exist, and how a modal stack changes when the bot answers a submission.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier

from bot.slack_double import payloads
from bot.slack_double.web_api import Message, SlackStandIn

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# A port nothing listens on: without a stand-in, a bot answering through response_url fails fast
# instead of reaching the real Slack.
_NOWHERE = "http://127.0.0.1:9"

# Shared by every driver so trigger and event ids stay unique when several drive one stand-in.
_trigger_numbers = itertools.count(1)
_event_numbers = itertools.count(1)


@dataclass(frozen=True)
class SlackResponse:
    """What the bot answered Slack: status, headers and raw body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The decoded body, or None for an empty ack."""
        return json.loads(self.body) if self.body.strip() else None


class SlackDriver:
    """Sends what Slack sends, signed, to the bot at ``bot_url`` (the full ``POST /slack/events`` URL)."""

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        standin: SlackStandIn | None = None,
        *,
        team_id: str = "T0001",
        api_app_id: str = "A0001",
        verification_token: str = "legacy-verification-token",
        now: Callable[[], float] = time.time,
        timeout: float = 10.0,
    ) -> None:
        self.bot_url = bot_url
        self.standin = standin
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.verification_token = verification_token
        self._verifier = SignatureVerifier(signing_secret)
        self._now = now
        self._timeout = timeout

    # -----------------------------------------------------------------------------------------------
    # The wire

    def sign(self, timestamp: str, body: bytes) -> str:
        """``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing secret."""
        return self._verifier.generate_signature(timestamp=timestamp, body=body) or ""

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> SlackResponse:
        """Send ``body`` signed (or with the given timestamp/signature, to forge bad requests).

        Never raises on an HTTP error status: a 401 is an answer tests want to look at.
        """
        request_timestamp = str(int(self._now()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": request_timestamp,
            "X-Slack-Signature": signature if signature is not None else self.sign(request_timestamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(extra_headers or {}),
        }
        request = urllib.request.Request(self.bot_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as answer:
                return SlackResponse(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as answer:
            with answer:
                return SlackResponse(answer.code, dict(answer.headers), answer.read())

    def send_interaction(self, payload: dict) -> SlackResponse:
        """Post an interaction payload the way Slack does: form field ``payload`` holding JSON."""
        return self.post(payloads.interactive_body(payload), FORM)

    # -----------------------------------------------------------------------------------------------
    # Slash commands

    def slash_command(
        self,
        user_id: str,
        command: str = "/mentor",
        text: str = "",
        *,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
    ) -> SlackResponse:
        fields = payloads.slash_command_form(
            user_id=user_id,
            user_name=self._user_name(user_id),
            command=command,
            text=text,
            channel_id=channel_id,
            channel_name=channel_name,
            team_id=self.team_id,
            team_domain=self._team_domain,
            api_app_id=self.api_app_id,
            trigger_id=self._new_trigger(user_id),
            response_url=self._new_response_url(user_id, channel_id),
            token=self.verification_token,
        )
        return self.post(payloads.form_body(fields), FORM)

    # -----------------------------------------------------------------------------------------------
    # Block actions

    def click(
        self,
        user_id: str,
        message_or_view: Message | dict,
        action_id: str,
        *,
        value: str | None = None,
        selected_option: str | dict | None = None,
    ) -> SlackResponse:
        """Use the element ``action_id`` of a message the bot sent, or of a view (modal or Home tab).

        Buttons send their own value unless ``value`` is given; selects and radio buttons need
        ``selected_option`` (an option value, looked up in the element, or a whole option);
        a ``users_select`` takes the picked user id as ``value``.
        """
        if isinstance(message_or_view, Message):
            return self._click_in_message(user_id, message_or_view, action_id, value, selected_option)
        return self._click_in_view(user_id, message_or_view, action_id, value, selected_option)

    def _click_in_message(
        self,
        user_id: str,
        message: Message,
        action_id: str,
        value: str | None,
        selected_option: str | dict | None,
    ) -> SlackResponse:
        block, element = payloads.find_element(message.blocks, action_id)
        action = payloads.element_action(
            element,
            payloads.block_id_of(block),
            self._action_ts(),
            value=value,
            selected_option=selected_option,
        )
        # An ephemeral message is not stored by Slack, so the payload carries no copy of it.
        shown_message = None if message.ephemeral else self._as_slack_message(message)
        return self.block_action(
            user_id,
            [action],
            container=payloads.message_container(message.channel, message.ts, is_ephemeral=message.ephemeral),
            channel={"id": message.channel, "name": _channel_name(message.channel)},
            message=shown_message,
            state_values=payloads.view_state_values({"blocks": message.blocks}, {}),
            response_url=self._new_response_url(user_id, message.channel, message_ts=message.ts),
        )

    def _click_in_view(
        self, user_id: str, view: dict, action_id: str, value: str | None, selected_option: str | dict | None
    ) -> SlackResponse:
        block, element = payloads.find_element(view.get("blocks") or [], action_id)
        action = payloads.element_action(
            element,
            payloads.block_id_of(block),
            self._action_ts(),
            value=value,
            selected_option=selected_option,
        )
        # What the user just picked is part of the view's state when the payload leaves Slack.
        choice = selected_option if element.get("type") in ("static_select", "radio_buttons") else value
        filled = {action_id: choice} if element.get("type") != "button" else {}
        state_values = payloads.view_state_values(view, filled)
        return self.block_action(
            user_id,
            [action],
            container=payloads.view_container(view["id"]),
            view=payloads.view_with_state(view, state_values),
            state_values=state_values,
        )

    def block_action(
        self,
        user_id: str,
        actions: list[dict],
        *,
        container: dict | None = None,
        channel: dict | None = None,
        message: dict | None = None,
        view: dict | None = None,
        state_values: dict | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> SlackResponse:
        """Send a ``block_actions`` payload built from parts, for forged or unusual interactions.

        Without a container, the actions come from a message in the user's DM.
        """
        if container is None:
            dm_channel = "D" + user_id[1:]
            container = payloads.message_container(dm_channel, "1700000000.000100", is_ephemeral=False)
        payload = payloads.block_actions_payload(
            user=self._user(user_id),
            team=self._team(),
            api_app_id=self.api_app_id,
            token=self.verification_token,
            trigger_id=trigger_id or self._new_trigger(user_id),
            container=container,
            actions=actions,
            channel=channel,
            message=message,
            view=view,
            state_values=state_values,
            response_url=response_url,
        )
        return self.send_interaction(payload)

    # -----------------------------------------------------------------------------------------------
    # Views

    def submit_view(
        self, user_id: str, view: dict, values: dict[str, object], *, check_required: bool = True
    ) -> SlackResponse:
        """Fill in ``values`` (keyed by action_id) and press the modal's submit button.

        Slack's client will not submit a modal whose required inputs are empty; neither does this,
        unless ``check_required=False`` (to forge such a submission). The bot's ack is applied to the
        stand-in's modal stack as Slack would (close, update, push, or stay open with errors).
        """
        state_values = payloads.view_state_values(view, values)
        if check_required:
            empty = payloads.required_inputs_left_empty(view, state_values)
            if empty:
                raise AssertionError(
                    f"Slack would not submit this modal: required inputs left empty: {empty}"
                )
        payload = payloads.view_submission_payload(
            user=self._user(user_id),
            team=self._team(),
            api_app_id=self.api_app_id,
            token=self.verification_token,
            trigger_id=self._new_trigger(user_id),
            view=payloads.view_with_state(view, state_values),
        )
        response = self.send_interaction(payload)
        if self.standin is not None and response.status == 200:
            ack = response.json() if response.body.strip().startswith(b"{") else None
            self.standin.view_submission_acknowledged(view["id"], ack)
        return response

    def suggest(self, user_id: str, view: dict, action_id: str, value: str) -> SlackResponse:
        """Type ``value`` into the external select ``action_id``; the response holds the offered options."""
        block, _ = payloads.find_element(view.get("blocks") or [], action_id)
        payload = payloads.block_suggestion_payload(
            user=self._user(user_id),
            team=self._team(),
            api_app_id=self.api_app_id,
            token=self.verification_token,
            view=view,
            block_id=payloads.block_id_of(block),
            action_id=action_id,
            value=value,
        )
        return self.send_interaction(payload)

    def close_view(self, user_id: str, view: dict) -> SlackResponse | None:
        """Dismiss a modal. Slack only tells the app when the view set ``notify_on_close``: None otherwise."""
        if self.standin is not None:
            self.standin.view_closed(view["id"])
        if not view.get("notify_on_close"):
            return None
        payload = payloads.view_closed_payload(
            user=self._user(user_id),
            team=self._team(),
            api_app_id=self.api_app_id,
            token=self.verification_token,
            view=view,
        )
        return self.send_interaction(payload)

    # -----------------------------------------------------------------------------------------------
    # Events API

    def event(
        self,
        event: dict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> SlackResponse:
        """Deliver one event in its ``event_callback`` envelope; ``retry_num`` marks a redelivery."""
        envelope = payloads.event_callback_envelope(
            event,
            token=self.verification_token,
            team_id=self.team_id,
            api_app_id=self.api_app_id,
            event_id=event_id or f"Ev{next(_event_numbers):08d}",
            event_time=int(self._now()),
            bot_user_id=self.standin.bot_user_id if self.standin else "U0BOT",
        )
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.post(json.dumps(envelope).encode(), JSON, extra_headers=headers)

    def url_verification(self, challenge: str) -> SlackResponse:
        payload = payloads.url_verification_payload(challenge, token=self.verification_token)
        return self.post(json.dumps(payload).encode(), JSON)

    def app_home_opened(self, user_id: str) -> SlackResponse:
        """The user opens the app's Home tab (the event carries the Home view once one was published)."""
        home = self.standin.home_of(user_id) if self.standin else None
        event = payloads.app_home_opened_event(
            user_id, channel_id="D" + user_id[1:], event_ts=self._action_ts(), view=home
        )
        return self.event(event)

    def direct_message(self, user_id: str, text: str, *, thread_ts: str | None = None) -> SlackResponse:
        """``user_id`` writes ``text`` in the app's DM (``message.im``), in a thread when ``thread_ts``."""
        event = payloads.direct_message_event(
            user_id,
            text,
            channel_id="D" + user_id[1:],
            ts=self._action_ts(),
            team_id=self.team_id,
            thread_ts=thread_ts,
        )
        return self.event(event)

    def user_change(self, user_id: str) -> SlackResponse:
        """Tell the app that ``user_id``'s data changed, with their user object as the stand-in now holds
        it: after ``standin.deactivate_user`` it carries ``deleted: true``, after reactivation ``false``."""
        if self.standin is None:
            raise AssertionError("user_change needs a stand-in: the event carries the member's user object")
        event = payloads.user_change_event(
            self.standin.user_object(user_id), event_ts=self._action_ts(), cache_ts=int(self._now())
        )
        return self.event(event)

    def tokens_revoked(
        self, *, bot: list[str] | None = None, oauth: list[str] | None = None
    ) -> SlackResponse:
        """Tell the app some of its tokens were revoked; ``bot``/``oauth`` list whose tokens they were."""
        return self.event(payloads.tokens_revoked_event(oauth=oauth, bot=bot))

    def app_uninstalled(self) -> SlackResponse:
        """Tell the app it was uninstalled from the workspace."""
        return self.event(payloads.app_uninstalled_event())

    # -----------------------------------------------------------------------------------------------
    # What Slack knows about people, and the ids it hands out

    @property
    def _team_domain(self) -> str:
        return self.standin.team_domain if self.standin else "mentorbot-test"

    def _user_name(self, user_id: str) -> str:
        return self.standin.user_name(user_id) if self.standin else user_id.lower()

    def _user(self, user_id: str) -> dict:
        return payloads.user_object(user_id, self._user_name(user_id), self.team_id)

    def _team(self) -> dict:
        return payloads.team_object(self.team_id, self._team_domain)

    def _action_ts(self) -> str:
        return f"{self._now():.6f}"

    def _new_trigger(self, user_id: str) -> str:
        trigger_id = f"13345224609.738474920.{next(_trigger_numbers)}"
        if self.standin is not None:
            self.standin.register_trigger(trigger_id, user_id)
        return trigger_id

    def _new_response_url(self, user_id: str, channel_id: str, *, message_ts: str | None = None) -> str:
        if self.standin is None:
            return f"{_NOWHERE}/commands/{self.team_id}/{next(_trigger_numbers)}"
        return self.standin.response_url(user_id, channel_id, message_ts=message_ts)

    def _as_slack_message(self, message: Message) -> dict:
        if self.standin is not None:
            return self.standin.as_slack_message(message)
        return payloads.bot_message(
            text=message.text,
            ts=message.ts,
            blocks=message.blocks,
            bot_user_id="U0BOT",
            bot_id="B0BOT",
            app_id=self.api_app_id,
            team_id=self.team_id,
            thread_ts=message.thread_ts,
        )


def _channel_name(channel_id: str) -> str:
    # Slack names DMs "directmessage" and group DMs "privategroup" in interaction payloads.
    if channel_id.startswith("D"):
        return "directmessage"
    if channel_id.startswith("G"):
        return "privategroup"
    return channel_id.lower()
