"""The payload builders produce Slack's documented shapes."""

import datetime
import json
from urllib.parse import parse_qs

import pytest

from bot.slack_double import payloads

ALICE = payloads.user_object("U0ALICE", "alice", "T0001")
TEAM = payloads.team_object("T0001", "school")

TOPIC_OPTIONS = [
    {"text": {"type": "plain_text", "text": "Careers"}, "value": "careers"},
    {"text": {"type": "plain_text", "text": "Studies"}, "value": "studies"},
]


def modal(*blocks: dict) -> dict:
    return {"id": "V0001", "type": "modal", "callback_id": "form", "hash": "1.a", "blocks": list(blocks)}


def input_block(block_id: str, element: dict, *, optional: bool = False) -> dict:
    label = {"type": "plain_text", "text": block_id}
    return {"type": "input", "block_id": block_id, "label": label, "element": element, "optional": optional}


def test_slash_command_form_is_all_strings_with_enterprise_flag_spelled_false() -> None:
    fields = payloads.slash_command_form(
        user_id="U0ALICE",
        user_name="alice",
        command="/mentor",
        text="help",
        channel_id="C0GENERAL",
        channel_name="general",
        team_id="T0001",
        team_domain="school",
        api_app_id="A0001",
        trigger_id="1.2.3",
        response_url="http://127.0.0.1/response/1",
        token="tok",
    )

    decoded = {key: values[0] for key, values in parse_qs(payloads.form_body(fields).decode()).items()}
    assert decoded["is_enterprise_install"] == "false"
    assert decoded["command"] == "/mentor"
    assert decoded["trigger_id"] == "1.2.3"
    assert set(decoded) >= {"token", "team_id", "team_domain", "channel_name", "user_name", "api_app_id"}


def test_interactive_body_is_one_payload_form_field_holding_json() -> None:
    body = payloads.interactive_body({"type": "block_actions"})

    assert json.loads(parse_qs(body.decode())["payload"][0]) == {"type": "block_actions"}


def test_find_element_looks_in_actions_section_accessories_and_inputs() -> None:
    blocks = [
        {"type": "actions", "block_id": "a", "elements": [{"type": "button", "action_id": "yes"}]},
        {"type": "section", "block_id": "s", "accessory": {"type": "button", "action_id": "more"}},
        input_block("i", {"type": "plain_text_input", "action_id": "name"}),
    ]

    assert [
        payloads.find_element(blocks, action_id)[0]["block_id"] for action_id in ("yes", "more", "name")
    ] == [
        "a",
        "s",
        "i",
    ]


def test_missing_action_id_is_an_assertion_listing_those_present() -> None:
    blocks = [{"type": "actions", "elements": [{"type": "button", "action_id": "yes"}]}]

    with pytest.raises(AssertionError, match=r"'no'.*\['yes'\]"):
        payloads.find_element(blocks, "no")


def test_button_action_carries_its_own_value_unless_overridden() -> None:
    button = {
        "type": "button",
        "action_id": "accept",
        "text": {"type": "plain_text", "text": "OK"},
        "value": "42",
    }

    own = payloads.element_action(button, "b", "1.0")
    forged = payloads.element_action(button, "b", "1.0", value="43")

    assert own == {
        "type": "button",
        "action_id": "accept",
        "block_id": "b",
        "text": {"type": "plain_text", "text": "OK"},
        "value": "42",
        "action_ts": "1.0",
    }
    assert forged["value"] == "43"


def test_static_select_action_reports_the_option_with_its_text() -> None:
    select = {"type": "static_select", "action_id": "topic", "options": TOPIC_OPTIONS}

    action = payloads.element_action(select, "b", "1.0", selected_option="studies")

    assert action["selected_option"] == TOPIC_OPTIONS[1]


def test_choosing_an_option_the_select_does_not_offer_is_an_assertion() -> None:
    select = {"type": "static_select", "action_id": "topic", "options": TOPIC_OPTIONS}

    with pytest.raises(AssertionError, match="careers"):
        payloads.element_action(select, "b", "1.0", selected_option="sports")


