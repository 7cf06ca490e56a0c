"""`mentorbot` as an operator starts it: every failure to start is one line and an exit code (2: change
the configuration, 1: a service stayed out of reach), never a traceback; `.env` comes from the working
folder; `import` and `dispatch` migrate a fresh database; `migrate --to` goes down and back up."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.config import Config, ConfigError
from bot.server import build_wsgi_app
from bot.slack_double import SlackStandIn
from bot.slack_double.socket_mode import SocketModeStandIn
from bot.startup import NotYetReachable, StartupFailure, wait_for
from storage.db import create_database_engine
from storage.migrate import alembic_config
from tests.processes import free_port, health, wait_until

BOT_TOKEN = "xoxb-startup-test"
APP_TOKEN = "xapp-startup-test"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
TABLES_OF_0002 = {"posted_messages", "delivery_pauses"}


def base_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a process run from `tmp_path`: only what the test says, and a short wait."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.environ.get("PYTHONPATH", str(Path(__file__).resolve().parents[2])),
        "HOME": str(tmp_path),
        "MENTORBOT_STARTUP_TIMEOUT_SECONDS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mentorbot.db'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "startup-secret",
    }
    env.update(settings)
    return {name: value for name, value in env.items() if value != ""}


def mentorbot(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=base_env(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=60,
    )


def only_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failure to start prints; no traceback, nothing else."""
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mentorbot: ")
    return lines[0]


def last_line_after_waiting(result: subprocess.CompletedProcess[str], what: str) -> str:
    """A service waited for: one log line saying so, then the one line of the failure."""
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    *logged, last = lines
    assert logged and all(LOG_LINE.match(line) for line in logged), result.stderr
    assert any("waiting up to 1 s for " + what in line for line in logged), result.stderr
    assert last.startswith("mentorbot: ") and "still unreachable after 1 s" in last
    return last


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


# ------------------------------------------------------------------------------------------------------
# Failures to start: one line, the right exit code


def test_a_port_out_of_range_is_refused(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "serve", "--port", "99999")

    assert result.returncode == 2
    assert only_line(result) == "mentorbot: --port 99999 is out of range: use a port from 1 to 65535"


def test_a_port_out_of_range_in_the_environment_is_refused(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "serve", PORT="70000")

    assert result.returncode == 2
    assert "PORT 70000 is out of range" in only_line(result)


def test_a_usage_mistake_is_one_line_too(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "serve", "--port", "eighty")

    assert result.returncode == 2
    assert "invalid int value: 'eighty'" in only_line(result)


@pytest.mark.parametrize("url", ["not a url", "mysql://u@db/x"])
def test_a_malformed_database_url_is_refused(tmp_path: Path, url: str) -> None:
    result = mentorbot(tmp_path, "serve", DATABASE_URL=url)

    assert result.returncode == 2
    assert only_line(result).startswith("mentorbot: DATABASE_URL ")


def test_an_sqlite_path_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "serve", DATABASE_URL=f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")

    assert result.returncode == 2
    assert "does not exist" in only_line(result)


def test_an_unwritable_sqlite_path_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")

    result = mentorbot(tmp_path, "serve", DATABASE_URL=f"sqlite:///{not_a_folder / 'x.db'}")

    assert result.returncode == 2
    assert "DATABASE_URL" in only_line(result)


def test_a_database_that_refuses_connections_is_waited_for_then_given_up(tmp_path: Path) -> None:
    closed = free_port()

    result = mentorbot(tmp_path, "serve", DATABASE_URL=f"postgresql://mentorbot:pw@127.0.0.1:{closed}/x")

    assert result.returncode == 1
    line = last_line_after_waiting(result, "the database")
    assert "Connection refused" in line and "pw" not in line  # the password stays hidden


def test_an_unreachable_slack_is_waited_for_then_given_up(tmp_path: Path) -> None:
    closed = free_port()

    result = mentorbot(tmp_path, "serve", SLACK_API_URL=f"http://127.0.0.1:{closed}/api/")

    assert result.returncode == 1
    assert "Slack at http://127.0.0.1" in last_line_after_waiting(result, "Slack")


@pytest.mark.parametrize("refusal", ["invalid_auth", "token_revoked"])
def test_a_bot_token_slack_refuses_is_a_configuration_error(
    tmp_path: Path, slack: SlackStandIn, refusal: str
) -> None:
    slack.revoke_token(BOT_TOKEN, error=refusal)

    result = mentorbot(tmp_path, "serve", SLACK_API_URL=slack.url)

    assert result.returncode == 2
    assert only_line(result).startswith(f"mentorbot: Slack refuses SLACK_BOT_TOKEN ({refusal})")


