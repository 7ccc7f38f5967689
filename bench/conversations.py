"""Throughput and latency of whole conversations, against a minimal PTB echo bot and the
floor of the stack.

Every bot runs the real python-telegram-bot Application against the in-process fake Bot
API (tests/fake_bot_api.py), in the same run, so the comparison shows what BackPath's
engine, database transaction and rendering cost on top of PTB itself. The floor bot is the
echo bot plus what the stack charges for BackPath's work, whatever the code: per update,
one durable SQLite transaction through bot.store.Database with as many statements as
BackPath ran, and as many Bot API calls; BackPath's CPU over the floor's is what its own
code costs.

    .venv/bin/python -m bench.conversations [--patients 50] [--database-url URL] [--smoke]

BackPath is measured twice: as deployed (PTB's AIORateLimiter and the outbox sender's
limiter keep it within Telegram's ~30 calls a second, so throughput is capped by design)
and with both limiters off (what the engine, the database transactions, delivery and
rendering cost).

Each simulated patient sends /start and then answers whatever the bot asks, by meaning
(consent yes, no red flags, pain since today, back pain, a 7 on a 0-10 scale, else the first
button) until the bot stops asking, so the benchmark follows the intake as it changes. The
echo bot gets as many updates per patient. Figures: updates a second, CPU milliseconds per
update (this process: bot, fake API and patients together, the same for both bots), Bot API
calls per update, SQL statements and commits per update (BackPath) and latency percentiles.
Prints a JSON summary and writes it to bench/results/ (see bench/results.py).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bench.results import add_output_arguments, write_results
from bot.config import Settings
from bot.runtime import build_runtime
from bot.store import Database
from bot.telegram.app import build_application
from tests.fake_bot_api import Call, FakeBotApi, buttons_of

TOKEN = "123456:BENCH"


def _request(api: FakeBotApi) -> HTTPXRequest:
    return HTTPXRequest(httpx_kwargs={"transport": api}, read_timeout=5, connection_pool_size=64)


async def _drive(
    app: Application[Any, Any, Any, Any, Any, Any],
    driver: Patient,
    patient: Callable[[int], Awaitable[None]],
    patients: int,
) -> dict[str, float]:
    async def mark(update: object, _: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            driver.handled(update.update_id)

    app.add_handler(TypeHandler(Update, mark), group=1)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    # what earlier runs in this process left is no work of this one: the garbage collector
    # would otherwise scan it again and again, the more the later a bot runs
    gc.collect()
    gc.freeze()
    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(patient(1000 + i) for i in range(patients)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    return {"seconds": elapsed, "cpu_seconds": cpu}


# What a patient without red flags answers, by meaning (message ids of the button labels),
# in order of preference; anything else gets its first button. A 0-10 scale gets PAIN.
PREFERRED = (
    "onboarding.consent_yes",
    "answer.no",
    "episode.onset_today",
    "episode.pain_type_back",
)
PAIN = "7"
MENU = "menu.nrs"  # the main menu is back: the bot has nothing more to ask
SMOKE_PATIENTS = 3
MAX_UPDATES = 60  # a conversation that never ends means the benchmark no longer fits the bot


class Unlimited:
    """The outbox sender's limiter, off: the run measures the bot's own cost."""

    async def acquire(self, chat: str) -> None:
        return None


class Counts:
    """SQL statements and commits the bot's database engine runs."""

    def __init__(self) -> None:
        self.statements = self.commits = 0

    def listen(self, engine: Any) -> None:
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def _commit(self, *_: Any) -> None:
        self.commits += 1


class Patient:
    """Sends one update at a time and waits until the bot has handled it.

    Each waits on an event of its own update, set when the bot's last handler ran: the
    fake API's `wait_for` wakes every waiter at every call, which with 50 patients cost
    the harness more CPU than the echo bot itself."""

    def __init__(self, api: FakeBotApi, latencies: list[float]) -> None:
        self.api, self.latencies = api, latencies
        self._waiting: dict[int, asyncio.Event] = {}

    def handled(self, update_id: int) -> None:
        event = self._waiting.get(update_id)
        if event is not None:
            event.set()

    async def _timed(self, update: dict[str, Any]) -> None:
        start = time.perf_counter()
        update["update_id"] = uid = self.api.new_update_id()
        done = self._waiting[uid] = asyncio.Event()
        await self.api.push(update)
        await asyncio.wait_for(done.wait(), 60)
        del self._waiting[uid]
        self.latencies.append(time.perf_counter() - start)

    async def say(self, user: int, text: str) -> None:
        await self._timed(self.api.text_update(user, text, "nl"))

    async def tap(self, user: int, label: str) -> None:
        message = self.api.last_message(user)
        await self._timed(self.api.tap_update(user, message, dict(buttons_of(message))[label]))


def choose(labels: list[str], preferred: list[str]) -> str:
    """The button a patient without red flags taps: by meaning, not by position."""
    for label in preferred:
        if label in labels:
            return label
    return PAIN if PAIN in labels else labels[0]


