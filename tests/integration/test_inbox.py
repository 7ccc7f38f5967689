"""The inbox (bot/delivery/inbox.py) and its worker on a real database, SQLite and
PostgreSQL: per-chat order, duplicates, leases that run out, retries, pruning. Time is a
frozen clock moved by the tests."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.delivery.heads import DatabaseHeads, LocalHeads
from bot.delivery.inbox import MAX_ATTEMPTS, Inbox, backoff, chat_key, mark_processed
from bot.delivery.worker import InboxWorker
from bot.store import Database
from bot.store.models import InboxUpdate, ProcessedUpdate
from bot.store.release import migrate_locked

LEASE = timedelta(seconds=30)


def update(update_id: int, chat: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {"message_id": update_id, "chat": {"id": chat}, "from": {"id": chat}},
    }


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await migrate_locked(database)
    yield database
    await database.dispose()


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_chat_is_processed_in_update_id_order_one_at_a_time(
    db: Database, clock: FrozenClock
) -> None:
    inbox = Inbox(db, clock, LEASE, "w1")
    # chat 7's update 12 arrives before its update 11 (a redelivery, say)
    assert await inbox.store([update(10, 7), update(12, 7), update(20, 8)]) == [10, 12, 20]
    assert await inbox.store([update(11, 7)]) == [11]
    first = await inbox.claim()
    assert first is not None and (first.update_id, first.chat) == (10, "7")
    assert first.payload == update(10, 7)
    second = await inbox.claim()
    assert second is not None and second.update_id == 20  # chat 7 waits for update 10
    assert await inbox.claim() is None
    assert await inbox.claim("7") is None
    await inbox.done(10)
    eleven = await inbox.claim("7")
    assert eleven is not None and eleven.update_id == 11
    assert await inbox.claim() is None  # 12 waits for 11
    await inbox.done(11)
    nxt = await inbox.claim()
    assert nxt is not None and nxt.update_id == 12
    assert await inbox.backlog() == 2  # 12 (claimed) and 20 (claimed)


async def test_a_duplicate_delivery_is_stored_once_and_never_processed_again(
    db: Database, clock: FrozenClock
) -> None:
    inbox = Inbox(db, clock, LEASE, "w1")
    duplicates = metric("backpath_inbox_updates_total", step="duplicate")
    assert await inbox.store([update(10, 7), update(10, 7)]) == [10]
    claimed = await inbox.claim()
    assert claimed is not None
    assert await inbox.store([update(10, 7)]) == []  # while it is being processed
    await inbox.done(10)
    assert await inbox.store([update(10, 7)]) == []  # and after
    assert await inbox.claim() is None
    assert await inbox.processed(10)
    assert metric("backpath_inbox_updates_total", step="duplicate") == duplicates + 3
    async with db.session() as session:
        row = await session.get(InboxUpdate, 10)
    assert row is not None and row.payload is None  # the text is gone once processed


async def test_a_dead_workers_claim_is_taken_over_after_its_lease_never_a_later_update(
    db: Database, clock: FrozenClock
) -> None:
    dead, alive = Inbox(db, clock, LEASE, "dead"), Inbox(db, clock, LEASE, "alive")
    await dead.store([update(10, 7), update(11, 7)])
    taken = await dead.claim()
    assert taken is not None and taken.update_id == 10
    expiries = metric("backpath_inbox_lease_expiries_total")
    clock.advance(LEASE - timedelta(seconds=1))
    assert await alive.claim() is None  # held, and 11 waits behind it
    clock.advance(timedelta(seconds=1))
    again = await alive.claim()
    assert again is not None and (again.update_id, again.attempts) == (10, 2)
    assert metric("backpath_inbox_lease_expiries_total") == expiries + 1
    clock.advance(LEASE - timedelta(seconds=1))
    await alive.renew(10)  # still working on it: the lease starts again
    await dead.renew(10)  # a worker whose claim was taken over renews nothing
    clock.advance(timedelta(seconds=2))
    assert await dead.claim() is None
    await alive.done(10)
    await dead.done(10)  # the dead worker finishing late changes nothing
    last = await alive.claim()
    assert last is not None and last.update_id == 11


async def test_database_heads_renew_the_lease_while_an_update_is_processed(
    db: Database, clock: FrozenClock
) -> None:
    """The renewal runs every third of the lease while the head is held; a lease of 30 ms
    keeps the test short (the clock stays frozen: only the renewal's own sleep takes
    time)."""
    inbox = Inbox(db, clock, timedelta(milliseconds=30), "w1")
    heads = DatabaseHeads(inbox)
    await inbox.store([update(10, 7)])
    claimed = await heads.claim()
    assert claimed is not None
    renewed = asyncio.Event()
    renew = inbox.renew

    async def counting(update_id: int) -> None:
        await renew(update_id)
        renewed.set()

    inbox.renew = counting  # type: ignore[method-assign]
    clock.advance(timedelta(hours=1))  # the claim's lease ran out long ago
    async with heads.holding(claimed):
        await asyncio.wait_for(renewed.wait(), timeout=5)
    async with db.session() as session:
        row = await session.get(InboxUpdate, 10)
    assert row is not None and row.claimed_until == clock.now() + inbox.lease


async def test_a_restart_where_one_process_serves_takes_up_what_was_left_at_once(
    db: Database, clock: FrozenClock
) -> None:
    """LocalHeads (bot/delivery/heads.py) loads what a dead process left: a claim it held
    is taken at once (nobody else can hold it), a failed update's backoff still holds."""
    dead = Inbox(db, clock, LEASE, "dead")
    await dead.store([update(10, 7), update(11, 7), update(20, 8)])
    taken = await dead.claim()
    assert taken is not None and taken.update_id == 10
    waiting = await dead.claim()
    assert waiting is not None and waiting.update_id == 20
    retry_at = await dead.failed(waiting, "RuntimeError")  # 20 backs off: that is no claim
    assert retry_at == clock.now() + backoff(1)
    heads = LocalHeads(Inbox(db, clock, LEASE, "restarted"))
    await heads.load()
    again = await heads.claim()
    assert again is not None and (again.update_id, again.attempts) == (10, 2)
    assert await heads.claim() is None  # 11 waits behind 10, 20 backs off
    await heads.done(again, recorded=False)
    eleven = await heads.claim("7")
    assert eleven is not None and eleven.update_id == 11
    clock.advance(backoff(1))
    twenty = await heads.claim()
    assert twenty is not None and (twenty.update_id, twenty.attempts) == (20, 2)
    async with db.session() as session:
        row = await session.get(InboxUpdate, 10)
    assert row is not None and row.processed_at is not None and row.payload is None