def test_an_app_token_slack_refuses_is_a_configuration_error(tmp_path: Path, slack: SlackStandIn) -> None:
    slack.revoke_token(APP_TOKEN, error="invalid_auth")

    result = mentorbot(tmp_path, "serve", SLACK_API_URL=slack.url, SLACK_APP_TOKEN=APP_TOKEN)

    assert result.returncode == 2
    assert only_line(result).startswith("mentorbot: Slack refuses SLACK_APP_TOKEN (invalid_auth)")


def test_swapped_tokens_are_named_as_swapped(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "serve", SLACK_BOT_TOKEN=APP_TOKEN, SLACK_APP_TOKEN=BOT_TOKEN)

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are swapped" in only_line(result)


def test_a_wrong_log_level_is_refused(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "serve", MENTORBOT_LOG_LEVEL="loud")

    assert result.returncode == 2
    assert "MENTORBOT_LOG_LEVEL" in only_line(result)


# ------------------------------------------------------------------------------------------------------
# Token shapes and per-command configuration


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN does not start with xoxb-"),
        ({"SLACK_BOT_TOKEN": APP_TOKEN}, "that is an app-level token: it goes in SLACK_APP_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-other"}, "that is a bot token: it goes in SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": APP_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN}, "are swapped"),
    ],
)
def test_token_shapes_are_checked(settings: dict[str, str], message: str) -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "s", **settings}

    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.from_env(env)


def test_commands_that_only_call_slack_do_not_need_the_signing_secret() -> None:
    config = Config.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN}, needs_signing_secret=False)

    assert config.slack_signing_secret == ""
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        Config.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN})


# ------------------------------------------------------------------------------------------------------
# .env, --version, migrations


def test_dotenv_is_read_from_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxp-from-the-dotenv\n")

    result = mentorbot(tmp_path, "serve", SLACK_BOT_TOKEN="")

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN does not start with xoxb-" in only_line(result)


def test_version_is_printed(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "--version")

    assert result.returncode == 0
    assert re.fullmatch(r"mentorbot \S+\n", result.stdout)


def tables(url: str) -> set[str]:
    engine = create_database_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_import_migrates_a_fresh_database_first(tmp_path: Path, slack: SlackStandIn) -> None:
    slack.add_user("UANNA", email="anna@example.org")
    (tmp_path / "roster.csv").write_text("email,role,graduation_year,topics\nanna@example.org,alumni,2010,\n")

    result = mentorbot(tmp_path, "import", "roster.csv", SLACK_API_URL=slack.url, SLACK_SIGNING_SECRET="")

    assert result.returncode == 0, result.stderr
    assert {"members", "alembic_version"} | TABLES_OF_0002 <= tables(f"sqlite:///{tmp_path / 'mentorbot.db'}")


def test_dispatch_migrates_a_fresh_database_first(tmp_path: Path, slack: SlackStandIn) -> None:
    result = mentorbot(tmp_path, "dispatch", SLACK_API_URL=slack.url, SLACK_SIGNING_SECRET="")

    assert result.returncode == 0, result.stderr
    assert {"followups", "alembic_version"} | TABLES_OF_0002 <= tables(
        f"sqlite:///{tmp_path / 'mentorbot.db'}"
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.db import normalise_database_url

    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL half skipped")
    schema = f"mentorbot_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_database_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_database_url(base_url)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# The migrations as Alembic knows them, oldest first, so these tests follow new migrations.
REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]
HEAD = REVISIONS[-1]


def test_migrate_to_a_revision_goes_down_and_back_up(tmp_path: Path, fresh_database_url: str) -> None:
    url = fresh_database_url

    up = mentorbot(tmp_path, "migrate", DATABASE_URL=url)
    assert up.returncode == 0, up.stderr
    assert tables(url) >= TABLES_OF_0002

    down = mentorbot(tmp_path, "migrate", "--to", "0001", DATABASE_URL=url)
    assert down.returncode == 0, down.stderr
    assert f"from {HEAD} to 0001" in down.stdout
    assert not TABLES_OF_0002 & tables(url)
    assert "members" in tables(url)

    again = mentorbot(tmp_path, "migrate", DATABASE_URL=url)
    assert again.returncode == 0, again.stderr
    assert f"from 0001 to {HEAD}" in again.stdout
    assert tables(url) >= TABLES_OF_0002


