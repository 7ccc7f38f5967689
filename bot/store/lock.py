"""One bot process per SQLite file.

SQLite has no row locks to share reminders and conversations between processes: two
bots on one file sent reminders twice. A process that serves patients (`backpath run`,
`backpath chat`, a web worker) takes an exclusive `flock` on `<database>.lock` next to
the file before migrating and holds it until it stops; a second one is refused with a
message that names the other process. The lock goes with the process (also on a kill),
so a stale lock file never blocks a restart. Short admin commands (`backpath invite`,
`clinic add`, ...) take no lock: their single transactions are safe next to the bot.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.files import FILE_MODE, private_dir
from bot.store.errors import StartupError


class DatabaseInUse(StartupError):
    """Another process serves patients from this SQLite file."""


class SqliteLock:
    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise DatabaseInUse(
                f"Another BackPath process (pid {other}) is already serving the database "
                f"{self.database}. SQLite serves one bot process: stop the other one first, "
                "or use PostgreSQL (DATABASE_URL) to run several workers."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