def test_users_select_action_reports_the_selected_user() -> None:
    action = payloads.element_action({"type": "users_select", "action_id": "who"}, "b", "1.0", value="U0BOB")

    assert action["selected_user"] == "U0BOB"


def test_unsupported_element_cannot_be_clicked() -> None:
    with pytest.raises(AssertionError, match="overflow"):
        payloads.element_action({"type": "overflow", "action_id": "more"}, "b", "1.0")


def test_state_values_use_slacks_shape_per_element_type() -> None:
    view = modal(
        input_block("name", {"type": "plain_text_input", "action_id": "name"}),
        input_block("topic", {"type": "static_select", "action_id": "topic", "options": TOPIC_OPTIONS}),
        input_block("many", {"type": "multi_static_select", "action_id": "many", "options": TOPIC_OPTIONS}),
        input_block("boxes", {"type": "checkboxes", "action_id": "boxes", "options": TOPIC_OPTIONS}),
        input_block("radio", {"type": "radio_buttons", "action_id": "radio", "options": TOPIC_OPTIONS}),
        input_block("hours", {"type": "number_input", "action_id": "hours", "is_decimal_allowed": False}),
        input_block("mentor", {"type": "users_select", "action_id": "mentor"}),
        input_block("day", {"type": "datepicker", "action_id": "day"}),
        input_block("ext", {"type": "external_select", "action_id": "ext"}),
    )

    state = payloads.view_state_values(
        view,
        {
            "name": "Ada",
            "topic": "careers",
            "many": ["careers", "studies"],
            "boxes": ["studies"],
            "radio": "careers",
            "hours": 3,
            "mentor": "U0BOB",
            "day": datetime.date(2024, 5, 1),
            "ext": "school-42",
        },
    )

    assert state["name"]["name"] == {"type": "plain_text_input", "value": "Ada"}
    assert state["topic"]["topic"] == {"type": "static_select", "selected_option": TOPIC_OPTIONS[0]}
    assert state["many"]["many"]["selected_options"] == TOPIC_OPTIONS
    assert state["boxes"]["boxes"] == {"type": "checkboxes", "selected_options": [TOPIC_OPTIONS[1]]}
    assert state["radio"]["radio"] == {"type": "radio_buttons", "selected_option": TOPIC_OPTIONS[0]}
    assert state["hours"]["hours"] == {"type": "number_input", "value": "3"}
    assert state["mentor"]["mentor"] == {"type": "users_select", "selected_user": "U0BOB"}
    assert state["day"]["day"] == {"type": "datepicker", "selected_date": "2024-05-01"}
    assert state["ext"]["ext"]["selected_option"]["value"] == "school-42"


def test_untouched_inputs_report_their_initial_value_or_their_empty_shape() -> None:
    view = modal(
        input_block("name", {"type": "plain_text_input", "action_id": "name"}),
        input_block("city", {"type": "plain_text_input", "action_id": "city", "initial_value": "Lyon"}),
        input_block("boxes", {"type": "checkboxes", "action_id": "boxes", "options": TOPIC_OPTIONS}),
        input_block("topic", {"type": "static_select", "action_id": "topic", "options": TOPIC_OPTIONS}),
    )

    state = payloads.view_state_values(view, {})

    assert state["name"]["name"]["value"] is None
    assert state["city"]["city"]["value"] == "Lyon"
    assert state["boxes"]["boxes"]["selected_options"] == []
    assert state["topic"]["topic"]["selected_option"] is None


def test_filling_an_action_id_the_view_does_not_have_is_an_assertion() -> None:
    view = modal(input_block("name", {"type": "plain_text_input", "action_id": "name"}))

    with pytest.raises(AssertionError, match="nickname"):
        payloads.view_state_values(view, {"nickname": "Ada"})


def test_required_inputs_left_empty_names_only_non_optional_ones() -> None:
    view = modal(
        input_block("name", {"type": "plain_text_input", "action_id": "name"}),
        input_block("note", {"type": "plain_text_input", "action_id": "note"}, optional=True),
        input_block("topic", {"type": "static_select", "action_id": "topic", "options": TOPIC_OPTIONS}),
    )

    state = payloads.view_state_values(view, {"topic": "careers"})

    assert payloads.required_inputs_left_empty(view, state) == ["name"]


