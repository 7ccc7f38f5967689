"""Shared fixtures: content, a frozen clock, and databases (SQLite always, PostgreSQL too).

PostgreSQL tests use BACKPATH_TEST_PG_URL (default: the local server's `test` database).
They are skipped only when no server is reachable and CI is unset; in CI they must run.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FrozenClock
from bot.config import PROJECT_ROOT, Settings
from bot.engine import Engine, load_flows
from bot.i18n import Catalogs
from bot.runtime import Runtime, build_runtime, scorers

PG_URL = os.environ.get("BACKPATH_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning in Brussels


def _pg_reachable() -> bool:
    url = make_url(PG_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs.load(PROJECT_ROOT / "messages")


@pytest.fixture(scope="session")
def engine(catalogs: Catalogs) -> Engine:
    available = scorers()
    return Engine(
        load_flows(PROJECT_ROOT / "flows", catalogs.has, available), catalogs.render, available
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def _reset_postgres() -> None:
    pg = create_async_engine(PG_URL)
    async with pg.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await pg.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'backpath.db'}"
    if not _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL} (CI must run these tests)")
        pytest.skip("no PostgreSQL server reachable")
    await _reset_postgres()
    return PG_URL


def make_settings(database_url: str, data_dir: Path, **extra: object) -> Settings:
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
