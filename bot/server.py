"""The HTTP face of mentorbot: Slack's requests at `POST /slack/events`, a health check at `GET /healthz`,
Prometheus' scrape at `GET /metrics`, and with Add to Slack (OAuth mode) the install page and Slack's
redirect (`GET /slack/install`, `GET /slack/oauth_redirect`). Anything else is 404.

Served by waitress, a production WSGI server with a thread pool, rather than Bolt's development server.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import waitress
from prometheus_client import make_wsgi_app
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from waitress import wasyncore

from bot.clock import Clock
from bot.metrics import ack_kind, count_ack, metrics_registry
from storage.queries.delivery import UNINSTALLED, paused_workspaces

logger = logging.getLogger("mentorbot.http")

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
# Slack's largest payloads (a view_submission of a full modal) stay far below this.
MAX_REQUEST_BODY_BYTES = 1024 * 1024
HTTP_THREADS = 16

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]

# The install pages are for people's browsers: never cached (each carries a fresh state), never framed
# (no clickjacking of the "Add to Slack" link), and the redirect's URL, which carries the code and the
# state, is not sent on as a Referer by the links the pages hold.
PAGE_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
]


@dataclass(frozen=True)
class SlackRequestRead:
    """What the server learns from a Slack request before Bolt sees it: the 4xx to answer instead of
    Bolt's, or else the payload's kind, which labels the ack's metrics."""

    refusal: tuple[str, bytes] | None = None
    kind: str = "other"


def read_slack_request(environ: dict) -> SlackRequestRead:
    """Refuse what Bolt would answer with a 500: a timestamp that is not a number (its signature check
    raises, and Bolt's error handler would then act on an unsigned body), or a body it cannot parse
    (`payload=` that is not a JSON object). Anything else Bolt judges itself; the body parsed for this
    check also gives the request's kind, so the ack path parses nothing more for its metrics.

    Reads the body and puts it back in `wsgi.input` for Bolt.
    """
    if not environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "").isdecimal():
        return SlackRequestRead(refusal=("401 Unauthorized", b'{"error": "invalid request"}'))
    length = environ.get("CONTENT_LENGTH") or "0"
    body = environ["wsgi.input"].read(int(length)) if length.isdecimal() else b""
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        parsed = BoltRequest(
            body=body.decode("utf-8"), headers={"content-type": environ.get("CONTENT_TYPE", "")}
        )
    except (ValueError, TypeError, AttributeError, KeyError):
        return SlackRequestRead(refusal=("400 Bad Request", b'{"error": "malformed request body"}'))
    return SlackRequestRead(kind=ack_kind(parsed.body))