def test_migrate_to_an_unknown_revision_lists_the_known_ones(tmp_path: Path) -> None:
    result = mentorbot(tmp_path, "migrate", "--to", "9999")

    assert result.returncode == 2
    known = ", ".join(["base", *REVISIONS, "head"])
    assert f"no migration '9999': use one of {known}" in only_line(result)


# ------------------------------------------------------------------------------------------------------
# A healthy start is quiet


def health_status(url: str) -> int | None:
    """The status of /healthz, 503 included; None while nothing answers."""
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return None


def start_serve(tmp_path: Path, **settings: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=base_env(tmp_path, PORT=str(port), **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    return output


def test_a_healthy_serve_logs_no_warning_and_no_scheduler_chatter(
    tmp_path: Path, slack: SlackStandIn
) -> None:
    process, url = start_serve(tmp_path, SLACK_API_URL=slack.url)
    try:
        wait_until(lambda: health(url) == 200 or process.poll() is not None, "the server to start")
    finally:
        output = stop(process)

    assert "GET /healthz 200" in output, output
    assert not [line for line in output.splitlines() if " WARNING " in line or " ERROR " in line], output
    assert "apscheduler" not in output and "token` will be unused" not in output


def test_socket_mode_health_is_503_until_the_websocket_connects(tmp_path: Path, slack: SlackStandIn) -> None:
    slack.set_socket_mode_url(f"ws://127.0.0.1:{free_port()}/link/")  # nothing listens there
    process, url = start_serve(tmp_path, SLACK_API_URL=slack.url, SLACK_APP_TOKEN=APP_TOKEN)
    try:
        first = wait_until(lambda: health_status(url) or process.poll() is not None, "the health check")
        assert first == 503
        with SocketModeStandIn() as socket_mode:
            slack.set_socket_mode_url(socket_mode.url)  # slack_sdk reconnects by itself
            wait_until(lambda: health_status(url) == 200 or process.poll() is not None, "the WebSocket")
            assert health_status(url) == 200
    finally:
        stop(process)


def test_health_answers_503_while_the_socket_is_down(engine) -> None:  # type: ignore[no-untyped-def]
    connected = [False]
    app = build_wsgi_app(None, engine, socket_connected=lambda: connected[0])

    def get_health() -> str:
        seen: list[str] = []
        body = b"".join(
            app(
                {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz"},
                lambda status, headers, exc_info=None: seen.append(status),
            )
        )
        return f"{seen[0].split()[0]} {body.decode().strip()}"

    assert get_health() == "503 not connected to Slack (Socket Mode)"
    connected[0] = True
    assert get_health() == "200 ok"


def test_waiting_backs_off_and_gives_up_at_the_deadline() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    def refused() -> None:
        raise NotYetReachable("connection refused")

    with pytest.raises(StartupFailure, match="still unreachable after 10 s") as failure:
        wait_for("the database", refused, 10, sleep=sleep, monotonic=lambda: now[0])

    assert failure.value.exit_code == 1
    assert slept == [0.5, 1.0, 2.0, 4.0, 2.5]  # doubling, the last one cut at the deadline


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_alumni_in_the_programme_before_verification_stay_verified(fresh_database_url: str) -> None:
    from sqlalchemy import text

    from storage.db import create_database_engine
    from storage.migrate import migrate_to

    engine = create_database_engine(fresh_database_url)
    try:
        migrate_to(engine, "0008")  # the migration before verification
        with engine.begin() as connection:
            for user_id, role in (("UALUM", "alumnus"), ("USTU", "student"), ("UNEW", None)):
                connection.execute(
                    text(
                        "INSERT INTO members (team_id, slack_user_id, role, is_workspace_admin, "
                        "wants_student_reminders, created_at) VALUES ('T1', :user, :role, false, true, "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"user": user_id, "role": role},
                )
        migrate_to(engine, "0009")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT slack_user_id, verification FROM members")).all()
            verification_on = connection.execute(text("SELECT count(*) FROM programme_settings")).scalar()
        assert dict(rows) == {"UALUM": "verified", "USTU": None, "UNEW": None}
        assert verification_on == 0  # no settings row yet: the default (verification on) applies
    finally:
        engine.dispose()
