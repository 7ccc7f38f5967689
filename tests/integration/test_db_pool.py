"""PostgreSQL's connection pool fits what a worker runs at once (bot/store/db.py): each
patient the inbox worker serves and each chat the reminder dispatch serves holds a
transaction; with SQLAlchemy's default pool of 5 + 10 the 24 of them queued."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from bot.runtime import build_runtime
from bot.store.db import POOL_OVERFLOW
from tests.conftest import make_settings


async def test_a_worker_runs_as_many_transactions_at_once_as_it_serves_chats(
    pg_database: str, tmp_path: Path
) -> None:
    settings = make_settings(
        pg_database, tmp_path, backpath_inbox_concurrency=20, backpath_reminder_concurrency=6
    )
    runtime = await build_runtime(settings)
    at_once = 20 + 6 + POOL_OVERFLOW
    inside, release = 0, asyncio.Event()
    everyone_in = asyncio.Event()

    async def transaction() -> None:
        nonlocal inside
        async with runtime.db.transaction() as session:
            await session.execute(text("SELECT 1"))
            inside += 1
            if inside == at_once:
                everyone_in.set()
            await release.wait()

    try:
        tasks = [asyncio.create_task(transaction()) for _ in range(at_once)]
        await asyncio.wait_for(everyone_in.wait(), 20)  # none waited for a connection
        release.set()
        await asyncio.gather(*tasks)
    finally:
        await runtime.close()
