"""ShiftedClock (`backpath chat --now`): starts at the chosen moment, runs on with real
time, and can be moved again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FrozenClock, ShiftedClock


def test_it_starts_at_the_moment_and_runs_on() -> None:
    real = FrozenClock(datetime(2030, 1, 1, tzinfo=UTC))
    clock = ShiftedClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC), real=real.now)
    assert clock.now() == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    real.advance(timedelta(minutes=5))
    assert clock.now() == datetime(2026, 3, 2, 9, 35, tzinfo=UTC)
    clock.set(datetime(2026, 3, 16, 9, 0, tzinfo=UTC))
    assert clock.now() == datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    assert clock.now().tzinfo == UTC


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        ShiftedClock(datetime(2026, 3, 2, 9, 30))
