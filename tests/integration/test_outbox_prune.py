"""Delivered outbox rows go after the retention (bot/delivery/outbox.py, `prune`; the
periodic job `prune_old_rows`, which prunes the inbox too), on SQLite and PostgreSQL:
never a pending row, a live keyboard or a row after one in its chat, and found by age
without reading the rest."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import select, text
from telegram.ext import ContextTypes

from bot.delivery import outbox
from bot.delivery.inbox import mark_processed
from bot.runtime import Runtime
from bot.store.models import InboxUpdate, OutboxMessage
from bot.telegram.app import RUNTIME_KEY, prune_old_rows
from tests.integration.test_outbox_keyboards import plan

ROW = (
    "INSERT INTO outbox (channel, chat, language, priority, text, status, created_at, attempts,"
    " keyboard_live, message_id, replaceable) VALUES ('telegram', :chat, 'nl', 1, '', :status,"
    " :at, 0, :live, :message_id, false)"
)


def row(chat: str, message_id: int, status: str, at: Any, live: bool = False) -> dict[str, Any]:
    return {"chat": chat, "message_id": message_id, "status": status, "at": at, "live": live}


async def left(runtime: Runtime) -> list[tuple[str, int | None]]:
    async with runtime.db.session() as session:
        query = select(OutboxMessage.chat, OutboxMessage.message_id).order_by(OutboxMessage.id)
        return [(c, m) for c, m in await session.execute(query)]


async def test_old_delivered_rows_go_and_what_is_still_needed_stays(runtime: Runtime) -> None:
    now = runtime.clock.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)
    async with runtime.db.transaction() as session:
        await session.execute(
            text(ROW),
            [
                row("41", 1, "sent", old),
                row("41", 2, "failed", old),
                row("41", 3, "pending", old),  # never delivered: never pruned
                row("41", 4, "sent", recent),
                row("42", 5, "sent", old),
                row("42", 6, "sent", old, live=True),  # the question on screen
                row("42", 7, "sent", old),  # came after it: "nothing came after" needs it
                row("43", 8, "sent", old),
                row("43", 9, "sent", old),
                row("43", 10, "sent", old),
            ],
        )
    # two a transaction: the batches go on until one is not full
    assert await outbox.prune(runtime.db, now - timedelta(days=30), batch=2) == 6
    assert await left(runtime) == [("41", 3), ("41", 4), ("42", 6), ("42", 7)]
    async with runtime.db.transaction() as session:  # the live question, still settled
        assert not await outbox.keyboard_settled(session, "telegram", "42", 6)


async def test_the_prune_finds_old_rows_by_age(runtime: Runtime) -> None:
    async with runtime.db.engine.begin() as conn:
        found = await plan(conn, outbox._PRUNE, {"cutoff": runtime.clock.now(), "batch": 1000})
    assert "ix_outbox_created_at" in found, found
    assert not any(step.startswith(("SCAN", "Seq Scan")) for step in found.split(" | ")), found


async def test_the_periodic_job_prunes_after_the_retention(runtime: Runtime) -> None:
    now = runtime.clock.now()
    retention = timedelta(days=runtime.settings.backpath_outbox_retention_days)
    # and the inbox: an update processed before its retention, one processed within it
    inbox_retention = timedelta(hours=runtime.settings.backpath_inbox_retention_hours)
    updates = [{"update_id": n, "message": {"from": {"id": 41}}} for n in (1, 2)]
    assert await runtime.inbox.store(updates) == [1, 2]
    async with runtime.db.transaction() as session:
        await mark_processed(session, 1, now - inbox_retention - timedelta(minutes=1))
        await mark_processed(session, 2, now - inbox_retention + timedelta(minutes=1))
    async with runtime.db.transaction() as session:
        await session.execute(
            text(ROW),
            [
                row("41", 1, "sent", now - retention - timedelta(minutes=1)),
                row("41", 2, "sent", now - retention + timedelta(minutes=1)),
            ],
        )
    context = SimpleNamespace(application=SimpleNamespace(bot_data={RUNTIME_KEY: runtime}))
    await prune_old_rows(cast(ContextTypes.DEFAULT_TYPE, context))
    assert await left(runtime) == [("41", 2)]
    async with runtime.db.session() as session:
        kept = list((await session.execute(select(InboxUpdate.update_id))).scalars())
    assert kept == [2]
