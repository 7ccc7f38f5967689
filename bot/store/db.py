"""Database engine, sessions and migrations (SQLite by default, PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.files import private_file
from bot.store.migrate import upgrade
from bot.store.sqlite_driver import CONNECT_ARGS, inline_dbapi

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
POOL_OVERFLOW = 4  # connections beyond the pool for what runs besides (web pages, pruning)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL with synchronous=FULL: every commit is fsynced before it returns, so a committed
    update (an answer, a red flag, a stored inbox update Telegram then forgets) survives a
    process crash and a power loss alike. NORMAL would be about 100x cheaper per commit
    here (no fsync; durable against a process crash, but a power loss may drop the last
    commits), which we do not trade for throughput: on SQLite one process serves, and
    PostgreSQL is the way to more updates a second."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


class Database:
    def __init__(self, url: str, connections: int | None = None) -> None:
        """`connections`: how many transactions may run at once (PostgreSQL's pool; more
        wait for one to end). SQLite has one writer whatever the pool."""
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # the SQLite file, made 0600 (in a 0700 folder) before SQLite opens it; its -wal
        # and -shm files take its mode
        self.sqlite_path: Path | None = None
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            self.sqlite_path = private_file(Path(parsed.database))
        # aiosqlite, statements on the loop and commits on its thread (bot/store/sqlite_driver.py)
        driver: dict[str, Any] = {}
        if parsed.get_driver_name() == "aiosqlite":
            driver = {"module": inline_dbapi(), "connect_args": CONNECT_ARGS}
        # hide_parameters: errors (and so logs) never show the values of a statement,
        # which would include answers and conversation state
        if connections is not None and not self.is_sqlite:
            driver |= {"pool_size": connections, "max_overflow": POOL_OVERFLOW}
        self.engine: AsyncEngine = create_async_engine(
            url, pool_pre_ping=not self.is_sqlite, hide_parameters=True, **driver
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Waiting on its file lock means sleeping in its
        # busy handler (up to 100 ms a round); queueing on an asyncio lock instead lets the
        # next transaction start the moment the previous one commits. PostgreSQL needs no
        # such lock: row locks order one patient's events and others run concurrently.
        self._writer = asyncio.Lock() if self.is_sqlite else None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a write transaction, committed on success."""
        async with self._writer or nullcontext(), self._sessions() as session, session.begin():
            yield session

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision, in one transaction (a kill
        leaves the previous revision; see bot/store/migrate.py)."""
        await upgrade(self.url, alembic_config(self.url), _sqlite_pragmas)

    async def dispose(self) -> None:
        await self.engine.dispose()
