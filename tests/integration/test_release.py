"""Release and operations: migrations under a lock, workers that refuse an unmigrated or
unreachable database (and an unreachable Bot API) with one clear sentence, backups."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT
from bot.store import Database
from bot.store.backup import BackupError, backup_sqlite
from bot.store.release import (
    MIGRATION_LOCK_KEY,
    SchemaNotCurrent,
    check_schema,
    migrate_locked,
)


async def test_a_second_migration_waits_for_the_first(database_url: str) -> None:
    db = Database(database_url)
    try:
        with pytest.raises(SchemaNotCurrent, match="run `backpath migrate` first"):
            await check_schema(db)
        lock_file = Path(f"{make_url(database_url).database}.migrate.lock")
        if db.is_sqlite:  # another migrator holds the lock
            holder = lock_file.open("a")  # noqa: ASYNC230
            fcntl.flock(holder, fcntl.LOCK_EX)
        else:
            conn = await db.engine.connect()
            await conn.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
        waiting = asyncio.create_task(migrate_locked(db))
        done, _ = await asyncio.wait({waiting}, timeout=1.0)
        assert not done  # blocked by the lock
        if db.is_sqlite:
            holder.close()
        else:
            await conn.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))
            await conn.close()
        await asyncio.gather(waiting, migrate_locked(db))  # and a second one: nothing to do
        await check_schema(db)
    finally:
        await db.dispose()


def _cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BACKPATH_", "DATABASE_", "TELEGRAM_", "LOG_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(PROJECT_ROOT), "BACKPATH_STARTUP_ATTEMPTS": "2", **env},
        timeout=120,
        check=False,
    )


WORKER_ENV = {"TELEGRAM_BOT_TOKEN": "123:ABC", "TELEGRAM_WEBHOOK_SECRET": "secret-1"}


@pytest.mark.parametrize("command", ["run", "serve"])
def test_workers_refuse_an_unmigrated_database_and_migrate_is_the_way(
    tmp_path: Path, command: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    refused = _cli(command, cwd=tmp_path, DATABASE_URL=url, **WORKER_ENV)
    assert refused.returncode == 1
    assert "run `backpath migrate` first" in refused.stderr
    assert "Traceback" not in refused.stderr
    migrated = _cli("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    assert "database is up to date" in migrated.stdout
    # migrated now; the Bot API (nothing listens on port 9) is the next thing it needs
    unreachable = _cli(
        command,
        cwd=tmp_path,
        DATABASE_URL=url,
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        **WORKER_ENV,
    )
    assert unreachable.returncode == 1
    assert "the Telegram Bot API is unreachable" in unreachable.stderr
    assert "try 1 of 2" in unreachable.stderr  # it retried
    assert "Traceback" not in unreachable.stderr and "123:ABC" not in unreachable.stderr


def test_a_worker_says_when_the_database_is_unreachable(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://backpath@127.0.0.1:9/backpath"  # nothing listens there
    result = _cli("serve", cwd=tmp_path, DATABASE_URL=url, **WORKER_ENV)
    assert result.returncode == 1
    assert "the database is unreachable" in result.stderr
    assert "Traceback" not in result.stderr


async def test_backup_copies_the_sqlite_database_online(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    db = Database(url)
    await migrate_locked(db)
    insert = text(
        "INSERT INTO clinics (name, language, created_at) VALUES (:n, 'nl', '2026-03-02')"
    )
    async with db.transaction() as session:
        await session.execute(insert, {"n": "committed"})
    async with db.transaction() as session:  # a writer is open while the copy is made
        await session.execute(insert, {"n": "in flight"})
        backup_sqlite(url, tmp_path / "copy" / "backup.db")
    await db.dispose()
    copy = tmp_path / "copy" / "backup.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        assert conn.execute("SELECT name FROM clinics").fetchall() == [("committed",)]
    with pytest.raises(BackupError, match="exists already"):
        backup_sqlite(url, copy)
    with pytest.raises(BackupError, match="pg_dump"):
        backup_sqlite("postgresql+asyncpg://u@h/db", tmp_path / "pg.db")
