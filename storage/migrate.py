"""Apply the schema migrations (Alembic) to a database.

`mentorbot serve` calls this at start, so a school upgrades by installing the new version and restarting;
on PostgreSQL an advisory lock makes replicas that start together migrate one after the other.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed number shared by all mentorbot processes; it names the lock, nothing more.
_MIGRATION_LOCK_ID = 0x6D656E746F72


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_latest(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
