"""Many chats at once, each chat's items one after another.

A dispatch pass hands its reminder steps to `Lanes` in the order it selects them. Each
chat with work gets a lane: one task that runs the chat's items in the order they were
put, so a chat's messages keep their order. At most `concurrency` lanes run at once;
`put` for a new chat waits for a free lane, so the items waiting in memory are those of
the running chats only, however many chats a pass has. While one chat waits for its turn
at the send rate or for the database, the others go on: the bot-wide limiter, not the
round trips of one chat, sets the pace.

A run that returns False stops its chat for the rest of the pass: its later items are
dropped (a later step never overtakes one that did not go through; the next pass
selects them again). Leaving the `async with` waits for every lane; a pass that is
cancelled cancels them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lanes(Generic[T]):
    def __init__(self, concurrency: int, run: Callable[[T], Awaitable[bool]]) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._run = run
        self._free = asyncio.Semaphore(concurrency)
        self._lanes: dict[str, deque[T]] = {}
        self._stopped: set[str] = set()
        self._running: set[asyncio.Task[None]] = set()
        self._error: BaseException | None = None  # a lane's own failure, raised at the end

    async def __aenter__(self) -> Lanes[T]:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Wait for every lane. A pass cancelled before or while waiting cancels its
        lanes and waits for them to end."""
        cancelled = kind is not None and issubclass(kind, asyncio.CancelledError)
        while self._running:
            if cancelled:
                self._cancel()
            try:
                await asyncio.wait(set(self._running))
            except asyncio.CancelledError:
                cancelled = True
        if kind is None and cancelled:
            raise asyncio.CancelledError
        if kind is None and self._error is not None:
            raise self._error

    async def put(self, chat: str, item: T) -> None:
        """Queue `item` after the chat's earlier items; waits while all lanes are busy."""
        if chat in self._stopped:
            return
        lane = self._lanes.get(chat)
        if lane is not None:
            lane.append(item)
            return
        await self._free.acquire()
        lane = self._lanes[chat] = deque([item])
        task = asyncio.create_task(self._drive(chat, lane))
        self._running.add(task)
        task.add_done_callback(self._done)

    async def _drive(self, chat: str, lane: deque[T]) -> None:
        try:
            while lane:
                if not await self._run(lane.popleft()):
                    self._stopped.add(chat)
                    return
        finally:  # no await between the last look at `lane` and this: nothing is dropped
            del self._lanes[chat]
            self._free.release()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None and self._error is None:
            self._error = task.exception()

    def _cancel(self) -> None:
        for task in self._running:
            task.cancel()
