"""Heavy rendering (the clinician PDF with its chart) runs in a worker thread: while one
renders, the event loop keeps serving other patients.

A ticker task counts how often the loop got to run during the render. Rendered on the
loop, it could not run at all until the render returned (zero ticks).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

from bot.clinic.report import ReportContent, summary_pdf
from bot.engine import Engine
from bot.i18n import Catalogs
from tests.unit.report_samples import report

TICK = 0.002


async def _ticks_during(work: Awaitable[object]) -> tuple[int, float]:
    """How many times the loop ran a ticker while `work` was awaited, and how long it took."""
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            await asyncio.sleep(TICK)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # the ticker is waiting on its first sleep
    started, ticks = time.perf_counter(), 0
    await work
    took, during = time.perf_counter() - started, ticks
    stop.set()
    await task
    return during, took


async def test_clinician_pdf_renders_without_blocking_the_loop(
    catalogs: Catalogs, engine: Engine
) -> None:
    content = ReportContent(catalogs, engine.flows, engine.instruments)
    ticks, took = await _ticks_during(summary_pdf(content, report(), "nl"))
    assert took > 5 * TICK  # a real render with its chart, long enough to measure
    assert ticks >= 2, f"the loop ran {ticks} times during a {took:.3f} s render"
