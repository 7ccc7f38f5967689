"""Settling a chat's live keyboards (bot/delivery/outbox.py), on SQLite and PostgreSQL: a
tapped question may give its place to the next one only when nothing came after it in the
chat, and the statements find the live keyboards through their partial index (migration
0011): their cost is the chat's live keyboards (one, or a few), not every message the
patient was ever sent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.delivery.outbox import _KEYBOARD_SETTLED, _LIVE_KEYBOARDS, keyboard_settled
from bot.runtime import Runtime

HISTORY = 300  # messages the chat was sent before its live question
ROW = (
    "INSERT INTO outbox (channel, chat, language, priority, text, status, created_at, attempts,"
    " keyboard_live, message_id, replaceable) VALUES ('telegram', :chat, 'nl', 1, '', 'sent',"
    " :now, 0, :live, :message_id, :replaceable)"
)


def row(message_id: int, live: bool, replaceable: bool, chat: str = "42", **at: Any) -> Any:
    return {"chat": chat, "live": live, "message_id": message_id, "replaceable": replaceable, **at}


async def plan(conn: AsyncConnection, statement: Any, values: dict[str, Any]) -> str:
    """The database's plan of `statement` (not run), as one string."""
    compiled = statement.compile(dialect=conn.dialect)
    params = compiled.construct_params(values)
    ordered = tuple(params[name] for name in compiled.positiontup)
    if conn.dialect.name == "sqlite":
        found = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", ordered)
        return " | ".join(str(row[-1]) for row in found)
    # a table this small would be read whole anyway: ask which index serves, if one is used
    await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    found = await conn.exec_driver_sql(f"EXPLAIN {compiled}", ordered)
    return " | ".join(str(row[0]) for row in found)


async def test_settling_keyboards_reads_the_live_ones_only(runtime: Runtime) -> None:
    now = runtime.clock.now()
    rows = [row(n, n == HISTORY, False, now=now) for n in range(HISTORY + 1)]
    async with runtime.db.engine.begin() as conn:
        await conn.execute(text(ROW), rows)
        if conn.dialect.name == "postgresql":
            await conn.exec_driver_sql("ANALYZE outbox")
        chat = {"in_channel": "telegram", "in_chat": "42"}
        tapped = await plan(conn, _KEYBOARD_SETTLED, {**chat, "telegram_id": HISTORY})
        older = await plan(conn, _LIVE_KEYBOARDS, {**chat, "before": 10**9})
    assert "ix_outbox_live" in tapped, tapped
    assert "ix_outbox_live" in older, older
    # and no table is read whole (the newest row of the chat is a seek in ix_outbox_chat)
    for found in (tapped, older):
        assert not any(step.startswith(("SCAN", "Seq Scan")) for step in found.split(" | "))


async def test_a_tapped_question_is_replaced_only_when_nothing_came_after_it(
    runtime: Runtime,
) -> None:
    """Chat 41's question is its last message; chat 42's was followed by a message without
    buttons (a reply to typed text, say): editing the next question into it would put it
    above that message, where the patient may not look."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as session:
        await session.execute(
            text(ROW),
            [
                row(7, True, True, chat="41", now=now),
                row(7, True, True, chat="42", now=now),
                row(8, False, False, chat="42", now=now),
                row(9, False, False, chat="43", now=now),  # another chat's later row
            ],
        )
    async with runtime.db.transaction() as session:
        assert await keyboard_settled(session, "telegram", "41", 7)
        assert not await keyboard_settled(session, "telegram", "42", 7)
        assert not await keyboard_settled(session, "telegram", "41", 7)  # settled already
