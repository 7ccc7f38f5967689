"""Throughput and latency of whole conversations, against a minimal PTB echo bot.

Both bots run the real python-telegram-bot Application against the in-process fake Bot
API (tests/fake_bot_api.py), in the same run, so the comparison shows what BackPath's
engine, database transaction and rendering cost on top of PTB itself.

    .venv/bin/python -m bench.conversations [--patients 40] [--database-url URL]

BackPath is measured twice: as deployed (AIORateLimiter keeps it within Telegram's ~30
calls a second, so throughput is capped by design) and without the limiter (what the
engine, the database transaction and rendering cost).

Each simulated patient sends /start, gives consent, answers the nine red-flag questions
and the pain score (12 updates). Prints a JSON summary and writes it to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.runtime import build_runtime
from bot.telegram.app import build_application
from tests.fake_bot_api import FakeBotApi, buttons_of

TOKEN = "123456:BENCH"
RESULTS = Path(__file__).with_name("results")


def _request(api: FakeBotApi) -> HTTPXRequest:
    return HTTPXRequest(httpx_kwargs={"transport": api}, read_timeout=5, connection_pool_size=64)


async def _drive(
    app: Application[Any, Any, Any, Any, Any, Any],
    api: FakeBotApi,
    patient: Callable[[int], Awaitable[None]],
    patients: int,
) -> dict[str, float]:
    async def mark(update: object, _: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            await api.mark_handled(update.update_id)

    app.add_handler(TypeHandler(Update, mark), group=1)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    started = time.perf_counter()
    await asyncio.gather(*(patient(1000 + i) for i in range(patients)))
    elapsed = time.perf_counter() - started
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    return {"seconds": elapsed}


class Patient:
    """Sends one update at a time and waits until the bot has handled it."""

    def __init__(self, api: FakeBotApi, latencies: list[float]) -> None:
        self.api, self.latencies = api, latencies

    async def _timed(self, update_id: Awaitable[int]) -> None:
        start = time.perf_counter()
        uid = await update_id
        await self.api.wait_for(lambda _: self.api.handled[uid] >= self.api.pushed[uid], 60)
        self.latencies.append(time.perf_counter() - start)

    async def say(self, user: int, text: str) -> None:
        await self._timed(self.api.send_text(user, text, "nl"))

    async def tap(self, user: int, label: str) -> None:
        message = self.api.last_message(user)
        await self._timed(self.api.tap(user, message, dict(buttons_of(message))[label], "nl"))


async def backpath(
    patients: int, database_url: str | None, data: Path, rate_limit: bool
) -> dict[str, Any]:
    api = FakeBotApi()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,  # type: ignore[call-arg]
        telegram_api_base_url="http://fake/bot",
        database_url=database_url,
        backpath_data_dir=data,
    )
    runtime = await build_runtime(settings)
    app = build_application(settings, runtime=runtime, request=_request(api), rate_limit=rate_limit)
    latencies: list[float] = []
    driver = Patient(api, latencies)

    async def conversation(user: int) -> None:
        await driver.say(user, "/start")
        await driver.tap(user, "Ja, ik ga akkoord")
        for _ in range(9):
            await driver.tap(user, "Nee")
        await driver.tap(user, "7")

    result = await _drive(app, api, conversation, patients)
    await runtime.close()
    name = "backpath" if rate_limit else "backpath_without_rate_limiter"
    return _summary(name, result["seconds"], latencies)


async def echo(patients: int) -> dict[str, Any]:
    api = FakeBotApi()
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url("http://fake/bot")
        .request(_request(api))
        .get_updates_request(_request(api))
        .concurrent_updates(64)
        .build()
    )

    async def reply(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, "ok")

    app.add_handler(TypeHandler(Update, reply))
    latencies: list[float] = []
    driver = Patient(api, latencies)

    async def conversation(user: int) -> None:
        for _ in range(12):
            await driver.say(user, "hallo")

    result = await _drive(app, api, conversation, patients)
    return _summary("ptb_echo", result["seconds"], latencies)


def _summary(name: str, seconds: float, latencies: list[float]) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "bot": name,
        "updates": len(latencies),
        "seconds": round(seconds, 3),
        "updates_per_second": round(len(latencies) / seconds, 1),
        "latency_ms_p50": round(1000 * statistics.median(ordered), 2),
        "latency_ms_p95": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


async def main(patients: int, database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        limited = await backpath(patients, database_url, Path(first), rate_limit=True)
        own_cost = await backpath(patients, database_url, Path(second), rate_limit=False)
    baseline = await echo(patients)
    slowdown = baseline["updates_per_second"] / own_cost["updates_per_second"]
    return {
        "patients": patients,
        "results": [limited, own_cost, baseline],
        "slowdown_vs_echo_without_rate_limiter": round(slowdown, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=40)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    summary = asyncio.run(main(args.patients, args.database_url))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "conversations.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
