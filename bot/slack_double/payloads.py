"""Builders for the requests Slack sends to an app, shaped as Slack documents them.

Pure functions (no I/O, no clock): the driver feeds them ids and timestamps, and tests can check the
shapes on their own. Shapes follow Slack's reference pages for slash commands, ``block_actions``,
``view_submission``, ``view_closed``, ``block_suggestion``, the Events API ``event_callback`` envelope
and the events it carries (``app_home_opened``, ``user_change``, ``tokens_revoked``, ``app_uninstalled``,
and ``message.im``: a person's message in the bot's DM, another bot's, an edit).
Where Slack sends fields a listener might read (``user.username``, ``team.domain``, ``enterprise: null``),
they are sent too, so a handler that works here reads real payloads the same way.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

# Elements whose value Slack keeps in ``view.state.values``, and the key it keeps it under. The
# ``empty`` value is what Slack reports for an element the user left untouched and that had no initial value.
_STATE_KEY_BY_TYPE: dict[str, tuple[str, Any]] = {
    "plain_text_input": ("value", None),
    "email_text_input": ("value", None),
    "url_text_input": ("value", None),
    "number_input": ("value", None),
    "static_select": ("selected_option", None),
    "external_select": ("selected_option", None),
    "radio_buttons": ("selected_option", None),
    "multi_static_select": ("selected_options", []),
    "multi_external_select": ("selected_options", []),
    "checkboxes": ("selected_options", []),
    "users_select": ("selected_user", None),
    "multi_users_select": ("selected_users", []),
    "conversations_select": ("selected_conversation", None),
    "multi_conversations_select": ("selected_conversations", []),
    "channels_select": ("selected_channel", None),
    "multi_channels_select": ("selected_channels", []),
    "datepicker": ("selected_date", None),
    "timepicker": ("selected_time", None),
    "datetimepicker": ("selected_date_time", None),  # UTC epoch seconds
}

# Where an element starts out pre-filled, Slack reports the initial value if the user does not touch it.
_INITIAL_FIELD_BY_STATE_KEY = {
    "value": "initial_value",
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel",
    "selected_channels": "initial_channels",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
}

CLICKABLE_ELEMENT_TYPES = ("button", "static_select", "users_select", "radio_buttons")


# ---------------------------------------------------------------------------------------------------
# Encodings


def form_body(fields: Mapping[str, object]) -> bytes:
    """Encode fields the way Slack posts slash commands: ``application/x-www-form-urlencoded``."""
    return urlencode({key: _form_value(value) for key, value in fields.items()}).encode()


def interactive_body(payload: Mapping[str, Any]) -> bytes:
    """Encode an interaction payload as Slack does: one form field ``payload`` holding JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def _form_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------------------
# People and places, as they appear inside payloads


def user_object(user_id: str, user_name: str, team_id: str) -> dict[str, str]:
    """The ``user`` object of interaction payloads (``name`` and ``username`` are both sent)."""
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def team_object(team_id: str, team_domain: str) -> dict[str, str]:
    return {"id": team_id, "domain": team_domain}


def workspace_user(
    user_id: str,
    *,
    team_id: str,
    name: str,
    real_name: str,
    locale: str,
    tz: str,
    tz_offset: int,
    is_admin: bool = False,
    is_owner: bool = False,
    email: str | None = None,
    deleted: bool = False,
    updated: int = 1700000000,
) -> dict:
    """A member as Slack's user object describes them (users.info, the ``user_change`` event).

    A deactivated member keeps their object: Slack only sets ``deleted: true`` (and ``updated``).
    """
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "deleted": deleted,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": tz,
        "tz_label": tz,
        "tz_offset": tz_offset,
        "profile": {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": name,
            "display_name_normalized": name,
            "email": email,
            "team": team_id,
        },
        "is_admin": is_admin,
        "is_owner": is_owner,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": False,
        "is_app_user": False,
        "updated": updated,
        "is_email_confirmed": email is not None,
        "who_can_share_contact_card": "EVERYONE",
        "locale": locale,
    }


# ---------------------------------------------------------------------------------------------------
# Slash commands


