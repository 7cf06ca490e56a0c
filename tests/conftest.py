"""Fixtures shared by the whole suite.

Every test that takes `database_url` (directly or through `sandbox`) runs twice: on SQLite and, when
`TEST_DATABASE_URL` is set, on PostgreSQL. The schema comes from the real Alembic migrations, applied once
per database and per test run; each test then starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.sandbox import Sandbox, start_sandbox
from storage.db import create_database_engine, create_session_factory, normalise_database_url
from storage.migrate import upgrade_to_latest
from storage.models import Base

# A Monday, 10:00 in Paris: inside the default quiet-hours window, so messages go out at once.
START = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
TEAM_ID = "T0001"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test: migrating once keeps the suite fast."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_to_latest(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A migrated PostgreSQL schema of this test run's own, dropped at the end.

    A schema per run lets several test runs share one server without truncating each other's tables.
    """
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL half skipped")
    schema = f"mentorbot_test_{uuid.uuid4().hex[:10]}"
    admin_engine = create_database_engine(base_url)
    with admin_engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_database_url(base_url)).update_query_dict({"options": f"-csearch_path={schema}"})
    schema_url = url.render_as_string(hide_password=False)
    engine = create_database_engine(schema_url)
    upgrade_to_latest(engine)
    engine.dispose()
    yield schema_url
    with admin_engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin_engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "mentorbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema_url")
    _empty_all_tables(url)
    return url


def _empty_all_tables(url: str) -> None:
    engine = create_database_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine):  # type: ignore[no-untyped-def]
    return create_session_factory(engine)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sandbox(database_url: str, clock: ManualClock) -> Iterator[Sandbox]:
    """mentorbot running over real HTTP against a stand-in for Slack. Fails the test if the bot sent
    anything Slack would have rejected as invalid Block Kit."""
    running = start_sandbox(database_url, clock, admins=frozenset({"UADMIN"}))
    try:
        yield running
        assert running.slack.block_kit_errors == [], running.slack.block_kit_errors
    finally:
        running.stop()


@pytest.fixture
def oauth_sandbox(database_url: str, clock: ManualClock) -> Iterator[Sandbox]:
    """mentorbot as one deployment for many schools (Add to Slack), no workspace installed yet."""
    running = start_sandbox(database_url, clock, oauth=True)
    try:
        yield running
        assert running.slack.block_kit_errors == [], running.slack.block_kit_errors
    finally:
        running.stop()
