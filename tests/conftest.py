"""Shared fixtures: content, a frozen clock, and databases (SQLite always, PostgreSQL too).

PostgreSQL tests run on a database this test session creates for itself on the server named
by BACKPATH_TEST_PG_SERVER (default: the local server's `postgres` maintenance database, used
only to create and drop ours) and drops at the end; they never touch an existing database.
They are skipped only when no server is reachable and CI is unset; in CI they must run.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FrozenClock
from bot.config import PROJECT_ROOT, Settings
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.instruments.registry import load_content
from bot.runtime import Runtime, build_runtime

PG_SERVER = make_url(
    os.environ.get(
        "BACKPATH_TEST_PG_SERVER", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
)
# A fresh name per test session, so parallel runs never share (or drop) a database.
PG_DATABASE = f"backpath_test_{os.getpid()}_{secrets.token_hex(4)}"
PG_URL = PG_SERVER.set(database=PG_DATABASE).render_as_string(hide_password=False)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning in Brussels


def _pg_reachable() -> bool:
    try:
        with socket.create_connection(
            (PG_SERVER.host or "127.0.0.1", PG_SERVER.port or 5432), timeout=2
        ):
            return True
    except OSError:
        return False


async def _admin_async(statement: str) -> None:
    admin = create_async_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(statement))
    await admin.dispose()


def _admin(statement: str) -> None:
    """Run one statement on the maintenance database, from a thread with its own event loop
    (the fixture that needs it may be requested while a test's loop is running)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _admin_async(statement)).result()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """Create this session's own PostgreSQL database; drop it (and only it) at the end."""
    if not _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_SERVER!r} (CI must run these tests)")
        pytest.skip("no PostgreSQL server reachable")
    _admin(f'CREATE DATABASE "{PG_DATABASE}"')
    yield PG_URL
    _admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs.load(PROJECT_ROOT / "messages")


@pytest.fixture(scope="session")
def engine(catalogs: Catalogs) -> Engine:
    flows, instruments = load_content(PROJECT_ROOT / "flows", catalogs.has)
    return Engine(flows, catalogs.render, instruments)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def _reset_postgres() -> None:
    """Empty our own test database between tests (it was created by `pg_database`)."""
    pg = create_async_engine(PG_URL)
    async with pg.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await pg.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'backpath.db'}"
    request.getfixturevalue("pg_database")
    await _reset_postgres()
    return PG_URL


# Tests send as fast as they run: at Telegram's 30 a second, every delivered message
# waited a real 33 ms (minutes over the suite). The pace itself is tested with limiters
# on a fake clock (tests/unit/test_local_limiter.py, test_dispatch_lanes.py) and against
# the shared slots (test_shared_limit.py, e2e/test_delivery_telegram.py).
TEST_SEND_RATE = 100_000.0


def make_settings(database_url: str, data_dir: Path, **extra: object) -> Settings:
    extra.setdefault("backpath_send_rate", TEST_SEND_RATE)
    return Settings(
        _env_file=None,
        database_url=database_url,
        backpath_data_dir=data_dir,  # type: ignore[call-arg]
        **extra,
    )


@pytest.fixture
async def runtime(database_url: str, clock: FrozenClock, tmp_path: Path) -> AsyncIterator[Runtime]:
    rt = await build_runtime(make_settings(database_url, tmp_path), clock)
    yield rt
    await rt.close()
