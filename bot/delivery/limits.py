"""Rate limits before every Bot API send.

Telegram allows about 30 messages a second per bot. `Limiter` is the seam: the sender
awaits `acquire(chat)` before each call. `LocalLimiter` spaces the calls of this process;
several worker processes on one bot need a limiter they share (bot/delivery/shared_limit.py
on PostgreSQL), which only has to implement the same method.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol


class Limiter(Protocol):
    async def acquire(self, chat: str) -> None:
        """Return when one more call to `chat` may be made."""


class LocalLimiter:
    """At most `rate` calls a second in this process (a token bucket of `burst`).

    The default burst of one spaces every call 1/rate after the previous one, as the shared
    limiter does: no second ever holds more than `rate` calls (a bucket of 30 let a
    reminder dispatch start with 30 at once, then 30 more in the same second)."""

    def __init__(
        self,
        rate: float = 30.0,
        burst: int = 1,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate, self.burst = rate, float(burst)
        self._monotonic, self._sleep = monotonic, sleep
        self._tokens, self._at = float(burst), monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self, chat: str) -> None:
        async with self._lock:
            now = self._monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                wait = (1 - self._tokens) / self.rate
                await self._sleep(wait)
                self._at = self._monotonic()
                self._tokens = 1.0
            self._tokens -= 1
