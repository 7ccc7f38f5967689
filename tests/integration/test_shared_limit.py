"""The bot-wide send rate (bot/delivery/shared_limit.py): workers on one PostgreSQL
database take time slots 1/rate apart from one row, whichever worker asks; and the Bot API
request waits for a slot before each send or edit (bot/telegram/limited.py)."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.request import BaseRequest

from bot.delivery.shared_limit import SharedLimiter
from bot.store import Database
from bot.store.release import migrate_locked
from bot.telegram.limited import LimitedRequest
from tests.conftest import _reset_postgres

RATE = 2.0  # a slot every 500 ms: far longer than a statement takes


@pytest.fixture
async def workers(pg_database: str) -> AsyncIterator[list[Database]]:
    await _reset_postgres()
    databases = [Database(pg_database) for _ in range(2)]  # two workers' connection pools
    await migrate_locked(databases[0])
    yield databases
    for database in databases:
        await database.dispose()


@pytest.mark.postgres
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


class Recorder:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def acquire(self, chat: str) -> None:
        self.asked.append(chat)


class Answering(BaseRequest):
    """A Bot API that answers every call with ok, and notes the method."""

    def __init__(self) -> None:
        self.called: list[str] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        self.called.append(url.rsplit("/", 1)[-1])
        return 200, b'{"ok": true, "result": true}'


async def test_the_request_takes_a_slot_before_sends_and_edits_only() -> None:
    limiter, api = Recorder(), Answering()
    request = LimitedRequest(api, lambda: limiter)
    methods = ["sendMessage", "editMessageText", "answerCallbackQuery", "getMe", "sendPhoto"]
    for name in methods:
        await request.do_request(f"https://api.telegram.org/bot1:X/{name}", "POST")
    assert api.called == methods
    assert len(limiter.asked) == 3
