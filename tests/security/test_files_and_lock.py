"""One serving process per SQLite file, private data files, and /delete erasing the
patient's files (issue #17, items 7 and 8). Each failed before the fix."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.files import PatientFiles
from bot.runtime import build_runtime
from bot.store.lock import DatabaseInUse
from tests.conftest import make_settings
from tests.e2e.test_chat_cli import EPISODE, NO_RED_FLAGS, chat


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_second_serving_process_is_refused_with_a_clear_message(
    tmp_path: Path, clock: FrozenClock
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'one.db'}"
    settings = make_settings(url, tmp_path)
    first = await build_runtime(settings, clock, serving=True)
    try:
        with pytest.raises(DatabaseInUse, match=rf"pid {os.getpid()}.*one\.db.*PostgreSQL"):
            await build_runtime(settings, clock, serving=True)
        admin = await build_runtime(settings, clock)  # `backpath invite` next to the bot
        await admin.close()
    finally:
        await first.close()
    again = await build_runtime(settings, clock, serving=True)  # released on close
    await again.close()


def test_a_second_chat_on_the_same_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ready"
        second = chat(db, ["1"], "--lang", "nl", data_dir=tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 1
    assert "already serving the database" in second.stderr
    assert "Traceback" not in second.stderr and "KeyError" not in second.stderr


_HOLD = """
import asyncio, sys
from bot.clock import SystemClock
from bot.config import Settings
from bot.runtime import build_runtime

async def main():
    settings = Settings(database_url=f"sqlite+aiosqlite:///{sys.argv[1]}")
    await build_runtime(settings, SystemClock(), serving=True)
    print("ready", flush=True)
    sys.stdin.read()

asyncio.run(main())
"""


def test_data_files_are_private_and_delete_erases_the_charts(tmp_path: Path) -> None:
    db = tmp_path / "data" / "chat.db"
    data_dir = tmp_path / "data"
    lines = ["1", *NO_RED_FLAGS, *EPISODE, "7", "/cancel", "/pain", "3", "/progress"]
    made = chat(db, lines, "--lang", "nl", data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    charts = list((data_dir / "charts").rglob("*.png"))
    assert len(charts) == 1
    assert charts[0].parent == PatientFiles(data_dir / "charts").folder("terminal", "local")
    for path in (db, charts[0]):
        assert _mode(path) == 0o600, path
    for folder in (charts[0].parent, charts[0].parent.parent):
        assert _mode(folder) == 0o700, folder
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.lock")):
        if extra.exists():
            assert _mode(extra) & 0o077 == 0, extra

    erased = chat(db, ["/delete", "1"], "--lang", "nl", data_dir=data_dir)
    assert erased.returncode == 0, erased.stderr
    assert not list((data_dir / "charts").rglob("*.png"))
    assert not charts[0].parent.exists()


def test_an_older_world_readable_database_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    db.write_bytes(b"")
    db.chmod(0o644)
    from bot.store import Database

    Database(f"sqlite+aiosqlite:///{db}")
    assert _mode(db) == 0o600
