"""The Slack stand-in answers a real slack_sdk WebClient the way Slack does."""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.slack_double import SlackStandIn
from bot.slack_double.web_api import AUTH_ERRORS


class FrozenClock:
    def __init__(self, at: float = 1_700_000_000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(title: str = "Mentoring", **extra: object) -> dict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section("Hi")],
        **extra,
    }


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def standin(clock: FrozenClock) -> Iterator[SlackStandIn]:
    with SlackStandIn(now=clock) as running:
        running.add_user("U0ALICE", name="alice", real_name="Alice Martin", email="alice@school.example")
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url)


def raw_call(standin: SlackStandIn, method: str, body: bytes = b"", headers: dict | None = None) -> tuple:
    request = urllib.request.Request(standin.url + method, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, dict(answer.headers), json.loads(answer.read())


# --- identity and people ----------------------------------------------------------------------------


def test_auth_test_answers_the_bots_identity(client: WebClient) -> None:
    answer = client.auth_test()

    assert (answer["team_id"], answer["user_id"], answer["bot_id"]) == ("T0001", "U0BOT", "B0BOT")
    assert answer["url"].startswith("https://")


def test_call_without_token_is_not_authed(standin: SlackStandIn) -> None:
    status, _, body = raw_call(standin, "auth.test")

    assert (status, body) == (200, {"ok": False, "error": "not_authed"})


def test_unknown_method_is_answered_404_unknown_method(standin: SlackStandIn) -> None:
    status, _, body = raw_call(standin, "reactions.fly", headers={"Authorization": "Bearer xoxb-test"})

    assert status == 404
    assert body["error"] == "unknown_method"


def test_users_info_tells_the_locale_only_when_asked(client: WebClient) -> None:
    plain = client.users_info(user="U0ALICE")["user"]
    with_locale = client.users_info(user="U0ALICE", include_locale=True)["user"]

    assert "locale" not in plain
    assert with_locale["locale"] == "fr-FR"
    assert with_locale["tz"] == "Europe/Paris" and with_locale["tz_offset"] == 3600
    assert with_locale["profile"]["real_name"] == "Alice Martin"


def test_unknown_user_raises_user_not_found(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.users_info(user="U0NOBODY")

    assert refused.value.response["error"] == "user_not_found"


def test_deleted_user_comes_back_with_deleted_true(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("U0GONE", deleted=True)

    assert client.users_info(user="U0GONE")["user"]["deleted"] is True


def test_deactivated_user_is_deleted_in_users_info_until_reactivated(
    standin: SlackStandIn, client: WebClient, clock: FrozenClock
) -> None:
    clock.at += 60
    standin.deactivate_user("U0ALICE")
    gone = client.users_info(user="U0ALICE")["user"]
    standin.reactivate_user("U0ALICE")

    assert (gone["deleted"], gone["updated"]) == (True, int(clock.at))
    assert gone["profile"]["real_name"] == "Alice Martin"  # Slack keeps a deactivated member's object
    assert client.users_info(user="U0ALICE")["user"]["deleted"] is False


def test_message_to_a_deactivated_user_is_still_accepted(standin: SlackStandIn, client: WebClient) -> None:
    # Slack does not refuse chat.postMessage to a deactivated user (python-slack-sdk issue #1156).
    standin.deactivate_user("U0ALICE")

    answer = client.chat_postMessage(channel="U0ALICE", text="Your mentorship has ended")

    assert answer["ok"] and answer["channel"] == "D0ALICE"
    assert standin.last_message_to("U0ALICE").text == "Your mentorship has ended"


def test_deactivating_someone_not_in_the_directory_is_a_test_mistake(standin: SlackStandIn) -> None:
    with pytest.raises(AssertionError, match="no user U0NOBODY"):
        standin.deactivate_user("U0NOBODY")


def test_lookup_by_email_finds_the_user_or_answers_users_not_found(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="ALICE@school.example")["user"]["id"] == "U0ALICE"
    with pytest.raises(SlackApiError, match="users_not_found"):
        client.users_lookupByEmail(email="bob@school.example")


def test_conversations_open_gives_deterministic_dm_and_group_ids(client: WebClient) -> None:
    dm = client.conversations_open(users="U0ALICE")["channel"]["id"]
    group = client.conversations_open(users=["U0ALICE", "U0BOB"])["channel"]["id"]
    same_group = client.conversations_open(users=["U0BOB", "U0ALICE"])["channel"]["id"]

    assert dm == "D0ALICE"
    assert group.startswith("G") and group == same_group


# --- messages ---------------------------------------------------------------------------------------


def test_posting_to_a_user_id_lands_in_their_dm_with_increasing_ts(
    standin: SlackStandIn, client: WebClient
) -> None:
    first = client.chat_postMessage(channel="U0ALICE", text="Bonjour")
    second = client.chat_postMessage(channel="D0ALICE", text="Encore", blocks=[section("*Encore*")])

    assert first["channel"] == "D0ALICE"
    assert float(first["ts"]) < float(second["ts"])
    assert second["message"]["blocks"] == [section("*Encore*")]
    assert [m.text for m in standin.messages_to("U0ALICE")] == ["Bonjour", "Encore"]


def test_update_changes_what_the_user_sees(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="U0ALICE", text="Request pending", blocks=[section("pending")])

    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Accepted", blocks=[section("done")])

    seen = standin.last_message_to("U0ALICE")
    assert (seen.text, seen.blocks, seen.ts) == ("Accepted", [section("done")], posted["ts"])


def test_update_of_an_unknown_message_is_message_not_found(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel="D0ALICE", ts="1.000000", text="?")


def test_ephemeral_message_is_seen_only_by_its_user(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="Only you")

    assert answer["message_ts"]
    assert standin.last_message_to("U0ALICE").ephemeral is True
    assert standin.messages_to("U0BOB") == []


def test_deleted_message_is_no_longer_seen(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="U0ALICE", text="Oops")

    client.chat_delete(channel=posted["channel"], ts=posted["ts"])

    assert standin.messages_to("U0ALICE") == []


def test_last_message_to_someone_without_messages_lists_what_was_sent(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.chat_postMessage(channel="U0ALICE", text="For Alice")

    with pytest.raises(AssertionError, match="For Alice"):
        standin.last_message_to("U0BOB")


def test_form_encoded_blocks_are_decoded_into_python_objects(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.api_call("chat.postMessage", data={"channel": "U0ALICE", "blocks": json.dumps([section("form")])})

    assert standin.calls_to("chat.postMessage")[0].params["blocks"] == [section("form")]


def test_invalid_blocks_are_refused_and_recorded(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="U0ALICE", text="long", blocks=[section("x" * 3001)])

    assert refused.value.response["error"] == "invalid_blocks"
    assert len(standin.block_kit_errors) == 1
    assert standin.messages_to("U0ALICE") == []


def test_more_than_50_blocks_in_a_message_are_refused(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_postMessage(channel="U0ALICE", text="many", blocks=[section("x")] * 51)

    assert "50" in standin.block_kit_errors[0]


def test_unknown_block_type_is_refused(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_postMessage(channel="U0ALICE", text="?", blocks=[{"type": "banner"}])


# --- response_url -----------------------------------------------------------------------------------


def test_response_url_reply_is_seen_by_its_user_and_can_be_replaced(standin: SlackStandIn) -> None:
    url = standin.response_url("U0ALICE", "C0GENERAL")

    WebhookClient(url).send(text="Working…")
    WebhookClient(url).send(text="Done", replace_original=True)

    messages = standin.messages_to("U0ALICE")
    assert [(m.text, m.ephemeral, m.source) for m in messages] == [("Done", True, "response_url")]
    assert len(standin.calls_to("response_url")) == 2


def test_response_url_replaces_the_message_the_click_came_from(
    standin: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="U0ALICE", text="Accept?")
    url = standin.response_url("U0ALICE", posted["channel"], message_ts=posted["ts"])

    WebhookClient(url).send(text="Accepted", replace_original=True)

    assert [m.text for m in standin.messages_to("U0ALICE")] == ["Accepted"]


def test_response_url_refuses_invalid_blocks(standin: SlackStandIn) -> None:
    url = standin.response_url("U0ALICE", "C0GENERAL")

    answer = WebhookClient(url).send(text="x", blocks=[section("x" * 3001)])

    assert answer.status_code == 400
    assert standin.block_kit_errors


# --- views ------------------------------------------------------------------------------------------


def test_views_open_with_a_fresh_trigger_remembers_whose_view_it_is(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.register_trigger("t-1", "U0ALICE")

    view = client.views_open(trigger_id="t-1", view=modal(callback_id="form", private_metadata="42"))["view"]

    assert view["id"].startswith("V") and view["hash"] and view["team_id"] == "T0001"
    assert (view["callback_id"], view["private_metadata"]) == ("form", "42")
    assert standin.open_views_of("U0ALICE") == [view]
    assert standin.last_view_opened() == view


def test_views_open_without_trigger_is_invalid_arguments(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.api_call("views.open", json={"view": modal()})


def test_a_trigger_opens_one_view_only(standin: SlackStandIn, client: WebClient) -> None:
    standin.register_trigger("t-1", "U0ALICE")
    client.views_open(trigger_id="t-1", view=modal())

    with pytest.raises(SlackApiError, match="exchanged_trigger_id"):
        client.views_open(trigger_id="t-1", view=modal())


def test_a_trigger_older_than_3_seconds_has_expired(
    standin: SlackStandIn, client: WebClient, clock: FrozenClock
) -> None:
    standin.register_trigger("t-1", "U0ALICE")
    clock.at += 3.5

    with pytest.raises(SlackApiError, match="expired_trigger_id"):
        client.views_open(trigger_id="t-1", view=modal())


def test_a_trigger_slack_never_issued_is_invalid(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_trigger_id"):
        client.views_open(trigger_id="made-up", view=modal())


def test_invalid_view_is_refused_and_recorded(standin: SlackStandIn, client: WebClient) -> None:
    standin.register_trigger("t-1", "U0ALICE")

    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.views_open(trigger_id="t-1", view=modal(title="A title far longer than Slack allows"))

    assert standin.block_kit_errors


def test_views_push_stacks_on_the_open_modal(standin: SlackStandIn, client: WebClient) -> None:
    standin.register_trigger("t-1", "U0ALICE")
    standin.register_trigger("t-2", "U0ALICE")
    bottom = client.views_open(trigger_id="t-1", view=modal())["view"]

    top = client.views_push(trigger_id="t-2", view=modal(title="Details"))["view"]

    assert top["previous_view_id"] == bottom["id"] and top["root_view_id"] == bottom["id"]
    assert [v["id"] for v in standin.open_views_of("U0ALICE")] == [bottom["id"], top["id"]]


def test_views_update_by_external_id_and_hash(standin: SlackStandIn, client: WebClient) -> None:
    standin.register_trigger("t-1", "U0ALICE")
    opened = client.views_open(trigger_id="t-1", view=modal(external_id="request-7"))["view"]

    updated = client.views_update(external_id="request-7", view=modal(title="Updated"), hash=opened["hash"])[
        "view"
    ]

    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert standin.view(opened["id"])["title"]["text"] == "Updated"
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_update(view_id=opened["id"], view=modal(), hash=opened["hash"])


def test_views_publish_sets_the_users_home_tab(standin: SlackStandIn, client: WebClient) -> None:
    home = {"type": "home", "blocks": [section("Welcome")]}

    first = client.views_publish(user_id="U0ALICE", view=home)["view"]
    again = client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": [section("Back")]})[
        "view"
    ]

    assert again["id"] == first["id"]
    assert standin.home_of("U0ALICE")["blocks"] == [section("Back")]
    assert standin.home_of("U0BOB") is None


# --- files and socket mode --------------------------------------------------------------------------


def test_files_upload_v2_records_the_file_with_its_bytes(standin: SlackStandIn, client: WebClient) -> None:
    client.files_upload_v2(
        channel="D0ALICE",
        filename="report.csv",
        title="Monthly report",
        content="a,b\n1,2\n",
        initial_comment="Here it is",
    )

    [uploaded] = standin.uploaded_files
    assert (uploaded.filename, uploaded.title, uploaded.channel_id) == (
        "report.csv",
        "Monthly report",
        "D0ALICE",
    )
    assert (uploaded.initial_comment, uploaded.content) == ("Here it is", b"a,b\n1,2\n")


def test_apps_connections_open_answers_the_configured_socket_url(standin: SlackStandIn) -> None:
    standin.set_socket_mode_url("ws://127.0.0.1:5555/link")
    app_client = WebClient(token="xapp-test", base_url=standin.url)

    assert app_client.apps_connections_open(app_token="xapp-test")["url"] == "ws://127.0.0.1:5555/link"


# --- token trouble ----------------------------------------------------------------------------------

EVERY_KIND_OF_CALL = [
    ("auth_test", {}),
    ("users_info", {"user": "U0ALICE"}),
    ("chat_postMessage", {"channel": "U0ALICE", "text": "hi"}),
    ("views_publish", {"user_id": "U0ALICE", "view": {"type": "home", "blocks": []}}),
    ("files_getUploadURLExternal", {"filename": "a.csv", "length": 3}),
]


def test_revoked_token_is_refused_on_every_method_with_http_200_token_revoked(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.revoke_token("xoxb-test")

    for method, arguments in EVERY_KIND_OF_CALL:
        with pytest.raises(SlackApiError) as refused:
            getattr(client, method)(**arguments)
        assert refused.value.response.status_code == 200
        assert refused.value.response.data == {"ok": False, "error": "token_revoked"}

    recorded = [(call.status, call.error) for call in standin.calls]
    assert recorded == [(200, "token_revoked")] * len(EVERY_KIND_OF_CALL)
    assert standin.messages_to("U0ALICE") == []


def test_revoking_one_token_leaves_others_working(standin: SlackStandIn, client: WebClient) -> None:
    standin.revoke_token("xoxb-old", error="account_inactive")

    with pytest.raises(SlackApiError, match="account_inactive"):
        WebClient(token="xoxb-old", base_url=standin.url).auth_test()
    assert client.auth_test()["ok"]


@pytest.mark.parametrize("error", AUTH_ERRORS)
def test_failing_auth_refuses_every_token_until_restored(
    standin: SlackStandIn, client: WebClient, error: str
) -> None:
    standin.fail_auth(error=error)

    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="U0ALICE", text="hi")
    standin.restore_auth()

    assert (refused.value.response.status_code, refused.value.response["error"]) == (200, error)
    assert client.chat_postMessage(channel="U0ALICE", text="hi again")["ok"]


def test_token_trouble_survives_reset_like_other_set_up(standin: SlackStandIn, client: WebClient) -> None:
    standin.revoke_token("xoxb-test")

    standin.reset()

    with pytest.raises(SlackApiError, match="token_revoked"):
        client.auth_test()


def test_only_slacks_own_auth_errors_can_be_asked_for(standin: SlackStandIn) -> None:
    # team_disabled is an rtm.connect error, not one the Web API's methods document.
    with pytest.raises(ValueError, match="team_disabled"):
        standin.fail_auth(error="team_disabled")


def test_token_the_workspace_never_issued_is_invalid_auth(clock: FrozenClock) -> None:
    with SlackStandIn(tokens=["xoxb-issued"], now=clock) as strict:
        with pytest.raises(SlackApiError) as refused:
            WebClient(token="xoxb-forged", base_url=strict.url).auth_test()
        strict.issue_token("xoxb-later")

        assert refused.value.response.data == {"ok": False, "error": "invalid_auth"}
        assert WebClient(token="xoxb-issued", base_url=strict.url).auth_test()["ok"]
        assert WebClient(token="xoxb-later", base_url=strict.url).auth_test()["ok"]
        assert [call.error for call in strict.calls_to("auth.test")] == ["invalid_auth", None, None]


# --- faults -----------------------------------------------------------------------------------------


def test_rate_limited_call_is_answered_429_with_retry_after(standin: SlackStandIn) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=1)

    status, headers, body = raw_call(
        standin, "chat.postMessage", b"channel=U0ALICE&text=hi", {"Authorization": "Bearer xoxb-test"}
    )

    assert (status, headers["Retry-After"], body) == (429, "1", {"ok": False, "error": "ratelimited"})


def test_rate_limited_call_always_says_when_to_retry(standin: SlackStandIn) -> None:
    standin.fail_next("chat.postMessage", status=429)

    status, headers, _ = raw_call(
        standin, "chat.postMessage", b"channel=U0ALICE&text=hi", {"Authorization": "Bearer xoxb-test"}
    )

    assert (status, headers["Retry-After"]) == (429, "1")


def test_rate_limited_call_is_retried_by_the_sdk_retry_handler(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=0)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))

    client.chat_postMessage(channel="U0ALICE", text="eventually")

    attempts = standin.calls_to("chat.postMessage")
    assert [(call.status, call.ok) for call in attempts] == [(429, False), (200, True)]
    assert standin.last_message_to("U0ALICE").text == "eventually"


def post_as(standin: SlackStandIn, token: str, text: str = "hi") -> None:
    WebClient(token=token, base_url=standin.url).chat_postMessage(channel="U0ALICE", text=text)


def test_a_workspace_past_its_rate_is_answered_429_until_it_may_call_again(
    standin: SlackStandIn, clock: FrozenClock
) -> None:
    standin.limit_rate("chat.postMessage", per_minute=6, burst=2)  # then one every 10 s
    post_as(standin, "xoxb-school-a")
    post_as(standin, "xoxb-school-a")

    with pytest.raises(SlackApiError) as refused:
        post_as(standin, "xoxb-school-a")
    clock.at += 10
    post_as(standin, "xoxb-school-a", "after the wait")

    answer = refused.value.response
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "10")
    assert answer.data == {"ok": False, "error": "ratelimited"}
    assert [call.status for call in standin.calls_to("chat.postMessage")] == [200, 200, 429, 200]
    assert standin.last_message_to("U0ALICE").text == "after the wait"


def test_one_workspace_past_its_rate_spends_nothing_of_anothers(standin: SlackStandIn) -> None:
    standin.limit_rate("chat.postMessage", per_minute=60, burst=1)
    post_as(standin, "xoxb-school-a")

    with pytest.raises(SlackApiError):
        post_as(standin, "xoxb-school-a")
    post_as(standin, "xoxb-school-b")

    assert [call.status for call in standin.calls_to("chat.postMessage")] == [200, 429, 200]


def test_a_rate_limit_can_name_the_one_workspace_it_holds(standin: SlackStandIn) -> None:
    standin.limit_rate("chat.postMessage", per_minute=1, burst=0, token="xoxb-school-a")

    with pytest.raises(SlackApiError, match="ratelimited"):
        post_as(standin, "xoxb-school-a")
    for _ in range(3):
        post_as(standin, "xoxb-school-b")

    assert [call.status for call in standin.calls_to("chat.postMessage")] == [429, 200, 200, 200]


def test_queued_error_is_answered_ok_false_once(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("chat.postMessage", error="user_not_found")

    with pytest.raises(SlackApiError, match="user_not_found"):
        client.chat_postMessage(channel="U0ALICE", text="first")
    client.chat_postMessage(channel="U0ALICE", text="second")

    assert [call.error for call in standin.calls_to("chat.postMessage")] == ["user_not_found", None]


# --- files_upload_v2's upload step ------------------------------------------------------------------


def test_upload_url_answering_500_makes_files_upload_v2_raise_urllibs_http_error(
    standin: SlackStandIn, client: WebClient
) -> None:
    # slack_sdk POSTs the bytes with urllib's urlopen, which raises on a 5xx before slack_sdk looks at
    # the status: neither SlackApiError nor SlackRequestError, and no retry.
    standin.fail_uploads("http_500")

    with pytest.raises(urllib.error.HTTPError) as failed:
        client.files_upload_v2(content=b"a,b\n", filename="stats.csv", channel="D0ALICE")

    assert not isinstance(failed.value, SlackClientError)
    assert failed.value.code == 500
    assert [(call.method, call.status) for call in standin.calls] == [
        ("files.getUploadURLExternal", 200),
        ("upload", 500),
    ]
    assert standin.uploaded_files == []


def test_upload_connection_reset_makes_files_upload_v2_raise_connection_reset_error(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail_uploads("connection_reset")

    with pytest.raises(ConnectionResetError):
        client.files_upload_v2(content=b"a,b\n", filename="stats.csv", channel="D0ALICE")

    assert [(call.method, call.error) for call in standin.calls_to("upload")] == [
        ("upload", "connection_reset")
    ]
    assert standin.calls_to("files.completeUploadExternal") == []
    assert standin.uploaded_files == []


def test_upload_faults_are_used_up_then_uploads_succeed(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_uploads("http_500", times=2)

    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError):
            client.files_upload_v2(content=b"1", filename="a.csv", channel="D0ALICE")
    client.files_upload_v2(content=b"2", filename="a.csv", channel="D0ALICE")

    assert [upload.content for upload in standin.uploaded_files] == [b"2"]
    assert [call.status for call in standin.calls_to("upload")] == [500, 500, 200]


def test_file_whose_bytes_never_arrived_cannot_be_completed(standin: SlackStandIn, client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="a.csv", length=3)["file_id"]

    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="D0ALICE")


def test_upload_url_for_an_empty_file_is_refused_missing_argument(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.files_getUploadURLExternal(filename="empty.csv", length=0)

    assert refused.value.response["error"] == "missing_argument"


def test_unknown_upload_fault_is_a_test_mistake(standin: SlackStandIn) -> None:
    with pytest.raises(ValueError, match="unknown upload fault"):
        standin.fail_uploads("timeout")


def test_server_error_is_answered_500(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("users.info", status=500, times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.users_info(user="U0ALICE")

    assert [call.status for call in standin.calls_to("users.info")] == [500, 500]
    assert client.users_info(user="U0ALICE")["ok"]


def test_delayed_method_answers_late(standin: SlackStandIn, client: WebClient) -> None:
    standin.set_delay("auth.test", 0.2)

    started = time.monotonic()
    client.auth_test()

    assert time.monotonic() - started >= 0.2


def test_reset_forgets_traffic_but_keeps_the_directory(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="U0ALICE", text="before")

    standin.reset()

    assert standin.calls == [] and standin.messages_to("U0ALICE") == []
    assert client.users_info(user="U0ALICE")["user"]["name"] == "alice"
