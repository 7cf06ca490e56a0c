"""The driver's signed requests are accepted by a real Bolt app, and refused when forged.

A minimal Bolt app (not mentorbot's) is served over HTTP on port 0 and talks to the stand-in: if Bolt
routes the driver's payloads to the right listeners, real Slack payloads of the same shape will too.
"""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.slack_double import SlackDriver, SlackStandIn

SIGNING_SECRET = "test-signing-secret"

TOPICS = [
    {"text": {"type": "plain_text", "text": "Careers"}, "value": "careers"},
    {"text": {"type": "plain_text", "text": "Studies"}, "value": "studies"},
]


def request_modal() -> dict:
    return {
        "type": "modal",
        "callback_id": "mentor_request",
        "notify_on_close": True,
        "private_metadata": "request-1",
        "title": {"type": "plain_text", "text": "Find a mentor"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "goal",
                "label": {"type": "plain_text", "text": "Your goal"},
                "element": {"type": "plain_text_input", "action_id": "goal_text"},
            },
            {
                "type": "input",
                "block_id": "topic",
                "label": {"type": "plain_text", "text": "Topic"},
                "element": {"type": "static_select", "action_id": "topic_pick", "options": TOPICS},
            },
            {
                "type": "input",
                "block_id": "school",
                "optional": True,
                "label": {"type": "plain_text", "text": "School"},
                "element": {"type": "external_select", "action_id": "school_pick", "min_query_length": 2},
            },
        ],
    }


def offer_blocks() -> list[dict]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Bob offers to mentor you."}},
        {
            "type": "actions",
            "block_id": "offer",
            "elements": [
                {
                    "type": "button",
                    "action_id": "accept_offer",
                    "text": {"type": "plain_text", "text": "Accept"},
                    "value": "offer-7",
                }
            ],
        },
    ]


def build_app(standin: SlackStandIn, seen: dict[str, list]) -> App:
    """A tiny Bolt app with one listener per kind of request the driver sends."""
    app = App(
        signing_secret=SIGNING_SECRET,
        token="xoxb-test",
        client=WebClient(token="xoxb-test", base_url=standin.url),
        token_verification_enabled=False,
        process_before_response=True,  # listeners finish before the HTTP answer: no waiting in tests
    )

    @app.command("/mentor")
    def mentor_command(ack, body, respond, client) -> None:
        ack()
        seen["commands"].append(body)
        if body["text"] == "request":
            client.views_open(trigger_id=body["trigger_id"], view=request_modal())
        elif body["text"] == "by dm":
            client.chat_postMessage(channel=body["user_id"], text="An offer", blocks=offer_blocks())
        else:
            respond(text="An offer", blocks=offer_blocks())

    @app.action("accept_offer")
    def accept_offer(ack, body, respond) -> None:
        ack()
        seen["actions"].append(body)
        respond(replace_original=True, text=f"Accepted {body['actions'][0]['value']}")

    @app.action("refresh_home")
    def refresh_home(ack, body) -> None:
        ack()
        seen["actions"].append(body)

    @app.view("mentor_request")
    def mentor_request(ack, body, view) -> None:
        seen["submissions"].append(body)
        goal = view["state"]["values"]["goal"]["goal_text"]["value"]
        if len(goal) < 5:
            ack(response_action="errors", errors={"goal": "Tell us a bit more"})
        else:
            ack()

    @app.view_closed("mentor_request")
    def mentor_request_closed(ack, body) -> None:
        ack()
        seen["closed"].append(body)

    @app.options("school_pick")
    def school_options(ack, payload) -> None:
        ack(options=[{"text": {"type": "plain_text", "text": f"{payload['value']} High"}, "value": "s-1"}])

    @app.event("app_home_opened")
    def home_opened(event, client) -> None:
        seen["events"].append(event)
        home = {
            "type": "home",
            "blocks": [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "refresh_home",
                            "text": {"type": "plain_text", "text": "Refresh"},
                        }
                    ],
                }
            ],
        }
        client.views_publish(user_id=event["user"], view=home)

    @app.event("user_change")
    @app.event("tokens_revoked")
    @app.event("app_uninstalled")
    def workspace_changed(event) -> None:
        seen["events"].append(event)

    return app


class QuietWSGIRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(server: HTTPServer | WSGIServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        running.add_user("U0ALICE", name="alice")
        yield running


@pytest.fixture
def seen() -> dict[str, list]:
    return {"commands": [], "actions": [], "submissions": [], "closed": [], "events": []}


@pytest.fixture
def driver(standin: SlackStandIn, seen: dict[str, list]) -> Iterator[SlackDriver]:
    server = make_server(
        "127.0.0.1", 0, SlackRequestHandler(build_app(standin, seen)), handler_class=QuietWSGIRequestHandler
    )
    thread = serve(server)
    yield SlackDriver(f"http://127.0.0.1:{server.server_port}/slack/events", SIGNING_SECRET, standin)
    server.shutdown()
    server.server_close()
    thread.join()


# --- signatures -------------------------------------------------------------------------------------


def test_wrong_signature_is_refused_401(driver: SlackDriver, seen: dict[str, list]) -> None:
    response = driver.post(b"command=%2Fmentor", "application/x-www-form-urlencoded", signature="v0=forged")

    assert response.status == 401
    assert seen["commands"] == []


def test_request_signed_six_minutes_ago_is_refused_401(driver: SlackDriver) -> None:
    response = driver.post(
        b"command=%2Fmentor", "application/x-www-form-urlencoded", timestamp=int(time.time()) - 360
    )

    assert response.status == 401


def test_url_verification_echoes_the_challenge(driver: SlackDriver) -> None:
    response = driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")

    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


# --- commands and clicks ----------------------------------------------------------------------------


def test_slash_command_reaches_the_listener_and_its_reply_reaches_the_user(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    response = driver.slash_command("U0ALICE", "/mentor", "help")

    assert response.status == 200
    [command] = seen["commands"]
    assert (command["user_id"], command["user_name"], command["text"]) == ("U0ALICE", "alice", "help")
    assert standin.last_message_to("U0ALICE").text == "An offer"


def test_click_on_a_button_sends_its_value_and_the_reply_replaces_the_message(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "help")
    offer = standin.last_message_to("U0ALICE")

    response = driver.click("U0ALICE", offer, "accept_offer")

    assert response.status == 200
    [click] = seen["actions"]
    assert click["actions"][0]["value"] == "offer-7"
    assert click["container"] == {
        "type": "message",
        "message_ts": offer.ts,
        "channel_id": "C0GENERAL",
        "is_ephemeral": True,
    }
    assert "message" not in click  # Slack keeps no copy of ephemeral messages
    assert [m.text for m in standin.messages_to("U0ALICE")] == ["Accepted offer-7"]


def test_click_in_a_dm_carries_the_message_and_the_reply_replaces_it(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "by dm")
    offer = standin.last_message_to("U0ALICE")

    driver.click("U0ALICE", offer, "accept_offer")

    [click] = seen["actions"]
    assert (click["channel"]["id"], click["container"]["is_ephemeral"]) == ("D0ALICE", False)
    assert (click["message"]["ts"], click["message"]["blocks"]) == (offer.ts, offer.blocks)
    assert [(m.ts, m.text) for m in standin.messages_to("U0ALICE")] == [(offer.ts, "Accepted offer-7")]


def test_clicking_an_action_id_the_message_lacks_lists_those_it_has(
    driver: SlackDriver, standin: SlackStandIn
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "help")

    with pytest.raises(AssertionError, match="accept_offer"):
        driver.click("U0ALICE", standin.last_message_to("U0ALICE"), "decline_offer")


# --- modals -----------------------------------------------------------------------------------------


def test_command_opens_a_modal_for_the_user_who_typed_it(driver: SlackDriver, standin: SlackStandIn) -> None:
    driver.slash_command("U0ALICE", "/mentor", "request")

    [modal] = standin.open_views_of("U0ALICE")
    assert modal["callback_id"] == "mentor_request"


def test_submission_reaches_the_listener_with_slack_shaped_state_and_closes_the_modal(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "request")
    modal = standin.last_view_opened()

    response = driver.submit_view(
        "U0ALICE", modal, {"goal_text": "Find an internship", "topic_pick": "studies"}
    )

    assert response.status == 200
    values = seen["submissions"][0]["view"]["state"]["values"]
    assert values["goal"]["goal_text"] == {"type": "plain_text_input", "value": "Find an internship"}
    assert values["topic"]["topic_pick"]["selected_option"] == TOPICS[1]
    assert values["school"]["school_pick"] == {"type": "external_select", "selected_option": None}
    assert seen["submissions"][0]["view"]["private_metadata"] == "request-1"
    assert standin.open_views_of("U0ALICE") == []


def test_submission_answered_with_errors_keeps_the_modal_open(
    driver: SlackDriver, standin: SlackStandIn
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "request")
    modal = standin.last_view_opened()

    response = driver.submit_view("U0ALICE", modal, {"goal_text": "Hm", "topic_pick": "careers"})

    assert response.json() == {"response_action": "errors", "errors": {"goal": "Tell us a bit more"}}
    assert [v["id"] for v in standin.open_views_of("U0ALICE")] == [modal["id"]]


def test_slack_will_not_submit_a_modal_with_a_required_input_empty(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "request")

    with pytest.raises(AssertionError, match="topic_pick"):
        driver.submit_view("U0ALICE", standin.last_view_opened(), {"goal_text": "Find an internship"})
    assert seen["submissions"] == []


def test_typing_in_an_external_select_asks_the_app_for_options(
    driver: SlackDriver, standin: SlackStandIn
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "request")

    response = driver.suggest("U0ALICE", standin.last_view_opened(), "school_pick", "Lyc")

    assert response.json()["options"][0]["text"]["text"] == "Lyc High"


def test_closing_a_modal_that_asked_to_be_told_sends_view_closed(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    driver.slash_command("U0ALICE", "/mentor", "request")

    response = driver.close_view("U0ALICE", standin.last_view_opened())

    assert response is not None and response.status == 200
    assert seen["closed"][0]["type"] == "view_closed"
    assert standin.open_views_of("U0ALICE") == []


# --- events -----------------------------------------------------------------------------------------


def test_deactivation_reaches_the_app_as_user_change_with_deleted_true(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    standin.deactivate_user("U0ALICE")
    driver.user_change("U0ALICE")
    standin.reactivate_user("U0ALICE")
    driver.user_change("U0ALICE")

    assert [event["type"] for event in seen["events"]] == ["user_change", "user_change"]
    assert [event["user"]["deleted"] for event in seen["events"]] == [True, False]
    assert seen["events"][0]["user"]["id"] == "U0ALICE"


def test_tokens_revoked_and_app_uninstalled_reach_the_app(driver: SlackDriver, seen: dict[str, list]) -> None:
    driver.tokens_revoked(bot=["U0BOT"])
    driver.app_uninstalled()

    assert seen["events"] == [
        {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT"]}},
        {"type": "app_uninstalled"},
    ]


def test_app_home_opened_lets_the_app_publish_a_home_the_user_can_click(
    driver: SlackDriver, standin: SlackStandIn, seen: dict[str, list]
) -> None:
    driver.app_home_opened("U0ALICE")
    home = standin.home_of("U0ALICE")

    driver.click("U0ALICE", home, "refresh_home")

    assert seen["events"][0]["tab"] == "home"
    [click] = seen["actions"]
    assert click["container"] == {"type": "view", "view_id": home["id"]}
    assert "response_url" not in click


class RecordingReceiver(BaseHTTPRequestHandler):
    """Stands for any app: checks the signature with slack_sdk and keeps what arrived."""

    received: ClassVar[list[tuple[dict, dict]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        valid = SignatureVerifier(SIGNING_SECRET).is_valid_request(body, dict(self.headers))
        self.received.append((dict(self.headers), json.loads(body)))
        self.send_response(200 if valid else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list]]:
    RecordingReceiver.received = []
    server = HTTPServer(("127.0.0.1", 0), RecordingReceiver)
    thread = serve(server)
    yield f"http://127.0.0.1:{server.server_port}/slack/events", RecordingReceiver.received
    server.shutdown()
    server.server_close()
    thread.join()


def test_redelivered_event_carries_slacks_retry_headers(receiver: tuple[str, list]) -> None:
    url, received = receiver
    driver = SlackDriver(url, SIGNING_SECRET)

    response = driver.event({"type": "app_mention", "user": "U0ALICE"}, event_id="Ev42", retry_num=1)

    assert response.status == 200
    headers, envelope = received[0]
    assert (headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]) == ("1", "http_timeout")
    assert (envelope["type"], envelope["event_id"], envelope["event"]["type"]) == (
        "event_callback",
        "Ev42",
        "app_mention",
    )
