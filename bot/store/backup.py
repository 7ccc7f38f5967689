"""`backpath backup FILE`: a consistent copy of the SQLite database while the bot runs (the
SQLite online backup API). PostgreSQL is backed up with its own tools (pg_dump)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """Why no backup was made."""


def backup_sqlite(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "backpath backup copies the SQLite database; for PostgreSQL use pg_dump "
            "(see the README, Backups)"
        )
    source = Path(url.database or "")
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    # the copy holds patient data: readable by its owner only, from the first byte on
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)  # pages copied in steps; writers may go on meanwhile
    finally:
        dst.close()
        src.close()
