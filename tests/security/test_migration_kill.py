"""Migrations a kill cannot break (issue #17, item 3).

A subprocess migrates a fresh SQLite database and SIGKILLs itself right after its Nth
DDL statement; the next start must bring the database to the newest revision. Before
the fix, SQLite's DDL committed statement by statement and every later start failed with
"table ... already exists". A database left half-migrated by an older version is
repaired when the leftovers are empty and refused with a clear message otherwise.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.store import Database
from bot.store.migrate import SchemaStateError
from bot.store.models import Base

KILLER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from bot.store import Database

    after = int(sys.argv[2])
    seen = 0

    DDL = ("CREATE", "ALTER", "DROP", "INSERT INTO ALEMBIC")

    @event.listens_for(Engine, "after_cursor_execute")
    def count(conn, cursor, statement, *args):
        global seen
        if statement.lstrip().upper().startswith(DDL):
            seen += 1
            if seen >= after:
                os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(Database(sys.argv[1]).migrate())
    """
)


def _tables(path: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await db.migrate()
    finally:
        await db.dispose()


@pytest.mark.parametrize("after", [1, 2, 5, 9, 14, 20, 30])
def test_a_kill_mid_migration_never_bricks_the_database(tmp_path: Path, after: int) -> None:
    path = tmp_path / "kill.db"
    url = f"sqlite+aiosqlite:///{path}"
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, url, str(after)], capture_output=True, timeout=120
    )
    assert killed.returncode in (-signal.SIGKILL, 0), killed.stderr
    if killed.returncode == -signal.SIGKILL:
        # nothing of the interrupted transaction is left behind
        assert _tables(path) <= {"alembic_version"}
    asyncio.run(_migrate(url))
    assert set(Base.metadata.tables) <= _tables(path)


def _half_migrated(path: Path, fill: str | None = None) -> str:
    """A database as an older BackPath left it: every table made, no revision recorded."""
    url = f"sqlite+aiosqlite:///{path}"
    asyncio.run(_migrate(url))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        if fill is not None:
            conn.execute(text(fill))
    engine.dispose()
    return url


def test_empty_leftovers_of_an_older_interrupted_migration_are_repaired(tmp_path: Path) -> None:
    url = _half_migrated(tmp_path / "half.db")
    asyncio.run(_migrate(url))  # before the fix: "table audit_log already exists"
    assert set(Base.metadata.tables) <= _tables(tmp_path / "half.db")


def test_leftovers_with_data_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    url = _half_migrated(
        tmp_path / "data.db",
        "INSERT INTO clinics (name, language, created_at) VALUES ('X', 'nl', CURRENT_TIMESTAMP)",
    )
    with pytest.raises(SchemaStateError, match=r"revision \(none\).*clinics") as refused:
        asyncio.run(_migrate(url))
    assert "Restore a backup" in str(refused.value)
