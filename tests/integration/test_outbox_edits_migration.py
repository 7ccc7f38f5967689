"""Migration 0010: the outbox's `replaceable` and `edits` columns (edits in place, issue #15).
A row queued by the version before is neither: it is delivered and settled as before."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import text

from bot.runtime import Runtime
from bot.store.db import alembic_config

BEFORE = "0009_sign_in_failures"
ROW = (
    "INSERT INTO outbox (channel, chat, language, priority, text, status, created_at, attempts,"
    " keyboard_live) VALUES ('telegram', '42', 'nl', 1, 'Vraag', 'pending', :now, 0, :live)"
)


async def test_a_row_queued_before_the_migration_neither_replaces_nor_is_replaced(
    runtime: Runtime,
) -> None:
    config = alembic_config(runtime.db.engine.url.render_as_string(hide_password=False))

    def to(connection: Any, revision: str) -> None:
        config.attributes["connection"] = connection
        if revision == BEFORE:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)

    async with runtime.db.engine.begin() as conn:
        await conn.run_sync(to, BEFORE)
        columns = (await conn.execute(text("SELECT * FROM outbox"))).keys()
        assert "edits" not in columns and "replaceable" not in columns
        await conn.execute(text(ROW), {"now": runtime.clock.now(), "live": False})
        await conn.run_sync(to, "head")
        rows = (await conn.execute(text("SELECT replaceable, edits FROM outbox"))).all()
    assert [tuple(r) for r in rows] == [(False, None)]
