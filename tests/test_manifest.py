"""`manifest.yml` is a valid Slack app manifest and agrees with the code.

Checked: Slack's own JSON Schema (vendored in tests/manifest_schema, MIT, from slackapi/manifest-schema);
the commands and bot events equal what the built Bolt app listens to; every action, view and options id
of `bot/ids.py` has a listener and every listener's id is in `bot/ids.py`; the bot scopes are exactly
those the Web API methods called by the code and the events subscribed to require.
"""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml
from slack_bolt import App
from slack_sdk import WebClient

from bot import ids
from bot.app import build_app, build_context
from bot.config import Config
from bot.slack_double import SlackStandIn
from storage.db import create_database_engine, create_session_factory

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).parent / "manifest_schema" / "manifest.schema.1.0.0.json"

# Web API method (as slack_sdk's WebClient names it) → the bot scopes it needs. A method the code calls
# that is missing here fails the scope test: look its scopes up at https://api.slack.com/methods.
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    # A refused org-wide install's token, revoked (bot.oauth).
    "auth_revoke": set(),
    # Called with the app-level token (Socket Mode), whose scope connections:write is not a bot scope.
    "apps_connections_open": set(),
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"},
    "conversations_open": {"im:write"},
    "users_info": {"users:read"},
    "users_lookupByEmail": {"users:read", "users:read.email"},
    "files_upload_v2": {"files:write"},
    "files_getUploadURLExternal": {"files:write"},
    "files_completeUploadExternal": {"files:write"},
    "views_open": set(),
    "views_push": set(),
    "views_update": set(),
    "views_publish": set(),
}
# Slash commands need this scope whatever the code calls.
COMMANDS_SCOPE = "commands"
# Bot event (as the manifest subscribes to it) → the bot scopes Slack requires to deliver it. An event
# subscribed to that is missing here fails the scope test: look it up at https://api.slack.com/events.
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "user_change": {"users:read"},
    "message.im": {"im:history"},
    "app_uninstalled": set(),
    "tokens_revoked": set(),
}


def bolt_event_type(subscribed: str) -> str:
    """The event type Bolt listens to for a subscription: `message.im` arrives as a `message` event."""
    return subscribed.split(".", 1)[0]


@pytest.fixture(scope="module")
def manifest() -> dict:
    with open(ROOT / "manifest.yml", encoding="utf-8") as file:
        return yaml.safe_load(file)


class Registrations:
    """What the listeners registered on the app: ids by kind (command, action, view, options, event)."""

    def __init__(self) -> None:
        self.by_kind: dict[str, list[object]] = defaultdict(list)

    def ids(self, kind: str) -> set[str]:
        return {_constraint_id(constraint) for constraint in self.by_kind[kind]}


def _constraint_id(constraint: object) -> str:
    if isinstance(constraint, str):
        return constraint
    if isinstance(constraint, dict):
        for key in ("action_id", "callback_id", "type"):
            if isinstance(constraint.get(key), str):
                return constraint[key]
    if isinstance(constraint, re.Pattern):
        return f"re:{constraint.pattern}"  # a pattern matches no id of bot/ids.py literally: reported
    raise AssertionError(f"a listener registered with an unexpected constraint: {constraint!r}")


@pytest.fixture(scope="module")
def registrations() -> Iterator[Registrations]:
    """Build the real app while recording every listener registration on its way to Bolt."""
    recorded = Registrations()
    originals = {
        kind: getattr(App, kind) for kind in ("command", "action", "view", "options", "event", "shortcut")
    }

    def recording(kind: str):  # type: ignore[no-untyped-def]
        def register(self: App, constraints: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            recorded.by_kind[kind].append(constraints)
            return originals[kind](self, constraints, *args, **kwargs)

        return register

    engine = create_database_engine("sqlite://")
    slack = SlackStandIn().start()  # Bolt checks its token with auth.test when the app is built
    config = Config(
        slack_bot_token="xoxb-manifest-test", slack_signing_secret="manifest-test", slack_api_url=slack.url
    )
    try:
        for kind in originals:
            setattr(App, kind, recording(kind))
        build_app(build_context(config, create_session_factory(engine)))
    finally:
        for kind, original in originals.items():
            setattr(App, kind, original)
        engine.dispose()
        slack.stop()
    yield recorded


def declared_ids() -> dict[str, dict[str, str]]:
    """The ids of bot/ids.py by kind, from their names: *_COMMAND, *_VIEW (callback ids), *_SELECT
    (external selects, served by an options listener), ids under a comment mentioning "input" (modal
    inputs, read from the view state: no listener), and action ids for everything else."""
    source = (ROOT / "bot" / "ids.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    kinds: dict[str, dict[str, str]] = defaultdict(dict)
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)):
            continue
        if not isinstance(node.value.value, str):
            continue
        name = node.targets[0].id  # type: ignore[attr-defined]
        if name.endswith("_COMMAND"):
            kind = "command"
        elif name.endswith("_VIEW"):
            kind = "view"
        elif name.endswith("_SELECT"):
            kind = "options"
        elif _under_input_comment(lines, node.lineno):
            kind = "input"
        else:
            kind = "action"
        kinds[kind][name] = node.value.value
    return kinds


