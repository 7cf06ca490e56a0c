"""Reading Slack's payloads, in one place and tolerant of missing parts: a forged or truncated payload
reads as "nothing clicked, nothing typed" (ids 0, values None), which every `bot/` function refuses
politely, instead of raising in a listener."""

from __future__ import annotations


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def team_and_user(body: dict) -> tuple[str | None, str | None]:
    """The Slack team and user of any payload: slash command, interaction or event."""
    if "user_id" in body:  # slash command
        return body.get("team_id"), body.get("user_id")
    user = body.get("user")
    if isinstance(user, dict):  # interactions
        return _dict(body.get("team")).get("id") or user.get("team_id"), user.get("id")
    event_user = _dict(body.get("event")).get("user")
    return body.get("team_id"), event_user if isinstance(event_user, str) else None


def clicked_action(body: dict) -> dict:
    actions = body.get("actions")
    return _dict(actions[0]) if isinstance(actions, list) and actions else {}


def clicked_action_id(body: dict) -> str:
    return str(clicked_action(body).get("action_id") or "")


def clicked_value(body: dict) -> str:
    return str(clicked_action(body).get("value") or "")


def clicked_id(body: dict) -> int:
    """The id a button carries; 0 (which matches nothing) for a value that is not one."""
    value = clicked_value(body)
    return int(value) if value.isdecimal() else 0


def view(body: dict) -> dict:
    return _dict(body.get("view"))


def view_metadata(body: dict) -> str:
    return str(view(body).get("private_metadata") or "").strip()


def view_metadata_id(body: dict) -> int:
    metadata = view_metadata(body)
    return int(metadata) if metadata.isdecimal() else 0


def input_value(body: dict, block_id: str, action_id: str | None = None) -> str | None:
    """A text input's value; `action_id` defaults to the block's id, as our modals name them."""
    values = _dict(_dict(view(body).get("state")).get("values"))
    value = _dict(_dict(values.get(block_id)).get(action_id or block_id)).get("value")
    return value if isinstance(value, str) else None


def command_text(body: dict) -> str:
    return str(body.get("text") or "").strip()


def selected_conversation(body: dict, block_id: str, action_id: str | None = None) -> str | None:
    """A `conversations_select`'s picked channel id; None when nothing is picked."""
    values = _dict(_dict(view(body).get("state")).get("values"))
    value = _dict(_dict(values.get(block_id)).get(action_id or block_id)).get("selected_conversation")
    return value if isinstance(value, str) else None
