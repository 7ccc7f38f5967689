"""Injected clocks: production reads the system time, tests move a frozen one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


class FileClock:
    """A clock read from a file holding one ISO datetime (test-only: BACKPATH_CLOCK_FILE).

    Lets a test move the time of a bot running in another process (the chaos test makes
    reminders due without waiting); read at every call, written by the test atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        moment = datetime.fromisoformat(self.path.read_text().strip())
        if moment.tzinfo is None:
            raise ValueError(f"{self.path} must hold an aware datetime")
        return moment.astimezone(UTC)

    def set(self, moment: datetime) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(moment.astimezone(UTC).isoformat())
        temporary.replace(self.path)


class ShiftedClock:
    """The system clock moved to another moment: it starts at `start` and runs on in real
    time (`backpath chat --now`), so stored times follow the chosen moment. `set` moves it
    again (the chat's catch-up replays the reminder job at each moment)."""

    def __init__(self, start: datetime, real: Callable[[], datetime] | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware datetime")
        self._real = real or SystemClock().now
        self._offset = start - self._real()

    def now(self) -> datetime:
        return (self._real() + self._offset).astimezone(UTC)

    def set(self, moment: datetime) -> None:
        self._offset = moment - self._real()