def _under_input_comment(lines: list[str], lineno: int) -> bool:
    """Whether the nearest comment above this id's group (ids without a blank line between) says "input"."""
    index = lineno - 2
    while index >= 0 and lines[index].strip() and not lines[index].lstrip().startswith("#"):
        index -= 1
    comment = []
    while index >= 0 and lines[index].lstrip().startswith("#"):
        comment.append(lines[index])
        index -= 1
    return "input" in " ".join(comment).lower()


def test_the_manifest_is_valid_against_slacks_schema(manifest: dict) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)
    assert manifest["_metadata"] == {"major_version": 1, "minor_version": 1}


def test_the_manifest_declares_exactly_the_commands_the_app_serves(
    manifest: dict, registrations: Registrations
) -> None:
    declared = {command["command"] for command in manifest["features"]["slash_commands"]}
    served = registrations.ids("command")
    assert declared - served == set(), f"in manifest.yml but no listener registered: {declared - served}"
    assert served - declared == set(), (
        f"listener registered but missing from manifest.yml: {served - declared}"
    )
    assert served == set(declared_ids()["command"].values()), (
        "commands of bot/ids.py differ from those served"
    )


def test_mentor_command_escapes_mentions_for_the_admin_tools(manifest: dict) -> None:
    mentor = next(c for c in manifest["features"]["slash_commands"] if c["command"] == ids.MENTOR_COMMAND)
    assert mentor["should_escape"] is True


def test_the_manifest_subscribes_to_exactly_the_events_the_app_listens_to(
    manifest: dict, registrations: Registrations
) -> None:
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    subscribed = {bolt_event_type(event) for event in events}
    listened = registrations.ids("event")
    assert subscribed - listened == set(), f"subscribed in manifest.yml, no listener: {subscribed - listened}"
    assert listened - subscribed == set(), (
        f"listener, but not subscribed in manifest.yml: {listened - subscribed}"
    )


def test_interactivity_is_enabled_with_an_options_url_when_selects_are_served(
    manifest: dict, registrations: Registrations
) -> None:
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"]
    if registrations.ids("options"):
        assert interactivity.get("message_menu_options_url"), "external selects need message_menu_options_url"
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


@pytest.mark.parametrize(
    ("kind", "what"), [("action", "action id"), ("view", "view callback id"), ("options", "external select")]
)
def test_every_id_of_bot_ids_has_a_listener_and_every_listener_an_id(
    registrations: Registrations, kind: str, what: str
) -> None:
    declared = declared_ids()[kind]
    registered = registrations.ids(kind)
    without_listener = sorted(
        f"ids.{name} = {value!r}" for name, value in declared.items() if value not in registered
    )
    assert without_listener == [], (
        f"{what}s of bot/ids.py with no `app.{kind}(...)` listener: {without_listener} "
        '(a modal input\'s id belongs under a comment that mentions "input")'
    )
    unknown = sorted(registered - set(declared.values()))
    assert unknown == [], f"`app.{kind}(...)` listeners whose id is not a constant of bot/ids.py: {unknown}"


def web_api_methods_called() -> dict[str, set[str]]:
    """Web API methods the bot's code calls (`<anything>.chat_postMessage(`…), with the files calling each.
    The Slack stand-in and the demo driver are not the bot, so they are left out."""
    methods = {name for name in dir(WebClient) if not name.startswith("_")} - {"api_call"}
    called: dict[str, set[str]] = defaultdict(set)
    for folder in ("bot", "handlers", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(("bot/slack_double/", "bot/demo/")):
                continue
            for name in re.findall(r"\.([A-Za-z][A-Za-z0-9_]*)\(", path.read_text(encoding="utf-8")):
                if name in methods:
                    called[name].add(relative)
    return called


def test_the_bot_scopes_are_exactly_those_the_called_methods_need(manifest: dict) -> None:
    called = web_api_methods_called()
    unknown = sorted(
        f"{method} (in {', '.join(sorted(files))})"
        for method, files in called.items()
        if method not in METHOD_SCOPES
    )
    assert unknown == [], (
        f"Web API methods called whose scopes tests/test_manifest.py does not know: {unknown}"
    )
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    unknown_events = sorted(events - EVENT_SCOPES.keys())
    assert unknown_events == [], (
        f"events subscribed to whose scopes tests/test_manifest.py does not know: {unknown_events}"
    )
    needed = {COMMANDS_SCOPE}.union(
        *(METHOD_SCOPES[method] for method in called), *(EVENT_SCOPES[event] for event in events)
    )
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    why = {
        scope: sorted(m for m in called if scope in METHOD_SCOPES[m])
        + sorted(e for e in events if scope in EVENT_SCOPES[e])
        for scope in needed
    }
    assert needed - granted == set(), (
        f"scopes missing from manifest.yml: { {s: why[s] for s in needed - granted} }"
    )
    assert granted - needed == set(), (
        f"scopes in manifest.yml that no called method or subscribed event needs: {granted - needed}"
    )
