"""Apply the schema migrations (Alembic) to a database.

`mentorbot serve`, `import` and `dispatch` call this at start, so a school upgrades by installing the new
version and restarting; on PostgreSQL an advisory lock makes replicas that start together migrate one
after the other. `mentorbot migrate --to REV` moves the schema to one revision, down or up: the way back
when a new version has to be rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, text

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed number shared by all mentorbot processes; it names the lock, nothing more.
_MIGRATION_LOCK_ID = 0x6D656E746F72


class UnknownRevision(Exception):
    """`--to` names no revision of ours; the message lists those that exist."""


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_latest(engine: Engine) -> None:
    migrate_to(engine, "head")


def migrate_to(engine: Engine, revision: str) -> tuple[str | None, str | None]:
    """Upgrade or downgrade to `revision` ("head", "base" or a revision id); returns (from, to).

    Logs one line when the schema changed (Alembic's own lines stay below INFO: they would be noise at
    every start).
    """
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    target = _resolve(script, revision)
    with _locked_connection(engine) as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        if target is not None and (before is None or _is_ahead(script, target, before)):
            command.upgrade(config, target)
        elif target != before:
            command.downgrade(config, target or "base")
        after = MigrationContext.configure(connection).get_current_revision()
    if after != before:
        logger.info("database schema migrated from %s to %s", before or "empty", after or "empty")
    return before, after


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _resolve(script: ScriptDirectory, revision: str) -> str | None:
    """The revision id `revision` names, None for "base" (no tables)."""
    if revision == "base":
        return None
    try:
        found = script.get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        known = ", ".join(["base", *sorted(rev.revision for rev in script.walk_revisions()), "head"])
        raise UnknownRevision(f"no migration {revision!r}: use one of {known}")
    return found.revision


def _is_ahead(script: ScriptDirectory, target: str, current: str) -> bool:
    """Whether `target` comes after `current` in the history."""
    return target != current and current in {rev.revision for rev in script.iterate_revisions(target, "base")}


@contextmanager
def _locked_connection(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        yield connection
