"""The NRS recall period is a column of every pain score; old rows were weekly ratings."""

from __future__ import annotations

from sqlalchemy import select, text

from bot.engine import Event
from bot.runtime import Runtime
from bot.store.db import alembic_config
from bot.store.models import Score
from tests.integration.test_service import consent_and_no_flags, incoming


async def test_recall_is_stored_with_every_nrs(runtime: Runtime) -> None:
    start = await runtime.service.handle(incoming(Event("start", language_hint="nl")))
    await consent_and_no_flags(runtime, start)
    await runtime.service.handle(incoming(Event("text", text="6")))  # intake: past week
    await runtime.service.handle(incoming(Event("command", text="cancel")))  # COMI baseline
    await runtime.service.handle(incoming(Event("command", text="pain")))
    await runtime.service.handle(incoming(Event("text", text="3")))  # /pain: now
    async with runtime.db.session() as session:
        rows = (await session.execute(select(Score.total, Score.recall).order_by(Score.id))).all()
    assert [tuple(r) for r in rows] == [(6.0, "week"), (3.0, "now")]


async def test_the_migration_marks_earlier_ratings_as_weekly(runtime: Runtime) -> None:
    from alembic import command

    def step(connection: object, revision: str, up: bool) -> None:
        cfg = alembic_config(str(runtime.db.engine.url.render_as_string(hide_password=False)))
        cfg.attributes["connection"] = connection
        (command.upgrade if up else command.downgrade)(cfg, revision)

    start = await runtime.service.handle(incoming(Event("start", language_hint="nl")))
    await consent_and_no_flags(runtime, start)
    await runtime.service.handle(incoming(Event("text", text="6")))
    async with runtime.db.engine.begin() as conn:
        await conn.run_sync(step, "0004", False)
        await conn.run_sync(step, "0005_nrs_recall", True)
        recalls = (await conn.execute(text("SELECT instrument, recall FROM scores"))).all()
    assert [tuple(r) for r in recalls] == [("nrs", "week")]
