"""The HTTP face: health check, unknown paths, one log line a request without bodies, and a clean stop."""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.sandbox import Sandbox
from bot.server import RunningServer, start_in_background


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_health_check_answers_200_when_the_database_answers(sandbox: Sandbox) -> None:
    assert get(sandbox.server.url + "/healthz") == (200, b"ok\n")


def test_unknown_paths_are_404(sandbox: Sandbox) -> None:
    status, _ = get(sandbox.server.url + "/admin")

    assert status == 404


def test_each_request_is_logged_in_one_line_without_its_body(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.slack.add_user("UANNA", locale="en-GB")
    with caplog.at_level(logging.INFO, logger="mentorbot.http"):
        sandbox.command("UANNA", "help me with my secret plans")

    lines = [record.getMessage() for record in caplog.records if record.name == "mentorbot.http"]
    assert len(lines) == 1
    assert lines[0].startswith("POST /slack/events 200 ")
    assert "secret plans" not in caplog.text


def refuses_connections(server: RunningServer) -> bool:
    address = urllib.parse.urlsplit(server.url)
    try:
        socket.create_connection((address.hostname, address.port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_second_stop_does_nothing() -> None:
    server = start_in_background(lambda environ, start_response: [])
    server.stop()

    server.stop()

    assert refuses_connections(server)


def test_stop_while_requests_are_in_flight_closes_the_server() -> None:
    requests_entered = threading.Semaphore(0)
    release = threading.Event()

    def slow_app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        requests_entered.release()
        release.wait(timeout=5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok\n"]

    server = start_in_background(slow_app)
    address = urllib.parse.urlsplit(server.url)

    def keep_asking() -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
        try:
            while True:
                connection.request("GET", "/")
                connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            return  # the server closed the connection: what stopping does

    clients = [threading.Thread(target=keep_asking) for _ in range(4)]
    for client in clients:
        client.start()
    for _ in clients:
        assert requests_entered.acquire(timeout=5)
    # Workers finishing their responses pull the trigger while stop() pulls it too.
    release.set()
    with ThreadPoolExecutor(max_workers=3) as stoppers:
        stops = [stoppers.submit(server.stop) for _ in range(3)]
    for client in clients:
        client.join(timeout=5)

    assert [stop.exception() for stop in stops] == [None, None, None]
    assert refuses_connections(server)
