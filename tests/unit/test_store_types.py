"""Stored moments come back as aware UTC on SQLite, whatever zone they were given in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, create_engine, select
from sqlalchemy.exc import StatementError

from bot.store.models import Base
from bot.store.types import UTCDateTime

BRUSSELS_WINTER = timezone(timedelta(hours=1))


def _table() -> tuple[Table, object]:
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True), Column("at", UTCDateTime))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    return table, engine


def test_sqlite_gives_back_aware_utc() -> None:
    table, engine = _table()
    local = datetime(2026, 3, 2, 10, 0, tzinfo=BRUSSELS_WINTER)
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(table.insert().values(id=1, at=local))
        conn.execute(table.insert().values(id=2, at=None))
        rows = dict(conn.execute(select(table.c.id, table.c.at)).all())
    assert rows[1] == local and rows[1].tzinfo is UTC and rows[1].hour == 9
    assert rows[2] is None


def test_a_naive_moment_is_refused() -> None:
    table, engine = _table()
    with engine.begin() as conn, pytest.raises(StatementError, match="naive"):  # type: ignore[attr-defined]
        conn.execute(table.insert().values(id=1, at=datetime(2026, 3, 2, 10, 0)))


def test_every_datetime_column_uses_the_type() -> None:
    columns = [c for t in Base.metadata.tables.values() for c in t.columns]
    assert [c for c in columns if isinstance(c.type, DateTime)] == []  # a bare type
    assert len([c for c in columns if isinstance(c.type, UTCDateTime)]) > 20
