"""Held rows (bot/delivery/outbox.py): an event of a chat with nothing pending queues its
replies already claimed, and the process that committed them delivers them without a claim
transaction of its own; the order and the crash guarantees stay those of a claim."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, select

from bot.clock import FrozenClock
from bot.delivery import outbox
from bot.delivery.sender import RetryLater
from bot.engine import Event
from bot.runtime import Runtime, build_runtime
from bot.service import Incoming, Outcome
from bot.store.models import OutboxMessage
from tests.conftest import make_settings
from tests.followup_helpers import CHANNEL, RecordingTransport


async def say(runtime: Runtime, user: str, event: Event) -> Outcome:
    return await runtime.service.handle(Incoming(CHANNEL, user, event), hold=True)


async def rows(runtime: Runtime, user: str) -> list[OutboxMessage]:
    async with runtime.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat == user)
        return list((await session.execute(query.order_by(OutboxMessage.id))).scalars())


async def test_an_idle_chat_s_replies_are_committed_claimed_and_delivered_without_a_claim(
    runtime: Runtime,
) -> None:
    outcome = await say(runtime, "61", Event("start", language_hint="nl"))
    assert outcome.held is not None
    stored = await rows(runtime, "61")
    assert [m.id for m in outcome.held.messages] == [r.id for r in stored]
    assert {r.claim for r in stored} == {outcome.held.token}  # claimed in the same commit
    statements: list[str] = []
    listen = runtime.db.engine.sync_engine
    event.listen(listen, "before_cursor_execute", lambda *a: statements.append(a[2]))
    transport = RecordingTransport(runtime)
    done = await transport.sender().deliver(CHANNEL, "61", outcome.held)
    assert done.sent == len(stored)
    assert [m.rendered.text for m in transport.sent] == [r.text for r in stored]
    assert {r.status for r in await rows(runtime, "61")} == {"sent"}
    # no claim of the held rows: the only claim query is the last one, which finds nothing
    claims = [s for s in statements if s.startswith("UPDATE outbox SET claimed_until=?, claim=?")]
    assert claims == []


async def test_a_chat_with_an_earlier_undelivered_row_is_not_held_and_keeps_its_order(
    runtime: Runtime, clock: FrozenClock
) -> None:
    first = await say(runtime, "62", Event("start", language_hint="nl"))
    transport = RecordingTransport(runtime, fail_with=[RetryLater("network")])
    assert (await transport.sender().deliver(CHANNEL, "62", first.held)).retried == 1
    later = await say(runtime, "62", Event("command", text="help"))
    assert later.held is None  # the earlier rows wait: nothing may overtake them
    assert not (await transport.sender().deliver(CHANNEL, "62", later.held)).sent
    clock.advance(outbox.LEASE)
    await transport.sender().deliver(CHANNEL, "62")
    stored = await rows(runtime, "62")
    assert [m.id for m in transport.sent] == [r.id for r in stored]  # in commit order


async def test_held_rows_of_a_process_that_died_before_delivering_go_out_after_a_restart(
    database_url: str, runtime: Runtime, clock: FrozenClock, tmp_path: Path
) -> None:
    outcome = await say(runtime, "63", Event("start", language_hint="nl"))
    assert outcome.held is not None  # committed claimed; the process dies before sending
    await runtime.close()
    again = await build_runtime(make_settings(database_url, tmp_path), clock)
    try:
        if again.db.is_sqlite:  # a starting SQLite process frees every lease at once
            assert await outbox.release_all(again.db, CHANNEL) == len(outcome.held.messages)
        else:  # another worker may be alive: the held rows wait for their lease
            transport = RecordingTransport(again)
            assert not (await transport.sender().drain(CHANNEL)).sent
            clock.advance(outbox.LEASE)
        transport = RecordingTransport(again)
        assert (await transport.sender().drain(CHANNEL)).sent == len(outcome.held.messages)
        assert [m.id for m in transport.sent] == [m.id for m in outcome.held.messages]
    finally:
        await again.close()


async def test_without_hold_the_rows_wait_unclaimed_for_any_sender(runtime: Runtime) -> None:
    incoming = Incoming(CHANNEL, "64", Event("start", language_hint="nl"))
    outcome = await runtime.service.handle(incoming)
    assert outcome.held is None
    assert {r.claim for r in await rows(runtime, "64")} == {None}
