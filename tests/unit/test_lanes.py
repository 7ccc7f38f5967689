"""Lanes (bot/scheduler/lanes.py): several chats at once, each chat's items in order."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest

from bot.scheduler.lanes import Lanes


class Recorder:
    """Runs items as ("chat", n), yielding to the loop in between, and records what ran
    and how many ran at the same time."""

    def __init__(self, turns: int = 3, stop: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.turns, self.stop = turns, stop
        self.done: dict[str, list[int]] = defaultdict(list)
        self.running = self.most = 0

    async def run(self, item: tuple[str, int]) -> bool:
        self.running += 1
        self.most = max(self.most, self.running)
        for _ in range(self.turns):  # a round trip: other lanes get the loop meanwhile
            await asyncio.sleep(0)
        self.running -= 1
        self.done[item[0]].append(item[1])
        return item not in self.stop


async def put_all(lanes: Lanes[tuple[str, int]], items: list[tuple[str, int]]) -> None:
    for chat, n in items:
        await lanes.put(chat, (chat, n))


async def test_chats_run_at_once_up_to_the_concurrency_each_in_order() -> None:
    recorder = Recorder()
    items = [(f"chat{c}", n) for n in range(4) for c in range(10)]  # chats interleaved
    async with Lanes(3, recorder.run) as lanes:
        await put_all(lanes, items)
    assert recorder.most == 3
    assert recorder.done == {f"chat{c}": [0, 1, 2, 3] for c in range(10)}


async def test_a_failed_item_stops_its_chat_not_the_others() -> None:
    recorder = Recorder(stop=frozenset({("a", 1)}))
    items = [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    async with Lanes(2, recorder.run) as lanes:
        await put_all(lanes, items)
        await lanes.put("a", ("a", 3))  # later in the pass: still stopped
    assert recorder.done == {"a": [0, 1], "b": [0, 1, 2]}


async def test_put_waits_for_a_free_lane_but_not_for_a_running_chat() -> None:
    release = asyncio.Event()
    ran: list[tuple[str, int]] = []

    async def run(item: tuple[str, int]) -> bool:
        await release.wait()
        ran.append(item)
        return True

    async with Lanes(1, run) as lanes:
        await lanes.put("a", ("a", 0))
        await lanes.put("a", ("a", 1))  # queued behind its chat's item: returns at once
        other = asyncio.create_task(lanes.put("b", ("b", 0)))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not other.done()  # the one lane is busy: nothing of "b" is held yet
        release.set()
        await other
    assert ran == [("a", 0), ("a", 1), ("b", 0)]


async def test_an_error_of_a_lane_is_raised_after_the_others_finish() -> None:
    recorder = Recorder()

    async def run(item: tuple[str, int]) -> bool:
        if item == ("a", 0):
            raise KeyError("boom")
        return await recorder.run(item)

    with pytest.raises(KeyError):
        async with Lanes(2, run) as lanes:
            await put_all(lanes, [("a", 0), ("b", 0), ("b", 1)])
    assert recorder.done == {"b": [0, 1]}


async def test_a_cancelled_pass_cancels_its_lanes() -> None:
    started, never = asyncio.Event(), asyncio.Event()
    cancelled: list[str] = []

    async def run(item: tuple[str, int]) -> bool:
        started.set()
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.append(item[0])
            raise
        return True

    async def dispatch() -> None:
        async with Lanes(2, run) as lanes:
            await put_all(lanes, [("a", 0), ("b", 0)])

    task = asyncio.create_task(dispatch())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(cancelled) == ["a", "b"]


def test_at_least_one_lane() -> None:
    with pytest.raises(ValueError):
        Lanes(0, Recorder().run)
