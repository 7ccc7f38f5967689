"""Private files: what the bot writes about patients is readable by its own user only.

Files are created 0600 and folders 0700, whatever the umask; an existing file is
tightened when it is opened again. The CLI also sets the umask to 077, so files that
libraries create (SQLite's -wal and -shm files take the database file's mode anyway)
are private too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
UMASK = 0o077


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700; an existing folder keeps its mode."""
    if not path.is_dir():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty as 0600 if missing; take group and world access off if not."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, os.fstat(fd).st_mode & FILE_MODE)
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` (replacing it), readable by this user only."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(data)
    finally:
        os.close(fd)
    return path


class PatientFiles:
    """Every file made for a patient lives in one folder of theirs under `root`, so that
    /delete erases them all (bot.service removes the folder in the erasure's transaction,
    before it commits). The folder is named by a hash of the channel and user id."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, channel: str, user: str) -> Path:
        key = hashlib.sha256(f"{channel}:{user}".encode()).hexdigest()[:24]
        return self.root / key

    def write(self, channel: str, user: str, filename: str, data: bytes) -> Path:
        return write_private(self.folder(channel, user) / filename, data)

    def erase(self, channel: str, user: str) -> None:
        shutil.rmtree(self.folder(channel, user), ignore_errors=True)