def test_blocks_without_block_id_get_a_stable_generated_one() -> None:
    block = {"type": "actions", "elements": [{"type": "button", "action_id": "yes"}]}

    assert payloads.block_id_of(block) == payloads.block_id_of(dict(block))
    assert payloads.block_id_of({**block, "block_id": "mine"}) == "mine"


def test_block_actions_from_a_view_has_no_response_url_nor_channel() -> None:
    payload = payloads.block_actions_payload(
        user=ALICE,
        team=TEAM,
        api_app_id="A0001",
        token="tok",
        trigger_id="1.2.3",
        container=payloads.view_container("V0001"),
        actions=[{"action_id": "x"}],
        view=modal(),
    )

    assert payload["type"] == "block_actions"
    assert payload["container"] == {"type": "view", "view_id": "V0001"}
    assert "response_url" not in payload and "channel" not in payload
    assert payload["enterprise"] is None and payload["is_enterprise_install"] is False
    assert payload["state"] == {"values": {}}


def test_view_submission_payload_has_the_documented_top_level_keys() -> None:
    payload = payloads.view_submission_payload(
        user=ALICE, team=TEAM, api_app_id="A0001", token="tok", trigger_id="1.2.3", view=modal()
    )

    assert payload["type"] == "view_submission"
    assert payload["response_urls"] == []
    assert payload["user"] == {"id": "U0ALICE", "username": "alice", "name": "alice", "team_id": "T0001"}


def test_event_envelope_names_the_bot_in_authorizations() -> None:
    envelope = payloads.event_callback_envelope(
        {"type": "app_home_opened", "user": "U0ALICE"},
        token="tok",
        team_id="T0001",
        api_app_id="A0001",
        event_id="Ev01",
        event_time=1700000000,
        bot_user_id="U0BOT",
    )

    assert envelope["type"] == "event_callback"
    assert envelope["event_id"] == "Ev01"
    assert envelope["authorizations"][0]["user_id"] == "U0BOT"
    assert envelope["authorizations"][0]["is_bot"] is True
    assert envelope["is_ext_shared_channel"] is False


def directory_user(*, deleted: bool) -> dict:
    return payloads.workspace_user(
        "U0ALICE",
        team_id="T0001",
        name="alice",
        real_name="Alice Martin",
        locale="fr-FR",
        tz="Europe/Paris",
        tz_offset=3600,
        email="alice@school.example",
        deleted=deleted,
    )


def test_user_change_event_carries_the_whole_user_object_as_slack_documents_it() -> None:
    event = payloads.user_change_event(
        directory_user(deleted=True), event_ts="1700000001.000100", cache_ts=1700000001
    )

    assert set(event) == {"type", "user", "cache_ts", "event_ts"}
    assert event["type"] == "user_change"
    assert (event["event_ts"], event["cache_ts"]) == ("1700000001.000100", 1700000001)
    user = event["user"]
    assert {"id", "team_id", "name", "deleted", "real_name", "tz", "tz_label", "tz_offset", "profile"} <= set(
        user
    )
    assert {"is_admin", "is_owner", "is_bot", "updated", "is_email_confirmed", "locale"} <= set(user)
    assert (user["id"], user["team_id"], user["deleted"], user["locale"]) == (
        "U0ALICE",
        "T0001",
        True,
        "fr-FR",
    )
    assert user["profile"]["email"] == "alice@school.example"


def test_tokens_revoked_lists_user_ids_by_kind_of_token_revoked() -> None:
    assert payloads.tokens_revoked_event(bot=["U0BOT"]) == {
        "type": "tokens_revoked",
        "tokens": {"bot": ["U0BOT"]},
    }
    assert payloads.tokens_revoked_event(oauth=["U0ALICE"], bot=["U0BOT"])["tokens"] == {
        "oauth": ["U0ALICE"],
        "bot": ["U0BOT"],
    }


def test_app_uninstalled_event_is_just_its_type() -> None:
    assert payloads.app_uninstalled_event() == {"type": "app_uninstalled"}