def slash_command_form(
    *,
    user_id: str,
    user_name: str,
    command: str,
    text: str,
    channel_id: str,
    channel_name: str,
    team_id: str,
    team_domain: str,
    api_app_id: str,
    trigger_id: str,
    response_url: str,
    token: str,
) -> dict[str, str]:
    """The form fields of a slash command request (all strings, as Slack form-encodes them)."""
    return {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


# ---------------------------------------------------------------------------------------------------
# Messages and blocks as Slack shows them back


def bot_message(
    *,
    text: str,
    ts: str,
    blocks: list[dict],
    bot_user_id: str,
    bot_id: str,
    app_id: str,
    team_id: str,
    thread_ts: str | None = None,
) -> dict:
    """A message the bot posted, as Slack returns it (chat.postMessage) and embeds it (block_actions)."""
    message = {
        "type": "message",
        "user": bot_user_id,
        "bot_id": bot_id,
        "app_id": app_id,
        "team": team_id,
        "text": text,
        "ts": ts,
        "blocks": blocks,
    }
    if thread_ts:
        message["thread_ts"] = thread_ts
    return message


def block_id_of(block: dict) -> str:
    """The block's id; Slack generates one for blocks sent without, stable here for a given block."""
    if block.get("block_id"):
        return block["block_id"]
    return hashlib.sha1(json.dumps(block, sort_keys=True).encode()).hexdigest()[:5]


# ---------------------------------------------------------------------------------------------------
# Finding elements in blocks


def iter_elements(blocks: list[dict]) -> Iterator[tuple[dict, dict]]:
    """Yield ``(block, element)`` for every interactive element: actions, section accessories, inputs."""
    for block in blocks or []:
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                yield block, element
        elif block.get("type") == "section" and block.get("accessory"):
            yield block, block["accessory"]
        elif block.get("type") == "input" and block.get("element"):
            yield block, block["element"]


def find_element(blocks: list[dict], action_id: str) -> tuple[dict, dict]:
    """Return ``(block, element)`` holding ``action_id``; AssertionError naming the ones there are."""
    for block, element in iter_elements(blocks):
        if element.get("action_id") == action_id:
            return block, element
    present = [element.get("action_id") for _, element in iter_elements(blocks)]
    raise AssertionError(f"no element with action_id {action_id!r}; action_ids present: {present}")


def find_option(element: dict, value: str) -> dict:
    """The option of ``element`` whose value is ``value`` (searching option groups too).

    Elements with options loaded by the app (external selects) have none to search: the option is then
    built from the value alone, as the text a user picked is not known here.
    """
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options", []))
    for option in options:
        if option.get("value") == value:
            return {"text": option["text"], "value": option["value"]}
    if options:
        offered = [option.get("value") for option in options]
        raise AssertionError(f"{element.get('action_id')!r} has no option {value!r}; options: {offered}")
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


def _as_option(element: dict, choice: str | dict) -> dict:
    return dict(choice) if isinstance(choice, dict) else find_option(element, choice)


# ---------------------------------------------------------------------------------------------------
# block_actions


def element_action(
    element: dict,
    block_id: str,
    action_ts: str,
    *,
    value: str | None = None,
    selected_option: str | dict | None = None,
) -> dict:
    """One entry of ``actions`` in a ``block_actions`` payload, for the element the user used.

    ``value`` overrides a button's value, or names the user picked in a ``users_select``;
    ``selected_option`` (an option value or a whole option) is what was picked in a select or radio group.
    """
    element_type = element.get("type")
    action = {"type": element_type, "action_id": element.get("action_id"), "block_id": block_id}
    if element_type == "button":
        action["text"] = element.get("text")
        action["value"] = value if value is not None else element.get("value")
        if element.get("style"):
            action["style"] = element["style"]
    elif element_type in ("static_select", "radio_buttons"):
        if selected_option is None:
            raise AssertionError(f"choosing in {element.get('action_id')!r} needs selected_option=")
        action["selected_option"] = _as_option(element, selected_option)
        if element.get("placeholder"):
            action["placeholder"] = element["placeholder"]
    elif element_type == "users_select":
        if value is None:
            raise AssertionError(f"choosing in {element.get('action_id')!r} needs value=<user id>")
        action["selected_user"] = value
    else:
        raise AssertionError(
            f"clicking a {element_type!r} is not supported; supported: {list(CLICKABLE_ELEMENT_TYPES)}"
        )
    action["action_ts"] = action_ts
    return action


def message_container(channel_id: str, message_ts: str, *, is_ephemeral: bool) -> dict:
    return {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": is_ephemeral,
    }


def view_container(view_id: str) -> dict:
    return {"type": "view", "view_id": view_id}


def block_actions_payload(
    *,
    user: dict,
    team: dict,
    api_app_id: str,
    token: str,
    trigger_id: str,
    container: dict,
    actions: list[dict],
    channel: dict | None = None,
    message: dict | None = None,
    view: dict | None = None,
    state_values: dict | None = None,
    response_url: str | None = None,
) -> dict:
    """A ``block_actions`` payload. Keys that only exist for one surface are left out for the other.

    Slack sends ``channel``/``message``/``response_url`` for clicks in messages (no ``message`` when the
    message is ephemeral) and ``view`` for clicks in modals and the Home tab, which get no response_url.
    """
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user,
        "api_app_id": api_app_id,
        "token": token,
        "container": container,
        "trigger_id": trigger_id,
        "team": team,
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if channel is not None:
        payload["channel"] = channel
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    payload["state"] = {"values": state_values or {}}
    if response_url is not None:
        payload["response_url"] = response_url
    payload["actions"] = actions
    return payload


# ---------------------------------------------------------------------------------------------------
# Views: state, submission, suggestion, closing


def view_state_values(view: dict, values: Mapping[str, object]) -> dict:
    """``view.state.values`` as Slack reports it once the user filled ``values`` (keyed by action_id).

    Every stateful element of the view appears, keyed by block_id then action_id: given values in
    Slack's shape for the element type, others with their initial value or their empty shape.
    """
    blocks = view.get("blocks") or []
    known = {element.get("action_id") for _, element in iter_elements(blocks)}
    unknown = [action_id for action_id in values if action_id not in known]
    if unknown:
        raise AssertionError(
            f"no input with action_id {unknown} in the view; action_ids present: {sorted(known)}"
        )

    state: dict[str, dict] = {}
    for block, element in iter_elements(blocks):
        element_type = element.get("type")
        action_id = element.get("action_id")
        if element_type not in _STATE_KEY_BY_TYPE:
            if action_id in values:
                raise AssertionError(f"{action_id!r} is a {element_type!r}, which holds no value to fill in")
            continue
        key, empty = _STATE_KEY_BY_TYPE[element_type]
        if action_id in values:
            entry_value = _state_value(element, key, values[action_id])
        else:
            entry_value = element.get(_INITIAL_FIELD_BY_STATE_KEY[key], empty)
        state.setdefault(block_id_of(block), {})[action_id] = {"type": element_type, key: entry_value}
    return state


def _state_value(element: dict, key: str, given: object) -> object:
    if key == "value":
        return None if given is None else str(given)
    if key == "selected_option":
        return None if given is None else _as_option(element, given)  # type: ignore[arg-type]
    if key == "selected_options":
        return [_as_option(element, choice) for choice in given]  # type: ignore[attr-defined]
    if key == "selected_date_time" and isinstance(given, datetime.datetime):
        return int(given.timestamp())
    if key == "selected_date" and isinstance(given, datetime.date):
        return given.isoformat()
    if key in ("selected_users", "selected_conversations", "selected_channels"):
        return list(given)  # type: ignore[call-overload]
    return given


def required_inputs_left_empty(view: dict, state_values: dict) -> list[str]:
    """Action ids of non-optional input blocks left empty: Slack's client refuses to submit those."""
    empty_ones = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input" or block.get("optional"):
            continue
        action_id = block.get("element", {}).get("action_id")
        entry = state_values.get(block_id_of(block), {}).get(action_id)
        if entry is None:
            continue
        filled = [value for key, value in entry.items() if key != "type"]
        if not filled or filled[0] in (None, "", []):
            empty_ones.append(action_id)
    return empty_ones


def view_with_state(view: dict, state_values: dict) -> dict:
    """A copy of ``view`` carrying ``state_values``, as a submission or interaction reports it."""
    return {**view, "state": {"values": state_values}}


def view_submission_payload(
    *, user: dict, team: dict, api_app_id: str, token: str, trigger_id: str, view: dict
) -> dict:
    return {
        "type": "view_submission",
        "team": team,
        "user": user,
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def view_closed_payload(*, user: dict, team: dict, api_app_id: str, token: str, view: dict) -> dict:
    return {
        "type": "view_closed",
        "team": team,
        "user": user,
        "api_app_id": api_app_id,
        "token": token,
        "view": view,
        "is_cleared": False,
        "enterprise": None,
        "is_enterprise_install": False,
    }


def block_suggestion_payload(
    *,
    user: dict,
    team: dict,
    api_app_id: str,
    token: str,
    view: dict,
    block_id: str,
    action_id: str,
    value: str,
) -> dict:
    """What Slack sends while a user types in an ``external_select`` of a view, to ask for options."""
    return {
        "type": "block_suggestion",
        "user": user,
        "container": view_container(view["id"]),
        "api_app_id": api_app_id,
        "token": token,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": team,
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view,
    }


# ---------------------------------------------------------------------------------------------------
# Events API


def event_callback_envelope(
    event: dict,
    *,
    token: str,
    team_id: str,
    api_app_id: str,
    event_id: str,
    event_time: int,
    bot_user_id: str,
) -> dict:
    """The ``event_callback`` envelope of the Events API around one event."""
    return {
        "token": token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-eyJldCI6ImV2ZW50In0-{event_id}",
    }


def url_verification_payload(challenge: str, *, token: str) -> dict:
    return {"token": token, "challenge": challenge, "type": "url_verification"}


def app_home_opened_event(user_id: str, *, channel_id: str, event_ts: str, view: dict | None = None) -> dict:
    """The event Slack sends when a user opens the app's Home tab (``view`` once one was published)."""
    event = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id,
        "tab": "home",
        "event_ts": event_ts,
    }
    if view is not None:
        event["view"] = view
    return event


def direct_message_event(
    user_id: str,
    text: str,
    *,
    channel_id: str,
    ts: str,
    team_id: str,
    thread_ts: str | None = None,
) -> dict:
    """A person's message in the app's DM (``message.im``): ``channel_type`` "im", no ``subtype``.

    Slack also sends the message as ``rich_text`` blocks and a ``client_msg_id``; a thread reply carries
    the ``thread_ts`` of the message it answers.
    """
    event = {
        "type": "message",
        "channel": channel_id,
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
        "team": team_id,
        "client_msg_id": hashlib.sha1(f"{channel_id}:{ts}".encode()).hexdigest(),
        "blocks": [
            {
                "type": "rich_text",
                "block_id": hashlib.sha1(ts.encode()).hexdigest()[:5],
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def bot_direct_message_event(
    bot_id: str, text: str, *, channel_id: str, ts: str, username: str = "a bot"
) -> dict:
    """A message another integration posted in the DM (subtype ``bot_message``: a ``bot_id``, no user)."""
    return {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": bot_id,
        "username": username,
        "text": text,
        "channel": channel_id,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
    }


def direct_message_changed_event(message: dict, *, new_text: str, edited_ts: str) -> dict:
    """``message`` (a ``direct_message_event``) edited: subtype ``message_changed``, hidden, with the
    message before and after and no ``user`` of its own."""
    edited = {
        key: value for key, value in message.items() if key not in ("channel", "channel_type", "event_ts")
    }
    edited |= {"text": new_text, "edited": {"user": message.get("user"), "ts": edited_ts}}
    previous = {key: value for key, value in message.items() if key not in ("channel", "channel_type")}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": message["channel"],
        "ts": edited_ts,
        "event_ts": edited_ts,
        "channel_type": "im",
        "message": edited,
        "previous_message": previous,
    }


def user_change_event(user: dict, *, event_ts: str, cache_ts: int) -> dict:
    """A member's data changed: Slack sends their whole user object, ``locale`` included.

    Deactivating a member sends ``user.deleted: true``, reactivating them ``false``.
    """
    return {"type": "user_change", "user": user, "cache_ts": cache_ts, "event_ts": event_ts}


def tokens_revoked_event(*, oauth: list[str] | None = None, bot: list[str] | None = None) -> dict:
    """Some of the app's tokens were revoked. ``tokens`` is keyed by the kinds revoked (``oauth`` for
    user tokens, ``bot`` for bot tokens), each listing user ids, never the token strings."""
    tokens = {kind: list(user_ids) for kind, user_ids in (("oauth", oauth), ("bot", bot)) if user_ids}
    return {"type": "tokens_revoked", "tokens": tokens}


def app_uninstalled_event() -> dict:
    """The app was removed from the workspace (it may arrive before or after ``tokens_revoked``)."""
    return {"type": "app_uninstalled"}