async def test_local_heads_keep_each_chats_order_and_back_off_failures(
    db: Database, clock: FrozenClock
) -> None:
    inbox = Inbox(db, clock, LEASE, "w1")
    heads = LocalHeads(inbox)
    batch = [update(10, 7), update(12, 7), update(20, 8), update(10, 7)]
    heads.accept(batch, await inbox.store(batch))  # the duplicate 10 is queued once
    heads.accept([update(11, 7)], await inbox.store([update(11, 7)]))
    heads.accept([update(10, 7)], await inbox.store([update(10, 7)]))  # a redelivery
    first = await heads.claim()
    assert first is not None and (first.update_id, first.attempts) == (10, 1)
    second = await heads.claim()
    assert second is not None and second.update_id == 20  # chat 7 is held
    assert await heads.claim() is None
    assert not await heads.processed(10)
    assert not await heads.failed(first, "RuntimeError")  # backs off: 12 and 11 wait
    assert await heads.claim() is None and await heads.claim("7") is None
    clock.advance(backoff(1))
    retried = await heads.claim("7")
    assert retried is not None and (retried.update_id, retried.attempts) == (10, 2)
    async with db.transaction() as session:  # as the service does, with the answers
        await mark_processed(session, 10, clock.now())
    await heads.done(retried, recorded=True)
    assert await heads.processed(10)
    nxt = await heads.claim("7")
    assert nxt is not None and nxt.update_id == 11  # update_id order, not arrival order
    await heads.done(nxt, recorded=False)
    assert [u.update_id for u in [await heads.claim("7")] if u is not None] == [12]
    async with db.session() as session:
        rows = {r.update_id: r for r in (await session.execute(select(InboxUpdate))).scalars()}
    assert rows[10].attempts == 1 and rows[10].last_error is None  # one failed try, then done
    assert rows[10].processed_at is not None and rows[11].processed_at is not None
    assert rows[12].processed_at is None and rows[20].processed_at is None


async def test_a_failure_after_the_service_committed_is_not_tried_again(
    db: Database, clock: FrozenClock
) -> None:
    """The service marked the update processed with its answers; a later step (the
    delivery) raised: nothing is processed twice, what was queued is the outbox's."""
    inbox = Inbox(db, clock, LEASE, "w1")
    await inbox.store([update(10, 7), update(11, 7)])
    claimed = await inbox.claim()
    assert claimed is not None
    async with db.transaction() as session:
        await mark_processed(session, 10, clock.now())
    assert await inbox.failed(claimed, "NetworkError") is None  # nothing to try again
    nxt = await inbox.claim("7")
    assert nxt is not None and nxt.update_id == 11


