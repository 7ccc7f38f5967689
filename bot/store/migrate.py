"""Migrations a kill cannot break.

All pending migrations run in ONE transaction. PostgreSQL has transactional DDL. SQLite
has it too, but Python's sqlite3 driver (and aiosqlite on top of it) never emits BEGIN
before DDL, so each CREATE TABLE used to commit on its own and a kill in between left
half a schema. The migration engine here turns the driver's own transaction handling off
and emits `BEGIN IMMEDIATE` itself (SQLAlchemy's documented pysqlite workaround), so a
kill leaves the database exactly at its previous revision.

A database left half-migrated by an earlier version (tables of a revision that was never
recorded) is repaired at start when those tables are empty: they are dropped and made
again. Anything else that does not match the recorded revision is refused with a message
that says what is wrong, never a bare "table already exists".
"""

from __future__ import annotations

import logging
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, event, func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.errors import StartupError

log = logging.getLogger(__name__)

VERSION_TABLE = "alembic_version"


class SchemaStateError(StartupError):
    """The database's schema does not match its recorded revision and cannot be repaired
    safely."""


async def upgrade(url: str, config: Config, sqlite_pragmas: Any) -> None:
    """Bring the database at `url` to the newest revision, all in one transaction."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = create_async_engine(url, hide_parameters=True)
    if is_sqlite:
        _transactional_sqlite(engine.sync_engine, sqlite_pragmas)

    def run(connection: Connection) -> None:
        if is_sqlite:
            _repair_sqlite(connection, config, url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    try:
        async with engine.begin() as conn:
            await conn.run_sync(run)
    finally:
        await engine.dispose()


def _transactional_sqlite(sync_engine: Any, sqlite_pragmas: Any) -> None:
    @event.listens_for(sync_engine, "connect")
    def connect(dbapi_connection: Any, record: Any) -> None:
        sqlite_pragmas(dbapi_connection, record)
        dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own

    @event.listens_for(sync_engine, "begin")
    def begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # DDL included; the writer lock from the start


def _schema(connection: Connection) -> tuple[dict[str, set[str]], set[str]]:
    """Tables (with their columns) and index names, leaving out the version table."""
    inspector = inspect(connection)
    tables = {
        name: {c["name"] for c in inspector.get_columns(name)}
        for name in inspector.get_table_names()
        if name != VERSION_TABLE
    }
    indexes = {str(i["name"]) for name in tables for i in inspector.get_indexes(name) if i["name"]}
    return tables, indexes


def _expected_schema(config: Config, revision: str | None) -> tuple[dict[str, set[str]], set[str]]:
    """The schema `revision` makes, built in a scratch in-memory SQLite database."""
    if revision is None:
        return {}, set()
    scratch = create_engine("sqlite://")
    try:
        with scratch.begin() as connection:
            scratch_config = Config()
            for key in ("script_location",):
                scratch_config.set_main_option(key, config.get_main_option(key) or "")
            scratch_config.attributes["connection"] = connection
            command.upgrade(scratch_config, revision)
            return _schema(connection)
    finally:
        scratch.dispose()


def _repair_sqlite(connection: Connection, config: Config, url: str) -> None:
    """Drop empty leftovers of an interrupted earlier migration; refuse what cannot be."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision == ScriptDirectory.from_config(config).get_current_head():
        return
    tables, indexes = _schema(connection)
    if not tables and revision is None:
        return  # a new database
    expected_tables, expected_indexes = _expected_schema(config, revision)
    where = make_url(url).database or url
    missing = sorted(set(expected_tables) - set(tables))
    changed = sorted(
        name for name in expected_tables if name in tables and tables[name] != expected_tables[name]
    )
    if missing or changed:
        raise SchemaStateError(
            f"The database {where} is at revision {revision or '(none)'} but its tables do "
            f"not match it (missing: {', '.join(missing) or '-'}; changed: "
            f"{', '.join(changed) or '-'}). It was probably changed by hand or by an "
            "interrupted migration of an older BackPath. Restore a backup; nothing was changed."
        )
    leftovers = sorted(set(tables) - set(expected_tables))
    filled = [name for name in leftovers if _has_rows(connection, name)]
    if filled:
        raise SchemaStateError(
            f"The database {where} is at revision {revision or '(none)'} but also holds "
            f"tables of a later revision that contain data: {', '.join(filled)}. It was "
            "probably changed by hand or by another BackPath version. Restore a backup, or "
            "move these tables away; nothing was changed."
        )
    stray_indexes = sorted(
        name
        for name in indexes - expected_indexes
        if not name.startswith("sqlite_") and _index_table(connection, name) not in leftovers
    )
    for name in stray_indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    ordered = [name for name, _ in inspect(connection).get_sorted_table_and_fkc_names() if name]
    for name in reversed(ordered):  # dependants first
        if name in leftovers:
            connection.execute(text(f'DROP TABLE "{name}"'))
    if leftovers or stray_indexes:
        log.warning(
            "repaired an interrupted migration at revision %s: dropped empty tables %s and "
            "indexes %s, migrating again",
            revision,
            leftovers,
            stray_indexes,
        )


def _has_rows(connection: Connection, name: str) -> bool:
    query = select(func.count()).select_from(table(name))
    return bool(connection.execute(query).scalar_one())


def _index_table(connection: Connection, name: str) -> str | None:
    query = text("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = :name")
    found = connection.execute(query, {"name": name}).scalar_one_or_none()
    return None if found is None else str(found)
