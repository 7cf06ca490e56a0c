"""A local stand-in for Slack's Web API, served over real HTTP.

The bot under test talks to it through an unmodified ``slack_sdk.WebClient`` (``base_url=standin.url``),
so retries, serialisation and error handling run exactly as they do against Slack. The stand-in answers
the methods mentorbot uses the way Slack documents them, refuses Block Kit that Slack would refuse,
enforces the ``trigger_id`` rules (once, within 3 s), and remembers everything so tests can ask what a
person would see: ``standin.last_message_to("U123").text``. Tests can also make Slack misbehave as it
really does: refuse a revoked or unknown token on every method, rate-limit (one call, or each workspace
past a rate: ``limit_rate``), fail a method, drop the upload step of files_upload_v2, or keep taking
messages to a member who was deactivated.

It also plays Slack's side of "Add to Slack": its authorize page (``/oauth/v2/authorize``) sends the
browser back to the app with a code once a test has said who approves the install, and oauth.v2.access
exchanges the code for a bot token of that workspace (or refreshes a rotating one). A token belongs to
one workspace: auth.test answers for it, and people of another workspace are not found with it.

Everything is held in memory behind one lock; the HTTP server runs in a daemon thread on 127.0.0.1,
port 0, so any number of stand-ins can run side by side.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import dataclasses
import itertools
import json
import math
import secrets
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack_double.payloads import bot_message, workspace_user

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
TRIGGER_LIFETIME_SECONDS = 3.0
MAX_PUSHED_VIEWS = 3
# A held call (`SlackStandIn.hold`) gives up waiting after this, as a client would have by then.
HOLD_LIMIT_SECONDS = 120.0

# How the upload URL of files_upload_v2's second step can be made to fail (fail_uploads).
UPLOAD_FAULTS = ("http_500", "connection_reset")

# What Slack answers, on every method, when the token cannot be used (HTTP 200, ``ok: false``): the
# authentication errors of the Web API's common error table (docs.slack.dev/reference/methods/*, "Errors").
AUTH_ERRORS = ("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive")

# The app's credentials (Basic Information > App Credentials) the stand-in checks in oauth.v2.access.
CLIENT_ID = "1700000000001.1700000000002"
CLIENT_SECRET = "standin-client-secret"
# Slack's authorization codes work once, for ten minutes; rotating tokens live twelve hours.
CODE_LIFETIME_SECONDS = 600
ROTATING_TOKEN_SECONDS = 43200

# Form-encoded calls carry these as JSON strings; tests want them as Python objects.
_JSON_STRING_PARAMS = ("blocks", "view", "attachments", "files", "metadata")

# The first ts handed out, in microseconds; each message gets the next 100 µs so ts strictly increase.
_FIRST_TS_MICROS = 1_700_000_000_000_100


@dataclass(frozen=True)
class RecordedCall:
    """One request the bot made, with what the stand-in answered (failed attempts are recorded too):
    the token it carried, and the workspace that token belongs to (None for an unknown token)."""

    method: str
    params: dict
    at: float
    status: int = 200
    response: dict = field(default_factory=dict)
    token: str | None = None
    team_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")


@dataclass(frozen=True)
class Message:
    """A message as a person sees it: its latest text and blocks, after any update."""

    channel: str
    ts: str
    text: str
    blocks: list[dict]
    ephemeral: bool
    source: str
    thread_ts: str | None = None


@dataclass(frozen=True)
class UploadedFile:
    file_id: str
    filename: str
    title: str | None
    channel_id: str | None
    initial_comment: str | None
    content: bytes


@dataclass(frozen=True)
class Workspace:
    """A Slack workspace the app can be installed in, and its bot user there."""

    team_id: str
    name: str
    domain: str
    bot_user_id: str
    bot_id: str
    # The Enterprise Grid organisation it belongs to, if any.
    enterprise_id: str | None = None


@dataclass(frozen=True)
class _Approval:
    """What a person decided on the authorize page, for the next install of the app."""

    team_id: str | None  # None: the whole organisation (an org-wide install)
    installer: str
    enterprise_id: str | None
    rotating: bool
    expires_in: int


@dataclass
class _Code:
    approval: _Approval
    scopes: str
    redirect_uri: str | None
    issued_at: float
    used: bool = False


@dataclass
class _Fault:
    error: str
    status: int
    retry_after: int | None


@dataclass
class _Posted:
    """A message in the stand-in's memory. ``for_user`` is set when only one person is its audience
    (an ephemeral message, or a reply through that person's response_url)."""

    message: Message
    for_user: str | None
    deleted: bool = False


@dataclass
class _Trigger:
    user_id: str | None
    issued_at: float
    used: bool = False


@dataclass
class _ResponseUrl:
    user_id: str
    channel_id: str
    original: tuple[str, str] | None  # (channel, ts) of the message the interaction came from


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset_connection: bool = False  # drop the connection (TCP RST) instead of answering

    @classmethod
    def json(cls, payload: dict, status: int = 200, **kwargs: Any) -> _Reply:
        return cls(status=status, body=json.dumps(payload).encode(), **kwargs)


class _Hold(threading.Event):
    """A gate held calls wait at; `dropped` once released for callers that are gone."""

    dropped = False


def _error(code: str, **details: Any) -> dict:
    return {"ok": False, "error": code, **details}


def block_kit_problem(*, blocks: object = None, view: object = None) -> str | None:
    """Why Slack would refuse these message blocks or this view, or None when it would accept them.

    ``slack_sdk.models`` encodes Slack's documented limits (text lengths, element counts...) and raises
    on ``to_dict()``; the block caps are checked here because the models do not know them.
    """
    try:
        if view is not None:
            if not isinstance(view, dict):
                return "the view must be a JSON object"
            view_blocks = view.get("blocks") or []
            if len(view_blocks) > MAX_VIEW_BLOCKS:
                return f"a view holds at most {MAX_VIEW_BLOCKS} blocks, this one has {len(view_blocks)}"
            _check_block_types(view_blocks)
            View(**view).to_dict()
        if blocks is not None:
            if not isinstance(blocks, list):
                return "blocks must be a JSON array"
            if len(blocks) > MAX_MESSAGE_BLOCKS:
                return f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks, this one has {len(blocks)}"
            _check_block_types(blocks)
            for block in Block.parse_all(blocks):
                block.to_dict()
    except (SlackObjectFormationError, TypeError, KeyError, AttributeError, ValueError) as problem:
        return str(problem) or repr(problem)
    return None


def _check_block_types(blocks: list) -> None:
    # Block.parse_all only logs and drops blocks it does not know; Slack refuses them.
    for position, block in enumerate(blocks):
        if not isinstance(block, dict) or Block.parse(block) is None:
            raise ValueError(f"block {position} is not a known Block Kit block: {block!r}")


class _RateLimits:
    """Slack's rate limits, as tests ask for them (`SlackStandIn.limit_rate`): a bucket of calls per
    method and per token, each workspace's bot token standing for its workspace (Slack counts per
    method, per app, per workspace). Called under the stand-in's lock."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._limits: dict[str, tuple[float, int, str | None]] = {}  # method -> (a minute, burst, token)
        self._buckets: dict[tuple[str, str | None], tuple[float, float]] = {}  # -> (calls left, as of)

    def limit(self, method: str, per_minute: float, burst: int, token: str | None) -> None:
        self._limits[method] = (per_minute, burst, token)
        self._buckets = {key: bucket for key, bucket in self._buckets.items() if key[0] != method}

    def retry_after(self, method: str, token: str | None) -> int | None:
        """Whole seconds until `token` may call `method` again, or None: the call is let through."""
        if method not in self._limits:
            return None
        per_minute, burst, limited_token = self._limits[method]
        if limited_token is not None and token != limited_token:
            return None
        now = self._now()
        left, as_of = self._buckets.get((method, token), (float(burst), now))
        left = min(left + (now - as_of) * per_minute / 60, float(burst))
        if left < 1:
            self._buckets[(method, token)] = (left, now)
            return max(1, math.ceil((1 - left) * 60 / per_minute))
        self._buckets[(method, token)] = (left - 1, now)
        return None


class _StandInServer(ThreadingHTTPServer):
    # Slack takes as many connections as a bot opens; the standard library's backlog of 5 would reset
    # some of a busy bot's connections (a pool of listener threads, dispatcher processes) and make the
    # stand-in, not the bot, the bottleneck.
    request_queue_size = 128


class SlackStandIn:
    """Slack's Web API, locally. ``with SlackStandIn() as slack: WebClient(base_url=slack.url)``."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_domain: str = "mentorbot-test",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        api_app_id: str = "A0001",
        tokens: Iterable[str] | None = None,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        now: Callable[[], float] = time.time,
    ) -> None:
        """``tokens`` are the tokens this workspace issued: any other answers ``invalid_auth``. Without
        them every token is taken as issued (tests use many, and none is a real secret), until a token is
        issued (``issue_token``, or an install through oauth.v2.access)."""
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.api_app_id = api_app_id
        self.client_id = client_id
        self._client_secret = client_secret
        self._now = now
        self._lock = threading.Lock()
        self._server: _StandInServer | None = None
        self._thread: threading.Thread | None = None
        self._socket_mode_url = "ws://127.0.0.1:1/"
        self._methods: dict[str, Callable[[dict], dict]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "apps.connections.open": self._apps_connections_open,
            "auth.revoke": self._auth_revoke,
        }
        self._users: dict[str, dict] = {}
        # Faults and delays are test set-up: reset() keeps them, like the user directory.
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._holds: dict[str, _Hold] = {}
        self._held_calls = 0
        self._upload_faults: deque[str] = deque()
        # Token trouble is set-up too, kept by reset(); restore_auth() clears it.
        self._issued_tokens: set[str] | None = set(tokens) if tokens is not None else None
        self._revoked_tokens: dict[str, str] = {}
        self._auth_failure: str | None = None
        self._rate_limits = _RateLimits(now)
        # Add to Slack: the workspaces, whose token is whose, what the next authorize visit does.
        self._workspaces: dict[str, Workspace] = {
            team_id: Workspace(team_id, "Mentorbot Test", team_domain, bot_user_id, bot_id)
        }
        self._token_teams: dict[str, str] = {}
        self._token_expiry: dict[str, float] = {}
        self._refresh_tokens: dict[str, tuple[str, _Approval, str]] = {}  # -> (team, approval, scopes)
        self._codes: dict[str, _Code] = {}
        self._approvals: deque[_Approval | None] = deque()  # None: the person cancels
        self.redirect_url: str | None = None
        # The token of the call being answered, and its workspace (set under the lock).
        self._calling_token: str | None = None
        self._caller_team: str | None = team_id
        self._forget_traffic()

    def _forget_traffic(self) -> None:
        self.calls: list[RecordedCall] = []
        self.block_kit_errors: list[str] = []
        self.uploaded_files: list[UploadedFile] = []
        self._posted: list[_Posted] = []
        self._channel_members: dict[str, set[str]] = {}
        self._mpim_ids: dict[frozenset[str], str] = {}
        self._ts_micros = itertools.count(_FIRST_TS_MICROS, 100)
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._views: dict[str, dict] = {}
        self._view_owner: dict[str, str | None] = {}
        self._modal_stacks: dict[str | None, list[str]] = {}
        self._home_view_ids: dict[str, str] = {}
        self._last_opened_view_id: str | None = None
        self._pending_uploads: dict[str, dict] = {}
        self._counter = itertools.count(1)

    # -----------------------------------------------------------------------------------------------
    # Life cycle

    def start(self) -> SlackStandIn:
        server = _StandInServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        # A short poll interval keeps stop() quick: shutdown() waits for the serving loop to notice.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="slack-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        for method in list(self._holds):
            self.release(method)
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        if self._server is None:
            raise RuntimeError("the Slack stand-in is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The ``base_url`` for ``slack_sdk.WebClient``, which appends the method name to it."""
        return f"{self.base}/api/"

    # -----------------------------------------------------------------------------------------------
    # Set-up

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        locale: str = "fr-FR",
        tz: str = "Europe/Paris",
        tz_offset: int = 3600,
        is_admin: bool = False,
        is_owner: bool = False,
        email: str | None = None,
        deleted: bool = False,
        team_id: str | None = None,
    ) -> None:
        """Put a person in a workspace's directory (the first one's unless ``team_id`` says which),
        answered by users.info and users.lookupByEmail to that workspace's tokens."""
        name = name or user_id.lower()
        with self._lock:
            self._users[user_id] = workspace_user(
                user_id,
                team_id=team_id or self.team_id,
                name=name,
                real_name=real_name or name.title(),
                locale=locale,
                tz=tz,
                tz_offset=tz_offset,
                is_admin=is_admin,
                is_owner=is_owner,
                email=email,
                deleted=deleted,
            )

    def add_channel(self, channel_id: str, members: set[str]) -> None:
        """A channel the bot was invited to, with the people who read it (`messages_to` shows its posts)."""
        with self._lock:
            self._channel_members[channel_id] = set(members)

    def deactivate_user(self, user_id: str) -> dict:
        """An admin deactivates this member: users.info now says ``deleted: true``.

        Messages to them are still accepted (Slack keeps their DM; python-slack-sdk issue #1156).
        Returns their user object as it now is, for a ``user_change`` event.
        """
        return self._set_deleted(user_id, True)

    def reactivate_user(self, user_id: str) -> dict:
        """An admin reactivates this member: ``deleted: false`` again. Returns their user object."""
        return self._set_deleted(user_id, False)

    def _set_deleted(self, user_id: str, deleted: bool) -> dict:
        with self._lock:
            if user_id not in self._users:
                raise AssertionError(f"no user {user_id} in the directory; users: {sorted(self._users)}")
            user = self._users[user_id]
            user["deleted"] = deleted
            user["updated"] = int(self._now())
            return copy.deepcopy(user)

    def user_object(self, user_id: str) -> dict:
        """The member's full user object (``locale`` included), as Slack sends it in ``user_change``."""
        with self._lock:
            if user_id not in self._users:
                raise AssertionError(f"no user {user_id} in the directory; users: {sorted(self._users)}")
            return copy.deepcopy(self._users[user_id])

    def user_name(self, user_id: str) -> str:
        """The handle Slack puts in payloads for this person (their directory name, else the id)."""
        with self._lock:
            user = self._users.get(user_id)
        return user["name"] if user else user_id.lower()

    def set_socket_mode_url(self, url: str) -> None:
        with self._lock:
            self._socket_mode_url = url

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail, in the order faults were queued.

        ``status=429`` answers ``ratelimited`` with a ``Retry-After`` header (1 s unless ``retry_after``
        says otherwise: Slack always tells how long to wait); ``status=5xx`` answers a server error; with
        the default status, ``error`` is the code of an ``ok: false`` answer.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if error is None:
            error = "ratelimited" if status == 429 else "internal_error" if status >= 500 else "fatal_error"
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            queue.extend(_Fault(error, status, retry_after) for _ in range(times))

    def fail_uploads(self, mode: str = "http_500", *, times: int = 1) -> None:
        """Make the next ``times`` POSTs of file bytes to an upload URL (files_upload_v2's second step) fail.

        ``http_500``: the upload URL answers HTTP 500. ``connection_reset``: it reads the bytes, then
        resets the connection without answering. files.getUploadURLExternal and
        files.completeUploadExternal are untouched; a file whose bytes never arrived cannot be completed.
        """
        if mode not in UPLOAD_FAULTS:
            raise ValueError(f"unknown upload fault {mode!r}; known: {list(UPLOAD_FAULTS)}")
        with self._lock:
            self._upload_faults.extend([mode] * times)

    def limit_rate(
        self, method: str, *, per_minute: float, burst: int | None = None, token: str | None = None
    ) -> None:
        """Rate-limit ``method`` per workspace, as Slack does: each token may make ``burst`` calls at once
        (a minute's worth unless said), then ``per_minute``; past that the call is answered HTTP 429
        ``{"ok": false, "error": "ratelimited"}`` with ``Retry-After``, the whole seconds until it may
        call again (what slack_sdk's RateLimitErrorRetryHandler reads). Tokens stand for workspaces, so
        one workspace's calls never spend another's. With ``token``, only that workspace is limited.
        Set-up, like faults: reset() keeps it; limiting the method again starts every count afresh."""
        with self._lock:
            self._rate_limits.limit(method, per_minute, int(per_minute) if burst is None else burst, token)

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` only after ``seconds`` (a slow Slack), or promptly again with 0."""
        with self._lock:
            if seconds:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def hold(self, method: str) -> None:
        """Keep every call of ``method`` waiting, before Slack takes it in (nothing is recorded, nothing
        posted), until `release`: a Slack that hangs, while a test kills the process that called it."""
        with self._lock:
            self._holds.setdefault(method, _Hold())

    def release(self, method: str, *, drop_held: bool = False) -> None:
        """Let held calls through; with `drop_held`, the calls held so far never reach Slack (their
        caller died meanwhile: its connection is gone), and later ones are answered as usual."""
        with self._lock:
            gate = self._holds.pop(method, None)
        if gate is not None:
            gate.dropped = drop_held
            gate.set()

    @property
    def held_calls(self) -> int:
        """How many calls are being held right now."""
        with self._lock:
            return self._held_calls

    def issue_token(self, token: str) -> None:
        """Make ``token`` one the workspace issued; once any is, every other token is ``invalid_auth``."""
        with self._lock:
            if self._issued_tokens is None:
                self._issued_tokens = set()
            self._issued_tokens.add(token)
            self._revoked_tokens.pop(token, None)

    def revoke_token(self, token: str, *, error: str = "token_revoked") -> None:
        """From now on every call with ``token`` answers ``{"ok": false, "error": error}``.

        An uninstalled app's bot token has also been seen to answer ``account_inactive``
        (bolt-python issue #1029); a token replaced by a reinstall answers ``invalid_auth``.
        """
        _check_auth_error(error)
        with self._lock:
            self._revoked_tokens[token] = error

    def fail_auth(self, error: str = "invalid_auth") -> None:
        """Every call, whatever its token, answers ``{"ok": false, "error": error}`` until restore_auth()."""
        _check_auth_error(error)
        with self._lock:
            self._auth_failure = error

    def restore_auth(self) -> None:
        """Undo fail_auth() and every revoke_token() (the issued tokens stay issued)."""
        with self._lock:
            self._auth_failure = None
            self._revoked_tokens.clear()

    # -----------------------------------------------------------------------------------------------
    # Add to Slack: the authorize page, codes and tokens per workspace

    def add_workspace(
        self,
        team_id: str,
        *,
        name: str | None = None,
        bot_user_id: str | None = None,
        bot_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> Workspace:
        """A workspace the app can be installed in (the first one exists already), with its bot user."""
        suffix = team_id[1:]
        workspace = Workspace(
            team_id=team_id,
            name=name or f"School {suffix}",
            domain=f"school-{suffix.lower()}",
            bot_user_id=bot_user_id or f"U{suffix}BOT",
            bot_id=bot_id or f"B{suffix}BOT",
            enterprise_id=enterprise_id,
        )
        with self._lock:
            self._workspaces[team_id] = workspace
        return workspace

    def set_redirect_url(self, url: str) -> None:
        """The app's Redirect URL (OAuth & Permissions), where the authorize page sends the person back
        when the app's authorize link names none."""
        with self._lock:
            self.redirect_url = url

    def approve_next_install(
        self,
        team_id: str,
        *,
        installer: str,
        rotating: bool = False,
        expires_in: int = ROTATING_TOKEN_SECONDS,
    ) -> None:
        """The next visit of the authorize page is ``installer`` pressing "Allow" for ``team_id``
        (added with ``add_workspace`` first, unless it is the first one). ``rotating``: the app has token
        rotation on, so the token comes with a refresh token and expires after ``expires_in`` seconds
        (less than Slack's 12 hours plays a token installed a while ago); refreshed ones live 12 hours."""
        with self._lock:
            workspace = self._workspaces[team_id]
            self._approvals.append(
                _Approval(team_id, installer, workspace.enterprise_id, rotating, expires_in)
            )

    def approve_next_org_install(self, enterprise_id: str, *, installer: str) -> None:
        """The next visit is an Enterprise Grid admin installing the app for the whole organisation."""
        with self._lock:
            self._approvals.append(_Approval(None, installer, enterprise_id, False, ROTATING_TOKEN_SECONDS))

    def cancel_next_install(self) -> None:
        """The next visit is the person pressing "Cancel": Slack sends them back with error=access_denied."""
        with self._lock:
            self._approvals.append(None)

    def grant_code(
        self,
        team_id: str,
        *,
        installer: str,
        scopes: str = "commands,chat:write",
        redirect_uri: str | None = None,
        rotating: bool = False,
    ) -> str:
        """An authorization code as the authorize page would hand it out, for a test to bring to the
        app's redirect itself (with a state of its choosing)."""
        with self._lock:
            workspace = self._workspaces[team_id]
            approval = _Approval(
                team_id, installer, workspace.enterprise_id, rotating, ROTATING_TOKEN_SECONDS
            )
            return self._new_code(approval, scopes, redirect_uri)

    def token_of(self, team_id: str) -> str | None:
        """The workspace's current bot token (its latest install or refresh), or None."""
        with self._lock:
            live = [
                token
                for token, team in self._token_teams.items()
                if team == team_id
                and token in (self._issued_tokens or ())
                and token not in self._revoked_tokens
            ]
            return live[-1] if live else None

    def team_of_token(self, token: str) -> str | None:
        with self._lock:
            return self._token_teams.get(token)

    def reset(self) -> None:
        """Forget calls, messages, views and files; keep users, faults, delays, token trouble and URLs."""
        with self._lock:
            self._forget_traffic()

    # -----------------------------------------------------------------------------------------------
    # Hooks for the driver: what Slack itself knows about interactions it sent to the app

    def register_trigger(self, trigger_id: str, user_id: str | None) -> None:
        """Record a trigger_id handed to the app, for whom, and when (by the stand-in's clock)."""
        with self._lock:
            self._triggers[trigger_id] = _Trigger(user_id=user_id, issued_at=self._now())

    def response_url(self, user_id: str, channel_id: str, *, message_ts: str | None = None) -> str:
        """A response_url for an interaction of ``user_id`` in ``channel_id``.

        ``message_ts`` names the message clicked, which ``replace_original``/``delete_original`` act on;
        without it (slash commands) they act on the last message sent through this URL.
        """
        with self._lock:
            key = str(next(self._counter))
            original = (channel_id, message_ts) if message_ts else None
            self._response_urls[key] = _ResponseUrl(user_id, channel_id, original)
        return f"{self.base}/response/{key}"

    def view_submission_acknowledged(self, view_id: str, ack: dict | None) -> None:
        """Apply what the app answered to a view_submission, as Slack's client does.

        An empty ack closes the submitted view; ``response_action`` ``clear`` closes the whole stack,
        ``update`` replaces the submitted view, ``push`` stacks a new one, ``errors`` keeps it open.
        """
        ack = ack or {}
        action = ack.get("response_action")
        with self._lock:
            owner = self._view_owner.get(view_id)
            stack = self._modal_stacks.get(owner, [])
            if action == "errors":
                return
            if action in ("update", "push"):
                problem = block_kit_problem(view=ack.get("view"))
                if problem:
                    self.block_kit_errors.append(f"view_submission ack ({action}): {problem}")
                    return
                if action == "update":
                    self._replace_view(view_id, ack["view"])
                else:
                    self._store_modal(ack["view"], owner, previous_view_id=view_id)
                return
            if action == "clear":
                stack.clear()
            elif view_id in stack:
                stack.remove(view_id)

    def view_closed(self, view_id: str) -> None:
        """The user dismissed a modal: it and every view pushed on it close together."""
        with self._lock:
            owner = self._view_owner.get(view_id)
            self._modal_stacks.get(owner, []).clear()

    # -----------------------------------------------------------------------------------------------
    # Queries for tests

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def messages_to(self, user_id: str) -> list[Message]:
        """Every message ``user_id`` can see: their DM (and group DMs), ephemerals, response_url replies."""
        with self._lock:
            return [
                posted.message
                for posted in self._posted
                if not posted.deleted
                and (
                    posted.for_user == user_id
                    or (posted.for_user is None and user_id in self._members(posted.message.channel))
                )
            ]

    def last_message_to(self, user_id: str) -> Message:
        messages = self.messages_to(user_id)
        if not messages:
            with self._lock:
                seen = [
                    (p.message.channel, p.message.text, p.for_user) for p in self._posted if not p.deleted
                ]
            raise AssertionError(f"no message to {user_id}; messages sent (channel, text, for_user): {seen}")
        return messages[-1]

    def home_of(self, user_id: str) -> dict | None:
        with self._lock:
            view_id = self._home_view_ids.get(user_id)
            return dict(self._views[view_id]) if view_id else None

    def open_views_of(self, user_id: str) -> list[dict]:
        """The modals open for ``user_id``, bottom of the stack first."""
        with self._lock:
            return [dict(self._views[view_id]) for view_id in self._modal_stacks.get(user_id, [])]

    def view(self, view_id: str) -> dict:
        with self._lock:
            if view_id not in self._views:
                raise AssertionError(f"no view {view_id}; views: {sorted(self._views)}")
            return dict(self._views[view_id])

    def last_view_opened(self) -> dict:
        with self._lock:
            if self._last_opened_view_id is None:
                raise AssertionError("no view was opened or pushed")
            return dict(self._views[self._last_opened_view_id])

    # -----------------------------------------------------------------------------------------------
    # HTTP entry point (called from the server's threads)

    def _answer_http(self, path: str, headers: Any, body: bytes) -> _Reply:
        parts = urlsplit(path)
        section, _, rest = parts.path.lstrip("/").partition("/")
        if section == "api":
            return self._answer_api(rest, headers, parts.query, body)
        if section == "response":
            return self._answer_response_url(rest, body)
        if section == "upload":
            return self._answer_upload(rest, body)
        if parts.path == "/oauth/v2/authorize":
            return self._answer_authorize(dict(parse_qsl(parts.query)))
        return _Reply.json({"ok": False, "error": "not_found"}, status=404)

    def _answer_api(self, method: str, headers: Any, query: str, body: bytes) -> _Reply:
        params = _decode_params(headers.get("Content-Type", ""), query, body)
        if params is None:
            return self._record(method, {}, 200, _error("invalid_json"))
        authorization = headers.get("Authorization", "")
        bearer = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else ""
        token = params.pop("token", None) or bearer or None
        if self._wait_if_held(method):
            return _Reply.json({"ok": False, "error": "request_timeout"}, status=503)  # nobody listens
        with self._lock:
            self._calling_token = token
            self._caller_team = self._team_of(token)
            delay = self._delays.get(method, 0.0)
            queued_faults = self._faults.get(method)
            fault = queued_faults.popleft() if queued_faults else None
            if fault:
                reply = self._record_locked(method, params, fault.status, _error(fault.error), delay)
                if fault.retry_after is not None:
                    reply.headers["Retry-After"] = str(fault.retry_after)
                return reply
            if method == "oauth.v2.access":  # authenticated by the app's credentials, not by a token
                return self._record_locked(
                    method, params, 200, self._oauth_v2_access(params, authorization), delay
                )
            refusal = self._auth_refusal(token)
            if refusal is not None:
                return self._record_locked(method, params, 200, _error(refusal), delay)
            wait = self._rate_limits.retry_after(method, token)
            if wait is not None:
                reply = self._record_locked(method, params, 429, _error("ratelimited"), delay)
                reply.headers["Retry-After"] = str(wait)
                return reply
            if method not in self._methods:
                return self._record_locked(method, params, 404, _error("unknown_method", req_method=method))
            return self._record_locked(method, params, 200, self._methods[method](params), delay)

    def _wait_if_held(self, method: str) -> bool:
        """Wait while `method` is held; whether the call was dropped meanwhile."""
        with self._lock:
            gate = self._holds.get(method)
            if gate is None:
                return False
            self._held_calls += 1
        try:
            gate.wait(timeout=HOLD_LIMIT_SECONDS)
        finally:
            with self._lock:
                self._held_calls -= 1
        return gate.dropped

    def _auth_refusal(self, token: str | None) -> str | None:
        # Slack answers these with HTTP 200 and ok: false, on every method.
        if token is None:
            return "not_authed"
        if self._auth_failure is not None:
            return self._auth_failure
        if token in self._revoked_tokens:
            return self._revoked_tokens[token]
        if self._issued_tokens is not None and token not in self._issued_tokens:
            return "invalid_auth"
        if token in self._token_expiry and self._now() >= self._token_expiry[token]:
            return "token_expired"
        return None

    def _record(self, method: str, params: dict, status: int, response: dict) -> _Reply:
        with self._lock:
            return self._record_locked(method, params, status, response)

    def _record_locked(
        self, method: str, params: dict, status: int, response: dict, delay: float = 0.0
    ) -> _Reply:
        token, self._calling_token = self._calling_token, None
        self.calls.append(
            RecordedCall(method, params, self._now(), status, response, token, self._team_of(token))
        )
        return _Reply.json(response, status=status, delay=delay)

    def _reject_blocks(self, where: str, problem: str) -> dict:
        self.block_kit_errors.append(f"{where}: {problem}")
        return _error("invalid_blocks", errors=[problem])

    def _team_of(self, token: str | None) -> str | None:
        """The workspace a token belongs to: the one it was issued for through oauth.v2.access, else the
        first workspace for any token it accepts; None for a token it does not know."""
        if token is None:
            return None
        if token in self._token_teams:
            return self._token_teams[token]
        return self.team_id if self._issued_tokens is None or token in self._issued_tokens else None

    # -----------------------------------------------------------------------------------------------
    # Add to Slack (OAuth v2)

    def _answer_authorize(self, query: dict) -> _Reply:
        """Slack's authorize page, after the person's choice: back to the app's redirect URL with
        ``code`` (or ``error=access_denied``) and the ``state`` the app sent."""
        with self._lock:
            if query.get("client_id") != self.client_id:
                return _page(400, "invalid_client_id: this app does not exist")
            redirect = query.get("redirect_uri") or self.redirect_url
            if not redirect:
                return _page(400, "bad_redirect_uri: the app has no Redirect URL (set_redirect_url)")
            if not self._approvals:
                return _page(400, "nobody answered: call approve_next_install() before the visit")
            approval = self._approvals.popleft()
            answer = {"state": query.get("state", "")}
            if approval is None:
                answer = {"error": "access_denied", **answer}
            else:
                code = self._new_code(approval, query.get("scope", ""), query.get("redirect_uri"))
                answer = {"code": code, **answer}
        separator = "&" if "?" in redirect else "?"
        return _Reply(status=302, body=b"", headers={"Location": redirect + separator + urlencode(answer)})

    def _new_code(self, approval: _Approval, scopes: str, redirect_uri: str | None) -> str:
        code = f"{next(self._counter)}.{secrets.token_hex(16)}"
        self._codes[code] = _Code(approval, scopes, redirect_uri, self._now())
        return code

    def _oauth_v2_access(self, params: dict, authorization: str) -> dict:
        """Exchange a code for a bot token, or a refresh token for a new token (token rotation). The app
        authenticates with HTTP Basic (as slack_sdk does) or client_id/client_secret parameters."""
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        if authorization.startswith("Basic "):
            with contextlib.suppress(ValueError):
                decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
                client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id:
            return _error("invalid_client_id")
        if client_secret != self._client_secret:
            return _error("bad_client_secret")
        grant_type = params.get("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            return self._refresh(params.get("refresh_token") or "")
        if grant_type != "authorization_code":
            return _error("invalid_grant_type")
        grant = self._codes.get(params.get("code") or "")
        if grant is None or grant.used or self._now() - grant.issued_at > CODE_LIFETIME_SECONDS:
            return _error("invalid_code")
        if grant.redirect_uri is not None and params.get("redirect_uri") != grant.redirect_uri:
            return _error("bad_redirect_uri")
        grant.used = True
        return self._install(grant.approval, grant.scopes)

    def _install(self, approval: _Approval, scopes: str) -> dict:
        """A new bot token for the workspace (or the organisation); a reinstall replaces the old token,
        which answers invalid_auth from then on."""
        if approval.team_id is None:
            # An org-wide install: the token is the organisation's, for every workspace in it.
            assert approval.enterprise_id is not None
            workspace = self._workspaces.setdefault(
                approval.enterprise_id,
                Workspace(
                    approval.enterprise_id,
                    "Grid Org",
                    "grid-org",
                    "U0ORGBOT",
                    "B0ORGBOT",
                    approval.enterprise_id,
                ),
            )
        else:
            workspace = self._workspaces[approval.team_id]
        issued = self._issued_tokens or set()
        for token, team in self._token_teams.items():
            if team == workspace.team_id:
                issued.discard(token)  # replaced: invalid_auth from now on
        self._refresh_tokens = {
            refresh: held for refresh, held in self._refresh_tokens.items() if held[0] != workspace.team_id
        }
        answer = self._new_token(workspace, approval, scopes)
        org_wide = approval.team_id is None
        enterprise = {"id": workspace.enterprise_id, "name": "Grid Org"} if workspace.enterprise_id else None
        return {
            **answer,
            "authed_user": {"id": approval.installer},
            "team": None if org_wide else {"id": workspace.team_id, "name": workspace.name},
            "enterprise": enterprise,
            "is_enterprise_install": org_wide,
        }

    def _refresh(self, refresh_token: str) -> dict:
        held = self._refresh_tokens.pop(refresh_token, None)  # a refresh token works once
        if held is None:
            return _error("invalid_refresh_token")
        team_id, approval, scopes = held
        workspace = self._workspaces[team_id]
        lifetime = dataclasses.replace(approval, expires_in=ROTATING_TOKEN_SECONDS)
        return {
            **self._new_token(workspace, lifetime, scopes),
            "team": {"id": workspace.team_id, "name": workspace.name},
            "enterprise": None,
        }

    def _new_token(self, workspace: Workspace, approval: _Approval, scopes: str) -> dict:
        secret = secrets.token_hex(12)
        token = f"xoxe.xoxb-1-{secret}" if approval.rotating else f"xoxb-{workspace.team_id}-{secret}"
        if self._issued_tokens is None:
            self._issued_tokens = set()
        self._issued_tokens.add(token)
        self._token_teams[token] = workspace.team_id
        answer = {
            "ok": True,
            "app_id": self.api_app_id,
            "access_token": token,
            "token_type": "bot",
            "scope": scopes,
            "bot_user_id": workspace.bot_user_id,
        }
        if approval.rotating:
            refresh_token = f"xoxe-1-{secrets.token_hex(12)}"
            self._refresh_tokens[refresh_token] = (workspace.team_id, approval, scopes)
            self._token_expiry[token] = self._now() + approval.expires_in
            answer |= {"refresh_token": refresh_token, "expires_in": approval.expires_in}
        return answer

    def _auth_revoke(self, params: dict) -> dict:
        if self._calling_token is not None and not _truthy(params.get("test")):
            self._revoked_tokens[self._calling_token] = "token_revoked"
        return {"ok": True, "revoked": not _truthy(params.get("test"))}

    # -----------------------------------------------------------------------------------------------
    # People and conversations

    def _auth_test(self, params: dict) -> dict:
        workspace = self._workspaces[self._caller_team or self.team_id]
        org_wide = workspace.enterprise_id == workspace.team_id
        return {
            "ok": True,
            "url": f"https://{workspace.domain}.slack.com/",
            "team": workspace.name,
            "user": "mentorbot",
            "team_id": workspace.team_id,
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "is_enterprise_install": org_wide,
            **({"enterprise_id": workspace.enterprise_id} if workspace.enterprise_id else {}),
        }

    def _in_other_workspace(self, user_id: str) -> bool:
        """Whether ``user_id`` is someone of another workspace than the calling token's: a token sees
        only its own workspace's people."""
        user = self._users.get(user_id)
        return user is not None and user["team_id"] != self._caller_team

    def _users_info(self, params: dict) -> dict:
        user = self._users.get(params.get("user", ""))
        if user is None or self._in_other_workspace(user["id"]):
            return _error("user_not_found")
        return {"ok": True, "user": _public_user(user, include_locale=_truthy(params.get("include_locale")))}

    def _users_lookup_by_email(self, params: dict) -> dict:
        email = (params.get("email") or "").lower()
        for user in self._users.values():
            if self._in_other_workspace(user["id"]):
                continue
            if email and (user["profile"].get("email") or "").lower() == email:
                return {"ok": True, "user": _public_user(user, include_locale=False)}
        return _error("users_not_found")

    def _conversations_open(self, params: dict) -> dict:
        if params.get("channel"):
            return {"ok": True, "channel": {"id": params["channel"]}}
        users = [user for user in str(params.get("users") or "").split(",") if user]
        if not users:
            return _error("users_list_not_supplied")
        if len(users) == 1:
            return {"ok": True, "channel": {"id": self._dm_channel_of(users[0])}}
        members = frozenset(users)
        if members not in self._mpim_ids:
            self._mpim_ids[members] = f"G{len(self._mpim_ids) + 1:08d}"
            self._channel_members[self._mpim_ids[members]] = set(members)
        return {"ok": True, "channel": {"id": self._mpim_ids[members]}}

    def _dm_channel_of(self, user_id: str) -> str:
        channel = "D" + user_id[1:]
        self._channel_members[channel] = {user_id}
        return channel

    def _members(self, channel: str) -> set[str]:
        # A D… id the bot kept from an earlier run still belongs to its user.
        if channel not in self._channel_members and channel.startswith("D"):
            return {"U" + channel[1:]}
        return self._channel_members.get(channel, set())

    def _recipient(self, channel: str) -> str:
        # A user id names that person's DM: D + the id, without resolving (which would record it).
        return "D" + channel[1:] if channel[:1] in ("U", "W") else channel

    def _resolve_channel(self, channel: str) -> str:
        # Slack accepts a user id as channel and posts in the DM with that user.
        return self._dm_channel_of(channel) if channel[:1] in ("U", "W") else channel

    # -----------------------------------------------------------------------------------------------
    # Messages

    def _next_ts(self) -> str:
        micros = next(self._ts_micros)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def as_slack_message(self, message: Message) -> dict:
        """``message`` in the JSON shape Slack uses for it in API answers and interaction payloads."""
        return bot_message(
            text=message.text,
            ts=message.ts,
            blocks=message.blocks,
            bot_user_id=self.bot_user_id,
            bot_id=self.bot_id,
            app_id=self.api_app_id,
            team_id=self.team_id,
            thread_ts=message.thread_ts,
        )

    def _message_problem(self, method: str, params: dict) -> dict | None:
        if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
            return _error("no_text")
        if isinstance(params.get("blocks"), str):
            return _error("invalid_blocks_format")
        problem = block_kit_problem(blocks=params.get("blocks"))
        return self._reject_blocks(method, problem) if problem else None

    def _chat_post_message(self, params: dict) -> dict:
        if not params.get("channel") or any(
            self._in_other_workspace(member) for member in self._members(self._recipient(params["channel"]))
        ):
            return _error("channel_not_found")
        refusal = self._message_problem("chat.postMessage", params)
        if refusal:
            return refusal
        channel = self._resolve_channel(params["channel"])
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=params.get("text") or "",
            blocks=params.get("blocks") or [],
            ephemeral=False,
            source="chat.postMessage",
            thread_ts=params.get("thread_ts"),
        )
        self._posted.append(_Posted(message, for_user=None))
        return {"ok": True, "channel": channel, "ts": message.ts, "message": self.as_slack_message(message)}

    def _find_posted(self, channel: str, ts: str) -> _Posted | None:
        for posted in self._posted:
            found = posted.message.channel == channel and posted.message.ts == ts
            if found and not posted.deleted and not posted.message.ephemeral:
                return posted
        return None

    def _chat_update(self, params: dict) -> dict:
        posted = self._find_posted(params.get("channel", ""), params.get("ts", ""))
        if posted is None:
            return _error("message_not_found")
        if isinstance(params.get("blocks"), str):
            return _error("invalid_blocks_format")
        problem = block_kit_problem(blocks=params.get("blocks"))
        if problem:
            return self._reject_blocks("chat.update", problem)
        # Slack keeps what the update leaves out; an empty blocks list removes the blocks.
        posted.message = dataclasses.replace(
            posted.message,
            text=params.get("text", posted.message.text),
            blocks=params.get("blocks", posted.message.blocks),
        )
        message = posted.message
        return {
            "ok": True,
            "channel": message.channel,
            "ts": message.ts,
            "text": message.text,
            "message": self.as_slack_message(message),
        }

    def _chat_post_ephemeral(self, params: dict) -> dict:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("user"):
            return _error("user_not_in_channel")
        refusal = self._message_problem("chat.postEphemeral", params)
        if refusal:
            return refusal
        message = Message(
            channel=self._resolve_channel(params["channel"]),
            ts=self._next_ts(),
            text=params.get("text") or "",
            blocks=params.get("blocks") or [],
            ephemeral=True,
            source="chat.postEphemeral",
            thread_ts=params.get("thread_ts"),
        )
        self._posted.append(_Posted(message, for_user=params["user"]))
        return {"ok": True, "message_ts": message.ts}

    def _chat_delete(self, params: dict) -> dict:
        posted = self._find_posted(params.get("channel", ""), params.get("ts", ""))
        if posted is None:
            return _error("message_not_found")
        posted.deleted = True
        return {"ok": True, "channel": posted.message.channel, "ts": posted.message.ts}

    def _answer_response_url(self, key: str, body: bytes) -> _Reply:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return self._record("response_url", {}, 400, _error("invalid_payload"))
        with self._lock:
            target = self._response_urls.get(key)
            if target is None:
                return self._record_locked("response_url", payload, 404, _error("invalid_response_url"))
            answer, status = self._respond(target, payload)
            return self._record_locked("response_url", payload, status, answer)

    def _respond(self, target: _ResponseUrl, payload: dict) -> tuple[dict, int]:
        if payload.get("delete_original"):
            original = self._original_of(target)
            if original is not None:
                original.deleted = True
            return {"ok": True}, 200
        if not payload.get("text") and not payload.get("blocks"):
            return _error("no_text"), 400
        problem = block_kit_problem(blocks=payload.get("blocks"))
        if problem:
            return self._reject_blocks("response_url", problem), 400
        original = self._original_of(target) if payload.get("replace_original") else None
        if original is not None:
            original.message = dataclasses.replace(
                original.message, text=payload.get("text") or "", blocks=payload.get("blocks") or []
            )
            return {"ok": True}, 200
        message = Message(
            channel=target.channel_id,
            ts=self._next_ts(),
            text=payload.get("text") or "",
            blocks=payload.get("blocks") or [],
            ephemeral=payload.get("response_type") != "in_channel",
            source="response_url",
            thread_ts=payload.get("thread_ts"),
        )
        self._posted.append(_Posted(message, for_user=target.user_id))
        if target.original is None:
            target.original = (message.channel, message.ts)
        return {"ok": True}, 200

    def _original_of(self, target: _ResponseUrl) -> _Posted | None:
        if target.original is None:
            return None
        channel, ts = target.original
        for posted in self._posted:
            if posted.message.channel == channel and posted.message.ts == ts and not posted.deleted:
                return posted
        return None

    # -----------------------------------------------------------------------------------------------
    # Views

    def _claim_trigger(self, trigger_id: str | None) -> tuple[_Trigger | None, dict | None]:
        if not trigger_id:
            return None, _error(
                "invalid_arguments", response_metadata={"messages": ["trigger_id is required"]}
            )
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            return None, _error("invalid_trigger_id")
        if trigger.used:
            return None, _error("exchanged_trigger_id")
        if self._now() - trigger.issued_at > TRIGGER_LIFETIME_SECONDS:
            return None, _error("expired_trigger_id")
        trigger.used = True
        return trigger, None

    def _view_refusal(self, method: str, view: object, expected_type: str) -> dict | None:
        if not isinstance(view, dict):
            return _error("invalid_arguments", response_metadata={"messages": ["view must be a JSON object"]})
        if view.get("type") != expected_type:
            message = f"{method} needs a view of type {expected_type!r}"
            return _error("invalid_arguments", response_metadata={"messages": [message]})
        problem = block_kit_problem(view=view)
        return self._reject_blocks(method, problem) if problem else None

    def _new_hash(self) -> str:
        return f"{int(self._now())}.{next(self._counter):08x}"

    def _view_json(
        self, view: dict, view_id: str, *, previous_view_id: str | None, root_view_id: str, team_id: str
    ) -> dict:
        """A view as Slack stores it, in the workspace whose token opened (or first opened) it."""
        workspace = self._workspaces[team_id]
        return {
            "id": view_id,
            "team_id": team_id,
            "type": view["type"],
            "blocks": view.get("blocks") or [],
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "state": {"values": {}},
            "hash": self._new_hash(),
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")),
            "previous_view_id": previous_view_id,
            "root_view_id": root_view_id,
            "app_id": self.api_app_id,
            "external_id": view.get("external_id") or "",
            "app_installed_team_id": team_id,
            "bot_id": workspace.bot_id,
        }

    def _store_modal(self, view: dict, owner: str | None, *, previous_view_id: str | None) -> dict:
        view_id = f"V{next(self._counter):04d}"
        previous = self._views[previous_view_id] if previous_view_id else None
        root = previous["root_view_id"] if previous else view_id
        team_id = previous["team_id"] if previous else self._caller_team or self.team_id
        stored = self._view_json(
            view, view_id, previous_view_id=previous_view_id, root_view_id=root, team_id=team_id
        )
        self._views[view_id] = stored
        self._view_owner[view_id] = owner
        stack = self._modal_stacks.setdefault(owner, [])
        if previous_view_id is None:
            stack.clear()
        stack.append(view_id)
        self._last_opened_view_id = view_id
        return stored

    def _replace_view(self, view_id: str, view: dict) -> dict:
        old = self._views[view_id]
        stored = self._view_json(
            view,
            view_id,
            previous_view_id=old["previous_view_id"],
            root_view_id=old["root_view_id"],
            team_id=old["team_id"],
        )
        self._views[view_id] = stored
        return stored

    def _views_open(self, params: dict) -> dict:
        trigger, refusal = self._claim_trigger(params.get("trigger_id"))
        refusal = refusal or self._view_refusal("views.open", params.get("view"), "modal")
        if refusal:
            return refusal
        return {"ok": True, "view": self._store_modal(params["view"], trigger.user_id, previous_view_id=None)}

    def _views_push(self, params: dict) -> dict:
        trigger, refusal = self._claim_trigger(params.get("trigger_id"))
        refusal = refusal or self._view_refusal("views.push", params.get("view"), "modal")
        if refusal:
            return refusal
        stack = self._modal_stacks.get(trigger.user_id, [])
        if len(stack) >= MAX_PUSHED_VIEWS:
            return _error("push_limit_reached")
        previous = stack[-1] if stack else None
        return {
            "ok": True,
            "view": self._store_modal(params["view"], trigger.user_id, previous_view_id=previous),
        }

    def _views_update(self, params: dict) -> dict:
        view_id = params.get("view_id")
        if not view_id and params.get("external_id"):
            view_id = next(
                (vid for vid, view in self._views.items() if view["external_id"] == params["external_id"]),
                None,
            )
        elif not view_id:
            message = "view_id or external_id is required"
            return _error("invalid_arguments", response_metadata={"messages": [message]})
        if view_id not in self._views:
            return _error("not_found")
        current = self._views[view_id]
        if params.get("hash") and params["hash"] != current["hash"]:
            return _error("hash_conflict")
        refusal = self._view_refusal("views.update", params.get("view"), current["type"])
        if refusal:
            return refusal
        return {"ok": True, "view": self._replace_view(view_id, params["view"])}

    def _views_publish(self, params: dict) -> dict:
        user_id = params.get("user_id")
        if not user_id:
            return _error("invalid_arguments", response_metadata={"messages": ["user_id is required"]})
        refusal = self._view_refusal("views.publish", params.get("view"), "home")
        if refusal:
            return refusal
        view_id = self._home_view_ids.get(user_id)
        if view_id and params.get("hash") and params["hash"] != self._views[view_id]["hash"]:
            return _error("hash_conflict")
        if view_id is None:
            view_id = f"V{next(self._counter):04d}"
            self._home_view_ids[user_id] = view_id
            self._view_owner[view_id] = user_id
        stored = self._view_json(
            params["view"],
            view_id,
            previous_view_id=None,
            root_view_id=view_id,
            team_id=self._caller_team or self.team_id,
        )
        self._views[view_id] = stored
        return {"ok": True, "view": stored}

    # -----------------------------------------------------------------------------------------------
    # Files (upload v2: get a URL, POST the bytes there, complete)

    def _files_get_upload_url_external(self, params: dict) -> dict:
        if not params.get("filename") or params.get("length") in (None, ""):
            return _error("invalid_arguments")
        if str(params["length"]) == "0":
            # Slack's "missing_argument": "Typically only occurs when the length provided is 0."
            return _error("missing_argument")
        file_id = f"F{next(self._counter):08d}"
        self._pending_uploads[file_id] = {"filename": params["filename"], "content": None}
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _answer_upload(self, file_id: str, body: bytes) -> _Reply:
        # Recorded as "upload"; the URL answers plain text, so the record's error names the fault.
        params = {"file_id": file_id, "length": len(body)}
        with self._lock:
            pending = self._pending_uploads.get(file_id)
            if pending is None:
                self._record_locked("upload", params, 404, _error("file_not_found"))
                return _Reply(status=404, body=b"not found", content_type="text/plain")
            fault = self._upload_faults.popleft() if self._upload_faults else None
            if fault == "http_500":
                self._record_locked("upload", params, 500, _error(fault))
                return _Reply(status=500, body=b"Internal Server Error", content_type="text/plain")
            if fault == "connection_reset":
                self._record_locked("upload", params, 0, _error(fault))
                return _Reply(status=0, body=b"", reset_connection=True)
            pending["content"] = body
            self._record_locked("upload", params, 200, {"ok": True})
        return _Reply(status=200, body=f"OK - {len(body)}".encode(), content_type="text/plain")

    def _files_complete_upload_external(self, params: dict) -> dict:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            return _error("invalid_arguments")
        completed = []
        for entry in files:
            pending = self._pending_uploads.get(entry.get("id", ""))
            if pending is None or pending["content"] is None:
                return _error("file_not_found")
            completed.append((entry, pending))
        shown = []
        for entry, pending in completed:
            del self._pending_uploads[entry["id"]]
            title = entry.get("title") or pending["filename"]
            self.uploaded_files.append(
                UploadedFile(
                    file_id=entry["id"],
                    filename=pending["filename"],
                    title=title,
                    channel_id=params.get("channel_id"),
                    initial_comment=params.get("initial_comment"),
                    content=pending["content"],
                )
            )
            shown.append({"id": entry["id"], "name": pending["filename"], "title": title})
        return {"ok": True, "files": shown}

    def _apps_connections_open(self, params: dict) -> dict:
        return {"ok": True, "url": self._socket_mode_url}


def _page(status: int, text: str) -> _Reply:
    return _Reply(status=status, body=text.encode(), content_type="text/plain; charset=utf-8")


def _check_auth_error(error: str) -> None:
    if error not in AUTH_ERRORS:
        raise ValueError(f"{error!r} is not one of Slack's authentication errors: {list(AUTH_ERRORS)}")


def _public_user(user: dict, *, include_locale: bool) -> dict:
    # Slack only tells a user's locale to apps that ask for it.
    return {key: value for key, value in user.items() if key != "locale" or include_locale}


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _decode_params(content_type: str, query: str, body: bytes) -> dict | None:
    """Merge the query string and the form or JSON body; None when a JSON body does not parse."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if "application/json" in content_type:
        try:
            decoded = json.loads(body or b"{}")
        except ValueError:
            return None
        if not isinstance(decoded, dict):
            return None
        params.update(decoded)
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for name in _JSON_STRING_PARAMS:
        if isinstance(params.get(name), str):
            # Left as a string when it does not parse: the method answers invalid_blocks_format or the like.
            with contextlib.suppress(ValueError):
                params[name] = json.loads(params[name])
    return params


class _Handler(BaseHTTPRequestHandler):
    server_version = "SlackStandIn/1"

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.server.standin._answer_http(self.path, self.headers, body)  # type: ignore[attr-defined]
        if reply.delay:
            time.sleep(reply.delay)  # a slow Slack, on purpose (set_delay)
        if reply.reset_connection:
            # SO_LINGER 0: close() sends a RST, so the client sees its connection reset, not a clean end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the recorded calls say more than an access log