async def test_marking_processed_tells_a_repeat_and_an_update_the_inbox_never_had(
    db: Database, clock: FrozenClock
) -> None:
    inbox = Inbox(db, clock, LEASE, "w1")
    await inbox.store([update(10, 7)])
    async with db.transaction() as session:
        assert await mark_processed(session, 10, clock.now()) == "marked"
    async with db.transaction() as session:
        assert await mark_processed(session, 10, clock.now()) == "repeat"
        assert await mark_processed(session, 99, clock.now()) == "not_stored"
    assert await inbox.processed(10) and not await inbox.processed(99)


async def test_a_failing_update_holds_its_chat_back_then_is_given_up(
    db: Database, clock: FrozenClock
) -> None:
    inbox = Inbox(db, clock, LEASE, "w1")
    await inbox.store([update(10, 7), update(11, 7), update(20, 8)])
    for attempt in range(1, MAX_ATTEMPTS + 1):
        claimed = await inbox.claim("7")
        assert claimed is not None and (claimed.update_id, claimed.attempts) == (10, attempt)
        retry_at = await inbox.failed(claimed, "RuntimeError")
        given_up = retry_at is None
        assert given_up == (attempt == MAX_ATTEMPTS)
        if not given_up:
            assert retry_at == clock.now() + backoff(attempt)
            assert await inbox.claim("7") is None  # backing off, 11 waits
            clock.advance(backoff(attempt))
    nxt = await inbox.claim("7")
    assert nxt is not None and nxt.update_id == 11
    async with db.session() as session:
        row = await session.get(InboxUpdate, 10)
    assert row is not None and row.processed_at is not None and row.last_error == "RuntimeError"


async def test_processed_rows_and_ids_are_pruned_after_the_retention(
    db: Database, clock: FrozenClock
) -> None:
    inbox = Inbox(db, clock, LEASE, "w1")
    retention = timedelta(hours=48)
    await inbox.store([update(10, 7), update(11, 8)])
    claimed = await inbox.claim()
    assert claimed is not None
    await inbox.done(claimed.update_id)
    async with db.transaction() as session:
        session.add(ProcessedUpdate(update_id=10, processed_at=clock.now()))
    clock.advance(retention)
    assert await inbox.prune(retention) == 0  # not older than the retention yet
    clock.advance(timedelta(seconds=1))
    assert await inbox.prune(retention) == 2
    async with db.session() as session:
        left = list((await session.execute(select(InboxUpdate.update_id))).scalars())
        ids = list((await session.execute(select(ProcessedUpdate.update_id))).scalars())
    assert left == [11] and ids == []  # a pending update is never pruned


def test_the_chat_key_is_the_sender() -> None:
    tap = {"update_id": 1, "callback_query": {"id": "q", "from": {"id": 42}, "data": "x"}}
    assert chat_key(tap) == "42"
    assert chat_key(update(2, 43)) == "43"
    assert chat_key({"update_id": 3, "poll": {"id": "p"}}) is None


async def test_workers_racing_keep_each_chats_order_and_process_everything_once(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    """Three workers take 8 chats' 40 updates at once (on PostgreSQL each with its own
    connection pool, as separate processes have; on SQLite one process's database);
    processing yields at random points. No chat ever has two updates in processing at
    once, each chat's updates run in update_id order, each update is processed once."""
    chats, per_chat = 8, 5
    updates = [update(100 + n, 1 + n % chats) for n in range(chats * per_chat)]
    await Inbox(db, clock, LEASE, "setup").store(updates)
    processed: list[tuple[str, int]] = []
    busy: set[str] = set()
    overlaps: list[str] = []
    finished = asyncio.Event()
    shuffle = random.Random(11)

    async def process(payload: dict[str, Any]) -> bool:
        chat = str(payload["message"]["chat"]["id"])
        if chat in busy:  # two updates of one chat at once
            overlaps.append(chat)
        busy.add(chat)
        for _ in range(shuffle.randint(0, 3)):
            await asyncio.sleep(0)
        busy.discard(chat)
        processed.append((chat, payload["update_id"]))
        if len(processed) == len(updates):
            finished.set()
        return False  # the worker marks it processed

    databases = [Database(database_url) if not db.is_sqlite else db for _ in range(3)]
    workers = [
        InboxWorker(Inbox(d, clock, LEASE, f"w{n}"), process, concurrency=4, poll=0.05)
        for n, d in enumerate(databases)
    ]
    for worker in workers:
        worker.start()
    try:
        await asyncio.wait_for(finished.wait(), 60)
    finally:
        for worker in workers:
            await worker.stop()
        for database in databases:
            if database is not db:
                await database.dispose()
    assert overlaps == []
    assert sorted(u for _, u in processed) == [u["update_id"] for u in updates]
    for chat in {c for c, _ in processed}:
        mine = [u for c, u in processed if c == chat]
        assert mine == sorted(mine), (chat, mine)
    assert await Inbox(db, clock, LEASE, "check").backlog() == 0
