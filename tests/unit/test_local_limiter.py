"""LocalLimiter (bot/delivery/limits.py): no second ever holds more than `rate` calls."""

from __future__ import annotations

import pytest

from bot.delivery.limits import LocalLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_calls_are_spaced_from_the_first_so_no_second_holds_more_than_the_rate() -> None:
    time = FakeTime()
    limiter = LocalLimiter(rate=30.0, monotonic=time.monotonic, sleep=time.sleep)
    starts = []
    for _ in range(91):
        await limiter.acquire("7")
        starts.append(time.now)
    second = 1.0 - 1e-9  # the sums of 1/30 s carry float error
    busiest = max(sum(1 for t in starts if s <= t < s + second) for s in starts)
    assert busiest == 30
    assert starts[-1] - starts[0] == pytest.approx(3.0)  # 90 gaps of 1/30 s


async def test_a_quiet_limiter_lets_the_next_call_go_at_once() -> None:
    time = FakeTime()
    limiter = LocalLimiter(rate=30.0, monotonic=time.monotonic, sleep=time.sleep)
    await limiter.acquire("7")
    time.now += 5.0
    before = time.now
    await limiter.acquire("8")
    assert time.now == before
