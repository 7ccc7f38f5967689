"""The process side of the inbox: claim heads, process them, one task per chat.

A dispatcher claims the oldest head nobody holds (bot/delivery/heads.py: in the database
for workers sharing it, in memory where one process serves) whenever one of
`concurrency` slots is free, and hands it to a task that processes it and then the same
chat's next updates, until the chat has nothing pending (or its head is held elsewhere).
It sleeps when there is nothing to claim until `wake()` (an update stored by this
process) or `poll` seconds (updates stored by other workers, leases that ran out,
retries). Old rows are pruned by a periodic job (bot/telegram/app.py, `prune_old_rows`).

`process` returns True when it marked the update processed in its own transaction (the
service does, with the update's answers: bot/service.py); otherwise the worker marks it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from bot import metrics
from bot.delivery.heads import DatabaseHeads, Heads
from bot.delivery.inbox import Claimed, Inbox

log = logging.getLogger(__name__)

Process = Callable[[dict[str, Any]], Awaitable[bool]]
STOP_GRACE = 10.0  # seconds running updates get to finish at stop


def worker_name() -> str:
    """Which process holds a claim (kept in the inbox row, for people reading it)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class InboxWorker:
    def __init__(
        self,
        inbox: Inbox,
        process: Process,
        *,
        concurrency: int = 16,
        poll: float = 1.0,
        heads: Heads | None = None,
    ) -> None:
        self.inbox, self.process = inbox, process
        self.heads = heads or DatabaseHeads(inbox)
        self.poll = poll
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._chats: set[asyncio.Task[None]] = set()
        self._waiters: dict[int, asyncio.Event] = {}
        self._dispatcher: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._dispatcher = asyncio.create_task(self._dispatch(), name="inbox-dispatcher")

    def wake(self) -> None:
        """Something was stored: look for work now rather than at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Claim nothing more; let the updates being processed finish (their claims
        otherwise wait for the lease)."""
        self._stopping = True
        self.wake()
        if self._dispatcher is not None:
            await self._dispatcher
        if self._chats:
            _, late = await asyncio.wait(self._chats, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
        for update_id in list(self._waiters):  # left for the next start to process
            self._processed(update_id)

    async def wait_processed(self, update_id: int) -> None:
        """Return once this update is processed (polling mode: one process, this one), or
        the worker stops."""
        event = self._waiters.setdefault(update_id, asyncio.Event())
        if await self.heads.processed(update_id):  # checked after registering
            self._processed(update_id)  # also for a waiter that checked a moment before
        await event.wait()

    # --- the loop ---------------------------------------------------------------

    async def _dispatch(self) -> None:
        while True:
            await self._slots.acquire()
            if self._stopping:
                self._slots.release()
                return
            claimed = None
            try:
                claimed = await self.heads.claim()
            except Exception as error:  # the database away, most likely: again later
                log.warning("inbox claim failed: %s", type(error).__name__)
            if claimed is None:
                self._slots.release()
                await self._idle()
                continue
            task = asyncio.create_task(self._chat(claimed))
            self._chats.add(task)
            task.add_done_callback(self._chats.discard)

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.poll):
                await self._wake.wait()
        self._wake.clear()

    async def _chat(self, claimed: Claimed | None) -> None:
        """Process a claimed head, then the same chat's next updates in order."""
        try:
            while claimed is not None and await self._one(claimed):
                if self._stopping or claimed.chat is None:
                    break
                claimed = await self.heads.claim(claimed.chat)
        except Exception as error:  # the database away: the claim's lease keeps the order
            log.warning("inbox step failed: %s", type(error).__name__)
        finally:
            if claimed is not None:
                self.heads.release(claimed)
            self._slots.release()

    async def _one(self, claimed: Claimed) -> bool:
        """Process one update; False when it failed (it is tried again later)."""
        try:
            async with self.heads.holding(claimed):
                recorded = await self.process(claimed.payload)
        except Exception as error:
            kind = type(error).__name__
            log.error("update %s failed (%s)", claimed.update_id, kind, exc_info=error)
            if await self.heads.failed(claimed, kind):
                log.error("update %s not tried again (try %d)", claimed.update_id, claimed.attempts)
                self._processed(claimed.update_id)
            return False
        await self.heads.done(claimed, recorded)
        metrics.INBOX.labels("processed").inc()
        self._processed(claimed.update_id)
        return True

    def _processed(self, update_id: int) -> None:
        event = self._waiters.pop(update_id, None)
        if event is not None:
            event.set()
