"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (production, several replicas).

Callers own their transactions: `with sessions.begin() as session:` around one unit of work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]


class Sessions(Protocol):
    """What the bot opens its units of work with: a `SessionFactory`, or the savepoints of one
    transaction (`bot.work.JoinedSessions`)."""

    def begin(self) -> AbstractContextManager[Session]: ...


def normalise_database_url(url: str) -> str:
    """Point a plain `postgresql://` URL at psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def create_database_engine(url: str) -> Engine:
    url = normalise_database_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = _create_sqlite_engine(url)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    event.listen(engine, "before_cursor_execute", _without_nul_characters, retval=True)
    return engine


def _without_nul(value: object) -> object:
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _without_nul_characters(connection, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
    """Drop NUL characters from every text parameter: PostgreSQL refuses them in text, and a NUL pasted
    into a modal would otherwise fail the write and lose the whole request. It is invisible anyway."""
    if isinstance(parameters, dict):
        parameters = {key: _without_nul(value) for key, value in parameters.items()}
    elif isinstance(parameters, tuple):
        parameters = tuple(_without_nul(value) for value in parameters)
    elif isinstance(parameters, list):
        parameters = [
            {key: _without_nul(value) for key, value in row.items()}
            if isinstance(row, dict)
            else tuple(_without_nul(value) for value in row)
            for row in parameters
        ]
    return statement, parameters


def _create_sqlite_engine(url: str) -> Engine:
    # Wait for the write lock rather than fail with "database is locked" under concurrent clicks.
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _begin_immediate).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
        # writer got there first; taking the write lock up front makes concurrent units of work queue.
        # One that only reads (`reading`) needs no lock: WAL shows it the last committed state.
        read_only = connection.get_execution_options().get(_READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


_READ_ONLY = "mentorbot_read_only"


@contextmanager
def reading(sessions: SessionFactory) -> Iterator[Session]:
    """A session that only reads, and so never waits for SQLite's write lock: for a read that may happen
    while the same thread's unit of work holds it (a workspace's token, looked up for a Web API call made
    in the middle of a unit of work), which would otherwise wait for itself."""
    with sessions() as session:
        session.connection(execution_options={_READ_ONLY: True})
        yield session


def dialect_insert(session: Session):  # type: ignore[no-untyped-def]
    """The session's database's own INSERT, which knows ON CONFLICT (both spell it the same way):
    what makes "create it unless it exists" one statement that concurrent callers cannot both win."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def create_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)
