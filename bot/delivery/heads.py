"""Where the inbox worker takes each chat's next update (its head) from.

`DatabaseHeads` claims heads in the database (bot/delivery/inbox.py: leases, FOR UPDATE
SKIP LOCKED): any number of worker processes on PostgreSQL share the inbox that way.

`LocalHeads` is for a database one process serves (SQLite, bot/store/lock.py): nobody
else can take a head, so claiming one in the database only costs a write transaction and
its fsync per update (and a second to look for the chat's next one). Here the process
keeps the pending updates in memory, in the same order (per chat, by update_id): those it
stored itself (`accept`, right after the inbox committed them) and, at start-up, those a
previous process left (`load`). The database still holds every update until it is
processed, so a crash loses nothing: the restart loads them again. A failure's backoff is
kept in memory and in the row (attempts, the time of the next try).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot import metrics
from bot.delivery.inbox import Claimed, Inbox, chat_key

log = logging.getLogger(__name__)


class Heads(Protocol):
    async def claim(self, chat: str | None = None) -> Claimed | None:
        """The oldest head nobody holds (of `chat` only, when given), now held by us."""

    async def done(self, claimed: Claimed, recorded: bool) -> None:
        """Processed; `recorded`: the handler marked it so in its own transaction."""

    async def failed(self, claimed: Claimed, error: str) -> bool:
        """Processing raised: True when it will not be tried again (Inbox.failed)."""

    async def processed(self, update_id: int) -> bool: ...

    def holding(self, claimed: Claimed) -> AbstractAsyncContextManager[None]:
        """While the head is being processed: keep it ours (a lease to renew, or nothing)."""

    def release(self, claimed: Claimed) -> None:
        """The worker stops holding this head without an outcome (the database away)."""


class DatabaseHeads:
    """Heads claimed in the database, for workers sharing it."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def claim(self, chat: str | None = None) -> Claimed | None:
        return await self.inbox.claim(chat)

    async def done(self, claimed: Claimed, recorded: bool) -> None:
        if not recorded:
            await self.inbox.done(claimed.update_id)

    async def failed(self, claimed: Claimed, error: str) -> bool:
        return await self.inbox.failed(claimed, error) is None

    async def processed(self, update_id: int) -> bool:
        return await self.inbox.processed(update_id)

    @contextlib.asynccontextmanager
    async def holding(self, claimed: Claimed) -> AsyncIterator[None]:
        """Renew the lease every third of it while the update is being processed (a
        worker that died stops renewing, so another takes the head one lease later)."""
        renewing = asyncio.create_task(self._renew(claimed.update_id))
        try:
            yield
        finally:
            renewing.cancel()

    async def _renew(self, update_id: int) -> None:
        while True:
            await asyncio.sleep(self.inbox.lease.total_seconds() / 3)
            try:
                await self.inbox.renew(update_id)
            except Exception as error:  # the database away: the lease may run out
                log.warning("inbox lease not renewed: %s", type(error).__name__)

    def release(self, claimed: Claimed) -> None:
        """Nothing to do: the claim's lease runs out."""


@dataclass
class _Pending:
    update: Claimed
    not_before: datetime | None = None  # a failed update's backoff


class LocalHeads:
    """Heads kept in this process's memory, for a database it alone serves."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox, self.clock = inbox, inbox.clock
        # a queue per chat (an update without a chat is a queue of its own), in the order
        # the chats got something to do: the oldest first
        self._queues: dict[str | int, deque[_Pending]] = {}
        self._held: set[str | int] = set()
        self._ids: set[int] = set()  # every update in a queue

    async def load(self) -> None:
        """At start-up: what a previous process stored and did not process."""
        for claimed, not_before in await self.inbox.pending():
            self._add(_Pending(claimed, not_before))

    def accept(self, updates: Iterable[dict[str, Any]], new: Iterable[int]) -> None:
        """Updates the inbox has just committed (`new`: the ids it stored, not duplicates)."""
        fresh = set(new)
        for update in updates:
            update_id = int(update["update_id"])
            if update_id in fresh:
                claimed = Claimed(update_id, chat_key(update), update, attempts=0)
                self._add(_Pending(claimed))

    async def claim(self, chat: str | None = None) -> Claimed | None:
        now = self.clock.now()
        if chat is not None:
            queue = self._queues.get(chat)
            if queue and _ready(queue[0], now):
                return self._take(queue)
            self._idle(chat)
            return None
        for key, queue in self._queues.items():
            if key not in self._held and _ready(queue[0], now):
                self._held.add(key)
                return self._take(queue)
        return None

    async def done(self, claimed: Claimed, recorded: bool) -> None:
        self._remove(claimed)
        if not recorded:
            await self.inbox.done(claimed.update_id)

    async def failed(self, claimed: Claimed, error: str) -> bool:
        retry_at = await self.inbox.failed(claimed, error)
        if retry_at is None:
            self._remove(claimed)
        else:  # the chat waits for the backoff; its other updates wait behind it
            self._queues[_key(claimed)][0].not_before = retry_at
        self._idle(_key(claimed))
        return retry_at is None

    async def processed(self, update_id: int) -> bool:
        return update_id not in self._ids

    def holding(self, claimed: Claimed) -> AbstractAsyncContextManager[None]:
        """Nothing to renew: nobody else can take a head held in this process's memory."""
        return contextlib.nullcontext()

    def release(self, claimed: Claimed) -> None:
        self._idle(_key(claimed))

    # --- the queues ---------------------------------------------------------------

    def _add(self, pending: _Pending) -> None:
        """Queue in update_id order (a redelivered earlier update goes before later ones),
        never before a head being processed; once (`load` may read what `accept` got)."""
        if pending.update.update_id in self._ids:
            return
        key = _key(pending.update)
        queue = self._queues.setdefault(key, deque())
        place, first = len(queue), 1 if key in self._held else 0
        while place > first and queue[place - 1].update.update_id > pending.update.update_id:
            place -= 1
        queue.insert(place, pending)
        self._ids.add(pending.update.update_id)

    def _take(self, queue: deque[_Pending]) -> Claimed:
        head = queue[0]
        head.update = claimed = _again(head.update)
        metrics.INBOX.labels("claimed").inc()
        return claimed

    def _remove(self, claimed: Claimed) -> None:
        key = _key(claimed)
        queue = self._queues.get(key)
        if queue and queue[0].update.update_id == claimed.update_id:
            queue.popleft()
            self._ids.discard(claimed.update_id)

    def _idle(self, key: str | int) -> None:
        """Nobody processes the chat now: drop its queue if empty, else it waits its turn."""
        self._held.discard(key)
        if not self._queues.get(key, True):
            del self._queues[key]


def _key(claimed: Claimed) -> str | int:
    return claimed.chat if claimed.chat is not None else claimed.update_id


def _ready(pending: _Pending, now: datetime) -> bool:
    return pending.not_before is None or pending.not_before <= now


def _again(claimed: Claimed) -> Claimed:
    return Claimed(claimed.update_id, claimed.chat, claimed.payload, claimed.attempts + 1)
