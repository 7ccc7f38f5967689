"""The schema as a release step: migrations run under a database-wide lock (so two
`backpath migrate` runs, or a migrate and a CLI call, never upgrade at once), and workers
check that the schema is current instead of migrating it themselves."""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, select
from sqlalchemy.engine import make_url

from bot.store.db import Database, alembic_config

# pg_advisory_lock key: any bigint all BackPath processes agree on ("backpath" in ASCII)
MIGRATION_LOCK_KEY = 0x6261636B70617468


class SchemaNotCurrent(Exception):
    """The database is not at the code's newest revision (run `backpath migrate`)."""


def head_revisions(db: Database) -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config(db.url)).get_heads())


async def current_revisions(db: Database) -> tuple[str, ...]:
    def read(connection: Connection) -> tuple[str, ...]:
        return tuple(MigrationContext.configure(connection).get_current_heads())

    async with db.engine.connect() as conn:
        return await conn.run_sync(read)


async def check_schema(db: Database) -> None:
    """Raise SchemaNotCurrent unless the database is at the newest revision."""
    current, heads = await current_revisions(db), head_revisions(db)
    if set(current) != set(heads):
        found = ", ".join(current) or "empty (never migrated)"
        raise SchemaNotCurrent(
            f"the database schema is {found}, this version needs {', '.join(heads)}: "
            "run `backpath migrate` first (once, as a release step)"
        )


@asynccontextmanager
async def _sqlite_file_lock(db: Database) -> AsyncIterator[None]:
    path = make_url(db.url).database
    if not path or path == ":memory:":
        yield
        return
    handle = await asyncio.to_thread(Path(f"{path}.migrate.lock").open, "a")
    try:
        await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)  # waits for the holder
        yield
    finally:
        handle.close()  # releases the lock


@asynccontextmanager
async def _postgres_advisory_lock(db: Database) -> AsyncIterator[None]:
    # Held by its own connection for the whole upgrade, released when that connection ends
    # (also if this process dies).
    async with db.engine.connect() as conn:
        await conn.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
        try:
            yield
        finally:
            await conn.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))


async def migrate_locked(db: Database) -> None:
    """Upgrade to the newest revision while holding the migration lock; a second caller waits
    and then finds nothing left to do."""
    lock = _sqlite_file_lock(db) if db.is_sqlite else _postgres_advisory_lock(db)
    async with lock:
        await db.migrate()