async def intake(driver: Patient, user: int, preferred: list[str], menu: str) -> None:
    """/start, then answer whatever is asked until the bot offers its menu."""
    await driver.say(user, "/start")
    for _ in range(MAX_UPDATES):
        labels = [label for label, _ in buttons_of(driver.api.last_message(user))]
        if not labels or menu in labels:
            return
        await driver.tap(user, choose(labels, preferred))
    raise RuntimeError(f"patient {user}: still asked after {MAX_UPDATES} answers")


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
    if not rate_limit:
        runtime.limiter = Unlimited()
    counts = Counts()
    counts.listen(runtime.db.engine.sync_engine)
    app = build_application(settings, runtime=runtime, request=_request(api), rate_limit=rate_limit)
    latencies: list[float] = []
    driver = Patient(api, latencies)
    preferred = [runtime.catalogs.message("nl", msgid) for msgid in PREFERRED]
    menu = runtime.catalogs.message("nl", MENU)

    async def conversation(user: int) -> None:
        await intake(driver, user, preferred, menu)

    result = await _drive(app, driver, conversation, patients)
    await runtime.close()
    name = "backpath" if rate_limit else "backpath_without_rate_limiter"
    summary = _summary(name, result, latencies, api.calls)
    summary["sql_statements_per_update"] = round(counts.statements / len(latencies), 2)
    summary["commits_per_update"] = round(counts.commits / len(latencies), 2)
    return summary


async def _bare(
    name: str,
    patients: int,
    updates_each: int,
    answer: Callable[[int, ContextTypes.DEFAULT_TYPE], Awaitable[None]],
) -> dict[str, Any]:
    """A bare PTB bot that answers every text update with `answer(chat, context)`."""
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
            await answer(update.effective_chat.id, context)

    app.add_handler(TypeHandler(Update, reply))
    latencies: list[float] = []
    driver = Patient(api, latencies)

    async def conversation(user: int) -> None:
        for _ in range(updates_each):
            await driver.say(user, "hallo")

    result = await _drive(app, driver, conversation, patients)
    return _summary(name, result, latencies, api.calls)


async def echo(patients: int, updates_each: int) -> dict[str, Any]:
    """A minimal PTB bot answering every update with one message: PTB's own cost."""

    async def one_message(chat: int, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(chat, "ok")

    return await _bare("ptb_echo", patients, updates_each, one_message)


async def floor(
    patients: int, updates_each: int, data: Path, statements: int, calls: int
) -> dict[str, Any]:
    """The floor of the stack: the bare bot with, per update, one durable transaction of
    `statements` small indexed statements on SQLite through bot.store.Database (SQLAlchemy
    async, WAL, synchronous=FULL: the same engine, driver and pragmas as BackPath), half of
    them inserts, then `calls` messages. No engine, no rendering, no outbox: what any bot
    on this stack pays for BackPath's statements and calls, whatever it does with them."""
    db = Database(f"sqlite+aiosqlite:///{data / 'floor.db'}")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, chat INTEGER)"))
        await session.execute(text("CREATE INDEX ix_notes_chat ON notes (chat)"))
    add = text("INSERT INTO notes (chat) VALUES (:chat)")
    count = text("SELECT count(*) FROM notes WHERE chat = :chat")

    async def stored_then_sent(chat: int, context: ContextTypes.DEFAULT_TYPE) -> None:
        async with db.transaction() as session:
            for number in range(statements):
                await session.execute(add if number % 2 else count, {"chat": chat})
        for _ in range(calls):
            await context.bot.send_message(chat, "ok")

    try:
        return await _bare("ptb_floor", patients, updates_each, stored_then_sent)
    finally:
        await db.dispose()


def _summary(
    name: str, run: dict[str, float], latencies: list[float], calls: list[Call]
) -> dict[str, Any]:
    ordered = sorted(latencies)
    api_calls = sum(1 for c in calls if c.method not in ("getUpdates", "getMe"))
    return {
        "bot": name,
        "updates": len(latencies),
        "seconds": round(run["seconds"], 3),
        "updates_per_second": round(len(latencies) / run["seconds"], 1),
        "cpu_ms_per_update": round(1000 * run["cpu_seconds"] / len(latencies), 3),
        "bot_api_calls_per_update": round(api_calls / len(latencies), 2),
        "latency_ms_p50": round(1000 * statistics.median(ordered), 2),
        "latency_ms_p95": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


async def main(patients: int, database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        limited = await backpath(patients, database_url, Path(first), rate_limit=True)
        own_cost = await backpath(patients, database_url, Path(second), rate_limit=False)
    each = own_cost["updates"] // patients
    baseline = await echo(patients, each)
    with tempfile.TemporaryDirectory() as third:
        stack = await floor(
            patients,
            each,
            Path(third),
            statements=round(own_cost["sql_statements_per_update"]),
            calls=round(own_cost["bot_api_calls_per_update"]),
        )
    return {
        "patients": patients,
        "results": [limited, own_cost, baseline, stack],
        "cpu_per_update_vs_echo": round(
            own_cost["cpu_ms_per_update"] / baseline["cpu_ms_per_update"], 2
        ),
        "updates_per_second_vs_echo": round(
            own_cost["updates_per_second"] / baseline["updates_per_second"], 3
        ),
        "floor_cpu_per_update_vs_echo": round(
            stack["cpu_ms_per_update"] / baseline["cpu_ms_per_update"], 2
        ),
        "cpu_per_update_vs_floor": round(
            own_cost["cpu_ms_per_update"] / stack["cpu_ms_per_update"], 2
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    add_output_arguments(parser)
    args = parser.parse_args()
    summary = asyncio.run(main(SMOKE_PATIENTS if args.smoke else args.patients, args.database_url))
    write_results("conversations", summary, args)
