"""The inbox: every Telegram update is stored here before Telegram is told we have it, and
processed from here, one chat at a time and in update_id order, by any number of workers.

Storing: the webhook answers 200 only after the row is committed; in polling mode the batch
is committed before the next getUpdates offset acknowledges it (bot/telegram/intake.py). A
second delivery of an update id inserts nothing (ON CONFLICT DO NOTHING).

Order across workers, the claim: a worker may only claim a chat's *head*, its pending row
with the lowest update_id, and only while nobody else holds it (no claim, or a claim whose
lease `claimed_until` has run out). The head query locks the row it picks with FOR UPDATE
SKIP LOCKED on PostgreSQL, so two workers racing for the same head never both get it: the
second skips it. A chat's later update is not a head until the earlier one is marked
processed, so it can never be processed first, by this worker or another. On SQLite one
process serves (bot/store/lock.py) and its writer lock orders the claims the same way.

A worker renews its lease while it processes; one that dies keeps its claimed head until
the lease ends; then any worker (or its own restart) claims the same update again, never
a later one. Processing it a second time is harmless: the row is the update's duplicate
check, so a repeat finds it processed and changes nothing. Updates without a chat (chat
NULL) order with nothing.

Processed: the service marks the row processed in the update's own transaction
(`mark_processed`), so handling an update commits once and the mark is also its duplicate
check (bot/service.py); `done` is for updates the service never sees.

Retention: a processed row loses its payload at once (no message text stays longer than
needed) and is deleted, with the service's processed_updates ids, after the retention
(default 48 h: Telegram delivers again for up to 24 h, and after a week of silence it may
reuse update ids, so ids must not be kept that long).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot import metrics
from bot.clock import Clock
from bot.store import Database
from bot.store.models import InboxUpdate, ProcessedUpdate

MAX_ATTEMPTS = 10  # then an update that keeps failing is given up (logged, counted)
MAX_BACKOFF = timedelta(minutes=5)


@dataclass(frozen=True)
class Claimed:
    """A head this worker holds until its lease ends."""

    update_id: int
    chat: str | None
    payload: dict[str, Any]
    attempts: int  # claims of this update so far, this one included


# built once: storing runs for every update, marking in every update's transaction
_STORE = {
    dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(InboxUpdate.__table__)
    .on_conflict_do_nothing(index_elements=["update_id"])
    .returning(InboxUpdate.update_id)
    for dialect in (postgresql, sqlite)
}
_MARK_PROCESSED = (
    update(InboxUpdate)
    .where(InboxUpdate.update_id == bindparam("id"), InboxUpdate.processed_at.is_(None))
    .values(processed_at=bindparam("now"), payload=None, claimed_until=None, last_error=None)
)


_STORED = select(InboxUpdate.update_id).where(InboxUpdate.update_id == bindparam("id"))


Marked = Literal["marked", "repeat", "not_stored"]


async def mark_processed(session: AsyncSession, update_id: int, now: datetime) -> Marked:
    """In the transaction that handles the update: it is processed when that commits (the
    chat's next update becomes its head; the payload goes).

    "marked": this marked it; "repeat": it was processed before (a worker whose lease ran
    out, the same update handled twice); "not_stored": the inbox never had it (an update
    handed to the service directly). The last two cost one more statement."""
    marked = await session.execute(_MARK_PROCESSED, {"id": update_id, "now": now})
    if marked.rowcount:  # type: ignore[attr-defined]
        return "marked"
    stored = (await session.execute(_STORED, {"id": update_id})).first()
    return "repeat" if stored is not None else "not_stored"


def chat_key(update: dict[str, Any]) -> str | None:
    """The patient an update belongs to: the id of its sender (the service's user key),
    or None for kinds without one."""
    for value in update.values():
        if isinstance(value, dict):
            sender = value.get("from") or value.get("user")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return str(sender["id"])
    return None


def backoff(attempts: int) -> timedelta:
    """Time before a failed update is tried again: 2, 4, 8 ... s, at most MAX_BACKOFF."""
    return min(timedelta(seconds=2**attempts), MAX_BACKOFF)


class Inbox:
    def __init__(self, db: Database, clock: Clock, lease: timedelta, worker: str) -> None:
        self.db, self.clock, self.lease, self.worker = db, clock, lease, worker

    async def store(self, updates: Sequence[dict[str, Any]]) -> list[int]:
        """Commit these updates (Telegram's JSON, each with its update_id); returns the ids
        of the new ones (a duplicate delivery is not stored again). When this returns, they
        survive any crash."""
        if not updates:
            return []
        now = self.clock.now()
        rows = [
            {
                "update_id": int(u["update_id"]),
                "chat": chat_key(u),
                "payload": u,
                "received_at": now,
                "attempts": 0,
            }
            for u in updates
        ]
        async with self.db.transaction() as session:
            stmt = _STORE[session.get_bind().dialect.name]
            new = list((await session.execute(stmt, rows)).scalars())
        metrics.INBOX.labels("stored").inc(len(new))
        metrics.INBOX.labels("duplicate").inc(len(rows) - len(new))
        return new

    async def pending(self) -> list[tuple[Claimed, datetime | None]]:
        """Every update not processed yet, oldest first, each with the time before which it
        must not be tried (a failed update's backoff; None: now). A claim's lease is no
        such time: this is read at start-up where one process serves, and a claim left
        over is a dead process's."""
        query = (
            select(
                InboxUpdate.update_id,
                InboxUpdate.chat,
                InboxUpdate.payload,
                InboxUpdate.attempts,
                InboxUpdate.claimed_by,
                InboxUpdate.claimed_until,
            )
            .where(InboxUpdate.processed_at.is_(None))
            .order_by(InboxUpdate.update_id)
        )
        async with self.db.session() as session:
            rows = (await session.execute(query)).all()
        return [
            (
                Claimed(r.update_id, r.chat, r.payload or {}, r.attempts),
                r.claimed_until if r.claimed_by is None else None,
            )
            for r in rows
        ]

    async def claim(self, chat: str | None = None) -> Claimed | None:
        """Claim the oldest head nobody holds (of `chat` only, when given), or None."""
        now = self.clock.now()
        earlier = aliased(InboxUpdate)
        waits = exists().where(
            earlier.chat == InboxUpdate.chat,
            earlier.processed_at.is_(None),
            earlier.update_id < InboxUpdate.update_id,
        )
        free = and_(
            InboxUpdate.processed_at.is_(None),
            or_(InboxUpdate.claimed_until.is_(None), InboxUpdate.claimed_until <= now),
        )
        head = (
            select(InboxUpdate.update_id, InboxUpdate.claimed_by)
            .where(free, ~waits)
            .order_by(InboxUpdate.update_id)
            .limit(1)
            .with_for_update(of=InboxUpdate, skip_locked=True)
        )
        if chat is not None:
            head = head.where(InboxUpdate.chat == chat)
        async with self.db.transaction() as session:
            found = (await session.execute(head)).first()
            if found is None:
                return None
            take = (
                update(InboxUpdate)
                .where(InboxUpdate.update_id == found.update_id, free)
                .values(
                    claimed_until=now + self.lease,
                    claimed_by=self.worker,
                    attempts=InboxUpdate.attempts + 1,
                )
                .returning(InboxUpdate.chat, InboxUpdate.payload, InboxUpdate.attempts)
            )
            row = (await session.execute(take)).first()
            if row is None:  # taken meanwhile (only a second SQLite engine could)
                return None
        metrics.INBOX.labels("claimed").inc()
        if found.claimed_by is not None:  # held before, by a worker that died or hung
            metrics.INBOX_LEASE_EXPIRIES.inc()
        return Claimed(found.update_id, row.chat, row.payload or {}, row.attempts)

    async def renew(self, update_id: int) -> None:
        """Still processing: extend this worker's lease (a worker that died stops renewing,
        so its claim ends one lease after its last sign of life)."""
        async with self.db.transaction() as session:
            await session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.update_id == update_id,
                    InboxUpdate.claimed_by == self.worker,
                    InboxUpdate.processed_at.is_(None),
                )
                .values(claimed_until=self.clock.now() + self.lease)
            )

    async def done(self, update_id: int) -> None:
        """Processed, in a transaction of its own (an update the service never saw)."""
        async with self.db.transaction() as session:
            await mark_processed(session, update_id, self.clock.now())

    async def failed(self, claimed: Claimed, error: str) -> datetime | None:
        """Processing raised `error` (an exception's type name): hold the chat's head back
        for a while (backoff) and try again, or after MAX_ATTEMPTS give it up (it is then
        processed, with its error kept). Returns the time before which it is not tried
        again, or None when there is nothing to try again: given up, or processed meanwhile
        (the failure came after the service's commit; what it queued is the outbox's to
        deliver), or taken over by another worker."""
        now = self.clock.now()
        give_up = claimed.attempts >= MAX_ATTEMPTS
        retry_at = None if give_up else now + backoff(claimed.attempts)
        values: dict[str, Any] = {
            "last_error": error[:64],
            "claimed_by": None,
            "attempts": claimed.attempts,
            "claimed_until": retry_at,
        }
        if give_up:
            values |= {"processed_at": now, "payload": None}
        async with self.db.transaction() as session:
            result = await session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.update_id == claimed.update_id,
                    InboxUpdate.processed_at.is_(None),
                    # not taken over meanwhile (None: held in memory, bot/delivery/heads.py)
                    or_(InboxUpdate.claimed_by == self.worker, InboxUpdate.claimed_by.is_(None)),
                )
                .values(**values)
            )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        metrics.INBOX.labels("given_up" if give_up else "retried").inc()
        return retry_at

    async def processed(self, update_id: int) -> bool:
        """True once the update is processed (or given up)."""
        query = select(InboxUpdate.processed_at).where(InboxUpdate.update_id == update_id)
        async with self.db.session() as session:
            return (await session.execute(query)).scalar_one_or_none() is not None

    async def backlog(self) -> int:
        """Updates stored and not processed yet, by any worker."""
        query = select(func.count()).where(InboxUpdate.processed_at.is_(None))
        async with self.db.session() as session:
            return int((await session.execute(query)).scalar_one())

    async def prune(self, retention: timedelta) -> int:
        """Delete processed inbox rows and processed_updates ids older than `retention`."""
        cutoff = self.clock.now() - retention
        async with self.db.transaction() as session:
            inbox = await session.execute(
                delete(InboxUpdate).where(InboxUpdate.processed_at < cutoff)
            )
            ids = await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
            )
        pruned = int(inbox.rowcount) + int(ids.rowcount)  # type: ignore[attr-defined]
        metrics.INBOX.labels("pruned").inc(pruned)
        return pruned