def build_wsgi_app(
    bolt_app: App | None,
    engine: Engine,
    *,
    clock: Clock,
    socket_connected: Callable[[], bool] | None = None,
) -> WsgiApp:
    """Route Slack's requests to Bolt, health checks to the database and scrapes to the metrics (the
    backlog's age as of `clock`, the bot's), logging one line a request.

    Without a Bolt app (Socket Mode) only the health check and the metrics are served; `socket_connected`
    then says whether the WebSocket to Slack is up, for a process that cannot hear Slack is not healthy.
    """
    slack_handler = SlackRequestHandler(bolt_app, path=SLACK_EVENTS_PATH) if bolt_app else None
    metrics = make_wsgi_app(metrics_registry(engine, clock))
    flow = bolt_app.oauth_flow if bolt_app else None
    page_paths = {flow.install_path, flow.redirect_uri_path} if flow else set()

    def health(start_response: Callable) -> list[bytes]:
        if socket_connected is not None and not socket_connected():
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"not connected to Slack (Socket Mode)\n"]
        try:
            with Session(engine) as session:
                paused = paused_workspaces(session)
        except SQLAlchemyError:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"database unavailable\n"]
        # Still 200 with paused workspaces: the process is healthy, a load balancer must keep it; the
        # body says what the operator has to fix (a revoked or expired bot token), or that a school left.
        lines = ["ok"] + [
            f"deliveries stopped for workspace {team_id}: the app was uninstalled (its data is erased "
            "after MENTORBOT_UNINSTALLED_RETENTION_DAYS unless it is reinstalled)"
            if error == UNINSTALLED
            else f"deliveries paused for workspace {team_id}: Slack refuses the bot token ({error})"
            for team_id, error in sorted(paused.items())
        ]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["\n".join(lines).encode() + b"\n"]

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        status_seen: list[str] = []

        def recording_start_response(status: str, headers: list, exc_info=None):  # type: ignore[no-untyped-def]
            status_seen.append(status)
            return start_response(status, headers, exc_info)

        if method == "GET" and path == HEALTH_PATH:
            body = health(recording_start_response)
        elif method == "GET" and path == METRICS_PATH:
            body = metrics(environ, recording_start_response)
        elif slack_handler is not None and method == "POST" and path == SLACK_EVENTS_PATH:
            read = read_slack_request(environ)
            if read.refusal is not None:
                recording_start_response(read.refusal[0], [("Content-Type", "application/json")])
                body = [read.refusal[1]]
            else:
                body = slack_handler(environ, recording_start_response)
                # Only what Slack got a 2xx for is an ack: forged, unhandled and failed requests are not.
                if status_seen and status_seen[0].startswith("2"):
                    count_ack(read.kind, time.perf_counter() - started)
        elif slack_handler is not None and method == "GET" and path in page_paths:

            def page_start_response(status: str, headers: list, exc_info=None):  # type: ignore[no-untyped-def]
                return recording_start_response(status, [*headers, *PAGE_HEADERS], exc_info)

            body = slack_handler(environ, page_start_response)
        else:
            recording_start_response("404 Not Found", [("Content-Type", "text/plain")])
            body = [b"not found\n"]
        # Method, path, status and time only: bodies carry people's words, headers carry signatures, and
        # the redirect's query string carries the code and the state.
        logger.info(
            "%s %s %s %.1fms",
            method,
            path,
            status_seen[0].split(" ")[0] if status_seen else "-",
            (time.perf_counter() - started) * 1000,
        )
        return body

    return application


@dataclass
class RunningServer:
    """An HTTP server running in a background thread, stopped by `stop()`: `serve`'s (whose main thread
    waits for a signal), and the tests', the demo's and the benchmarks'."""

    url: str
    _server: object
    _thread: threading.Thread
    _stop_lock: threading.Lock = field(default_factory=threading.Lock)
    _stopped: bool = False

    def stop(self) -> None:
        """Finish the requests being served, close every socket and end the loop thread.

        Safe to call twice or from several threads: the trigger is closed by the first call, so a
        second pull would write to a closed, or by then reused, file descriptor.
        """
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
            server = self._server
            server.task_dispatcher.shutdown()  # type: ignore[attr-defined]
            trigger = server.trigger  # type: ignore[attr-defined]
            # Close from inside the server's own loop, woken by its trigger, rather than waiting out the
            # loop's one-second select timeout. The loop runs every queued thunk on any byte, such as
            # one a worker wrote for its last response; holding the thunks' lock until our own byte is
            # written keeps the closing thunk from closing the trigger before that write.
            with trigger.lock:
                trigger.thunks.append(lambda: wasyncore.close_all(server._map))  # type: ignore[attr-defined]
                trigger.pull_trigger()
            self._thread.join(timeout=5)
            if self._thread.is_alive():
                raise RuntimeError("the HTTP server's loop did not stop within 5 s")


def start_in_background(wsgi_app: WsgiApp, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    server = waitress.create_server(
        wsgi_app,
        host=host,
        port=port,
        threads=HTTP_THREADS,
        max_request_body_size=MAX_REQUEST_BODY_BYTES,
        ident="mentorbot",
    )
    thread = threading.Thread(target=server.run, name="mentorbot-http", daemon=True)
    thread.start()
    return RunningServer(url=f"http://{host}:{server.effective_port}", _server=server, _thread=thread)
