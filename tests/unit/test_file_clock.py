"""The test-only file clock (BACKPATH_CLOCK_FILE): another process's time, moved by a test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.clock import FileClock


def test_reads_what_was_last_written(tmp_path: Path) -> None:
    clock = FileClock(tmp_path / "clock")
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    clock.set(moment)
    assert clock.now() == moment and clock.now().tzinfo == UTC
    clock.set(moment + timedelta(days=14))
    assert FileClock(tmp_path / "clock").now() == moment + timedelta(days=14)


def test_refuses_a_naive_time(tmp_path: Path) -> None:
    (tmp_path / "clock").write_text("2026-03-02T10:00:00")
    with pytest.raises(ValueError, match="aware"):
        FileClock(tmp_path / "clock").now()
