"""The bot-wide send rate (bot/delivery/shared_limit.py): workers on one PostgreSQL
database take time slots 1/rate apart from one row, whichever worker asks; the runtime
gives the outbox's sender that limiter on PostgreSQL."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.delivery.limits import LocalLimiter
from bot.delivery.shared_limit import SharedLimiter
from bot.runtime import send_limiter
from bot.store import Database
from bot.store.release import migrate_locked
from tests.conftest import _reset_postgres

pytestmark = pytest.mark.postgres

RATE = 2.0  # a slot every 500 ms: far longer than a statement takes


@pytest.fixture
async def workers(pg_database: str) -> AsyncIterator[list[Database]]:
    await _reset_postgres()
    databases = [Database(pg_database) for _ in range(2)]  # two workers' connection pools
    await migrate_locked(databases[0])
    yield databases
    for database in databases:
        await database.dispose()


async def test_two_workers_share_one_rate(workers: list[Database]) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # records the wait, does not sleep
        waits.append(seconds)

    limiters = [SharedLimiter(db, RATE, sleep=sleep) for db in workers]
    started = time.monotonic()
    for n in range(20):
        await limiters[n % 2].acquire(str(n))
    elapsed = time.monotonic() - started
    # the first slot is now (no wait), then every slot is 1/RATE after the previous one,
    # whichever worker took it: 20 sends take at least 9.5 s of slots
    assert len(waits) == 19
    steps = [later - earlier for earlier, later in itertools.pairwise(waits)]
    assert all(0.5 - elapsed <= step <= 0.5 + 1e-3 for step in steps), steps
    assert waits[-1] >= 9.5 - elapsed


async def test_postgresql_workers_get_the_shared_rate_and_sqlite_its_own(
    workers: list[Database], tmp_path: Path
) -> None:
    shared = send_limiter(workers[0], 25.0)
    assert isinstance(shared, SharedLimiter) and shared.step == 1 / 25.0
    sqlite = Database(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    try:
        local = send_limiter(sqlite, 25.0)
        assert isinstance(local, LocalLimiter) and (local.rate, local.burst) == (25.0, 1)
    finally:
        await sqlite.dispose()
