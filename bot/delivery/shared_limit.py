"""One send rate for the whole bot, shared by every worker on one PostgreSQL database.

Telegram allows a bot about 30 messages a second in all, however many processes send. A
process-local limiter (bot/delivery/limits.py) keeps one process within that; N workers
would send N times as much. Here every send first takes a time slot from one row of
`send_slots`, with one atomic statement:

    next_at := greatest(next_at, now) + 1/rate   -- returns the slot: next_at - 1/rate

and waits until its slot begins. Slots are handed out 1/rate apart by the database, so
whatever the number of workers, sends start at most `rate` a second (`BACKPATH_SEND_RATE`).
The row lock is held for that one statement only. Times are the database server's
(clock_timestamp()), so the workers' clocks need not agree. A sender that never uses its
slot only leaves a gap. On SQLite one process serves and the local limiter is enough.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from bot import metrics
from bot.store import Database

SLOT = text(
    """
    INSERT INTO send_slots (name, next_at)
    VALUES (:name, clock_timestamp() + make_interval(secs => CAST(:step AS float8)))
    ON CONFLICT (name) DO UPDATE
    SET next_at = greatest(send_slots.next_at, clock_timestamp())
        + make_interval(secs => CAST(:step AS float8))
    RETURNING CAST(extract(epoch FROM send_slots.next_at - clock_timestamp()) AS float8)
        - CAST(:step AS float8)
    """
)


class SharedLimiter:
    """At most `rate` sends a second across all workers on this PostgreSQL database."""

    def __init__(
        self,
        db: Database,
        rate: float,
        name: str = "bot",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if db.is_sqlite:
            raise ValueError("the shared send rate needs PostgreSQL")
        self.db, self.step, self.name, self._sleep = db, 1.0 / rate, name, sleep

    async def acquire(self, chat: str) -> None:
        """Take the next slot and wait until it begins (`chat` is not limited here: one
        worker at a time serves a chat)."""
        started = time.perf_counter()
        async with self.db.transaction() as session:
            found = await session.execute(SLOT, {"name": self.name, "step": self.step})
            wait = float(found.scalar_one())
        if wait > 0:
            await self._sleep(wait)
        metrics.SEND_WAIT_SECONDS.observe(time.perf_counter() - started)
