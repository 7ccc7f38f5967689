"""Reminder dispatch at scale: N patients, each with one due check-in reminder.

    .venv/bin/python -m bench.reminders [--patients 1000] [--database-url URL]
                                        [--service-patients 4] [--reset]
                                        [--send-rate 30] [--concurrency 8]

How the patients are made. A handful (--service-patients, default 4, alternately Dutch
and French) go through the real service path, as tests/followup_helpers.py does: /start,
consent, no red flags, an episode 1-2 weeks ago, NRS 7, then the COMI baseline is
cancelled; `only_checkins` then cancels their non-check-in moments, so at the first
check-in's due time each has exactly one due reminder. The other patients are copies
of these templates, inserted with SQLAlchemy Core in bulk: every row the service wrote
for a template (patients, conversations, episodes, responses, answers, scores and all
15 reminder rows, cancelled and future ones included) is read back from the database
and inserted again with new ids and the foreign keys remapped; only the patient's
external id changes. Any other table holding rows of a template stops the benchmark,
so nothing the service wrote is silently left out. On PostgreSQL the tables are
ANALYZEd after the load (a production database has statistics).

What is measured. The FrozenClock is set to the check-in's due time and `dispatch_due`
runs with a sender that renders the replies as the Telegram sender does and counts
them per patient (no network), paced by the bot's own limiter at --send-rate
(BACKPATH_SEND_RATE; on PostgreSQL the shared limiter, one slot statement a call) with
--concurrency chats at once (BACKPATH_REMINDER_CONCURRENCY). The dispatch is repeated
until a pass sends nothing: the time of the passes that sent is the dispatch time
(reminders, messages and Bot API calls a second over it, with the calls of the busiest
second: the rate is to be reached, never exceeded, and the process's CPU time per
reminder); the last, empty pass is reported on its own as the cost of an idle run.
Statements are counted and timed through the engine's cursor events. Peak memory
(tracemalloc) comes from a second, identical run (fresh data), because tracemalloc
slows Python down; its time is reported too.

Sent exactly once means: every patient got exactly one check-in intro, each chat's
messages in the order they were queued, the passes together sent N, the pass after
them sent nothing, and the database has N check-ins sent with one attempt and none
still due.

The database must be empty (a fresh SQLite file in a temporary directory by default).
A PostgreSQL URL must name a dedicated database: its patients and outbox are deleted
after each run, and --reset deletes them before the first (a run that crashed leaves
them).

Prints a JSON summary and writes it to bench/results/reminders.json (`--smoke`: 20
patients, nothing written; see bench/results.py).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import tempfile
import time
import tracemalloc
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, event, func, insert, select, text
from sqlalchemy.engine import make_url

from bench.results import add_output_arguments, write_results
from bot.clock import FrozenClock
from bot.config import Settings
from bot.delivery.outbox import Message
from bot.engine.model import Language
from bot.i18n import Catalogs
from bot.runtime import Runtime, build_runtime
from bot.scheduler.claims import BATCH
from bot.scheduler.dispatch import DispatchReport, dispatch_due
from bot.service import Attachment
from bot.store.models import Base, OutboxMessage, Patient, Reminder
from tests.followup_helpers import CHANNEL, ServicePatient, only_checkins

SMOKE_PATIENTS = 20
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, as in the tests
FIRST_USER = 1000
CHUNK = 2000  # patients per bulk transaction

TABLES = Base.metadata.tables
PATIENTS, RESPONSES, REMINDERS = TABLES["patients"], TABLES["responses"], TABLES["reminders"]
# What the bulk load copies, parents first: table -> {column: table its ids come from}.
# The first column names the owner (the template rows are those it points at).
COPIED: dict[Table, dict[str, Table]] = {
    PATIENTS: {"id": PATIENTS},
    TABLES["conversations"]: {"patient_id": PATIENTS},
    TABLES["episodes"]: {"patient_id": PATIENTS},
    RESPONSES: {"patient_id": PATIENTS},
    TABLES["answers"]: {"response_id": RESPONSES},
    TABLES["scores"]: {"response_id": RESPONSES},
    REMINDERS: {"patient_id": PATIENTS, "episode_id": TABLES["episodes"]},
}


@dataclass(frozen=True)
class Pace:
    send_rate: float  # BACKPATH_SEND_RATE
    concurrency: int  # BACKPATH_REMINDER_CONCURRENCY


def _settings(database_url: str, data: Path, pace: Pace) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        backpath_data_dir=data,
        backpath_send_rate=pace.send_rate,
        backpath_reminder_concurrency=pace.concurrency,
    )


def _users(patients: int, first: int = FIRST_USER) -> list[str]:
    return [str(first + i) for i in range(patients)]


# --- the sender -----------------------------------------------------------------------


@dataclass
class CountingSender:
    """A transport that takes the rendered outbox messages and counts each patient's
    check-in intros, when each message went and whether a chat's messages came in the
    order they were queued; no network."""

    catalogs: Catalogs
    calls: Counter[str] = field(default_factory=Counter)  # check-in intros per user
    first_keys: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    api_calls: int = 0  # messages and keyboard removals: each counts against the send rate
    last_second: deque[float] = field(default_factory=deque)  # perf_counter of its calls
    busiest_second: int = 0  # the most calls made within one second
    last_row: dict[str, int] = field(default_factory=dict)  # chat -> last outbox id sent
    out_of_order: int = 0

    def _call(self) -> None:
        now = time.perf_counter()
        self.api_calls += 1
        self.last_second.append(now)
        while now - self.last_second[0] >= 1.0:
            self.last_second.popleft()
        self.busiest_second = max(self.busiest_second, len(self.last_second))

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        self.messages += 1
        self._call()
        self.out_of_order += message.id <= self.last_row.get(message.chat, 0)
        self.last_row[message.chat] = message.id
        if message.rendered.text == self.catalogs.message(message.language, "reminder.checkin"):
            self.calls[message.chat] += 1
            self.first_keys["reminder.checkin"] += 1
        return self.messages

    async def remove_keyboard(self, chat: str, message_id: int, /) -> None:
        """No screen to clear (a call all the same)."""
        self._call()


# --- statement timing -----------------------------------------------------------------


@dataclass
class Statements:
    """Count and time every statement the engine runs while `on`."""

    on: bool = False
    count: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    _started: list[float] = field(default_factory=list)

    def attach(self, runtime: Runtime) -> None:
        engine = runtime.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        if self.on:
            self._started.append(time.perf_counter())

    def _after(self, _conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if self.on and self._started:
            key = " ".join(statement.split())
            self.count[key] += 1
            elapsed = time.perf_counter() - self._started.pop()
            self.seconds[key] = self.seconds.get(key, 0.0) + elapsed

    def summary(self, reminders: int, top: int = 6) -> dict[str, Any]:
        total = sum(self.count.values())
        return {
            "statements": total,
            "statements_per_reminder": round(total / max(reminders, 1), 1),
            "sql_seconds": round(sum(self.seconds.values()), 3),
            "slowest_statements": [
                {
                    "sql": sql if len(sql) <= 240 else sql[:237] + "...",
                    "count": self.count[sql],
                    "total_ms": round(1000 * seconds, 1),
                    "mean_ms": round(1000 * seconds / self.count[sql], 3),
                }
                for sql, seconds in sorted(self.seconds.items(), key=lambda kv: -kv[1])[:top]
            ],
        }


# --- seeding ----------------------------------------------------------------------------


@dataclass
class Template:
    """Every row the service wrote for one patient, by table."""

    rows: dict[Table, list[dict[str, Any]]]


async def _count(runtime: Runtime, table: Table) -> int:
    async with runtime.db.session() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def _read_templates(runtime: Runtime, patient_ids: Sequence[int]) -> list[Template]:
    templates = []
    async with runtime.db.session() as session:
        for pid in patient_ids:
            rows: dict[Table, list[dict[str, Any]]] = {}
            for table, refs in COPIED.items():
                owner, parent = next(iter(refs.items()))
                ids = [pid] if parent is PATIENTS else [r["id"] for r in rows[parent]]
                query = select(table).where(table.c[owner].in_(ids))
                if "id" in table.c:
                    query = query.order_by(table.c.id)
                rows[table] = [dict(r._mapping) for r in await session.execute(query)]
            templates.append(Template(rows))
        # Nothing else of these patients may exist, or the copies would lack it.
        for table in Base.metadata.sorted_tables:
            if table in COPIED or "patient_id" not in table.c:
                continue
            query = select(func.count()).select_from(table)
            found = (
                await session.execute(query.where(table.c.patient_id.in_(patient_ids)))
            ).scalar()
            if found:
                raise SystemExit(f"the template patients have {found} rows in {table.name}")
    return templates


def _due_time(templates: list[Template]) -> datetime:
    """The first check-in's due time; each template must have exactly that one due then."""
    table = REMINDERS
    firsts = set()
    for t in templates:
        planned = [r for r in t.rows[table] if r["status"] == "planned"]
        firsts.add(min(r["due_at"] for r in planned if r["kind"] == "checkin"))
    if len(firsts) != 1:
        raise SystemExit(f"the templates' first check-ins differ: {sorted(firsts)}")
    due = firsts.pop()
    for t in templates:
        now_due = [r for r in t.rows[table] if r["status"] == "planned" and r["due_at"] <= due]
        if [r["kind"] for r in now_due] != ["checkin"]:
            raise SystemExit(f"a template has {len(now_due)} reminders due at {due}, not one")
    return due


async def _bulk_copy(
    runtime: Runtime, templates: list[Template], users: Sequence[str]
) -> Counter[str]:
    """Insert copies of the templates (round robin) for `users`, CHUNK patients at a time."""
    inserted: Counter[str] = Counter()
    for begin in range(0, len(users), CHUNK):
        chunk = users[begin : begin + CHUNK]
        ids: dict[tuple[int, Table, int], int] = {}  # (patient, table, template id) -> new id
        async with runtime.db.transaction() as session:
            for table, refs in COPIED.items():
                values: list[dict[str, Any]] = []
                owners: list[tuple[int, int]] = []
                for j, user in enumerate(chunk):
                    for row in templates[(begin + j) % len(templates)].rows[table]:
                        copy = dict(row)
                        for column, parent in refs.items():
                            if column != "id" and copy[column] is not None:
                                copy[column] = ids[(j, parent, copy[column])]
                        if table is PATIENTS:
                            if copy["ref"] is not None:
                                raise SystemExit("templates with a ref (unique) cannot be copied")
                            copy["external_id"] = user
                        if "id" in table.c:
                            owners.append((j, copy.pop("id")))
                        values.append(copy)
                if not values:
                    continue
                if "id" in table.c:
                    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                    new_ids = (await session.execute(stmt, values)).scalars().all()
                    for (j, old), new in zip(owners, new_ids, strict=True):
                        ids[(j, table, old)] = new
                else:
                    await session.execute(insert(table), values)
                inserted[table.name] += len(values)
    return inserted


async def seed(
    runtime: Runtime, patients: int, service_patients: int, first_user: int = FIRST_USER
) -> tuple[datetime, dict[str, Any]]:
    """Make the patients; returns the check-in's due time and what the setup did."""
    users = _users(patients, first_user)
    handful = min(service_patients, patients)
    started = time.perf_counter()
    for i, user in enumerate(users[:handful]):
        language: Language = "nl" if i % 2 == 0 else "fr"
        await ServicePatient(runtime, user=user, language=language).onboard_with_episode()
    await only_checkins(runtime)
    service_seconds = time.perf_counter() - started
    async with runtime.db.session() as session:
        query = select(Patient.id).where(Patient.external_id.in_(users[:handful]))
        template_ids = list((await session.execute(query.order_by(Patient.id))).scalars())
    templates = await _read_templates(runtime, template_ids)
    due = _due_time(templates)
    started = time.perf_counter()
    inserted = await _bulk_copy(runtime, templates, users[handful:])
    bulk_seconds = time.perf_counter() - started
    if not runtime.db.is_sqlite:
        async with runtime.db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))
    return due, {
        "service_patients": handful,
        "service_seconds": round(service_seconds, 3),
        "bulk_patients": patients - handful,
        "bulk_seconds": round(bulk_seconds, 3),
        "bulk_rows": dict(inserted),
        "reminder_rows": await _count(runtime, REMINDERS),
    }


# --- dispatch ---------------------------------------------------------------------------


@dataclass
class Dispatched:
    seconds: float
    cpu_seconds: float  # this process's CPU time in the passes that sent
    passes: list[tuple[float, DispatchReport]]
    idle: tuple[float, DispatchReport]
    sender: CountingSender


async def dispatch_all(
    runtime: Runtime, clock: FrozenClock, due: datetime, patients: int
) -> Dispatched:
    """Passes until one sends nothing (the last, empty pass is kept apart)."""
    clock.set(due)
    counting = CountingSender(runtime.catalogs)
    sender = runtime.sender(counting)
    passes: list[tuple[float, DispatchReport]] = []
    limit = math.ceil(patients / BATCH) + 3
    cpu = 0.0
    while True:
        t0, cpu0 = time.perf_counter(), time.process_time()
        report = await dispatch_due(runtime, sender, CHANNEL)
        seconds = time.perf_counter() - t0
        if not report.sent or len(passes) >= limit:
            total = sum(s for s, _ in passes)
            return Dispatched(total, cpu, passes, (seconds, report), counting)
        cpu += time.process_time() - cpu0
        passes.append((seconds, report))


async def exactly_once(
    runtime: Runtime, dispatched: Dispatched, due: datetime, patients: int
) -> dict[str, bool]:
    users = set(_users(patients))
    calls = dispatched.sender.calls
    async with runtime.db.session() as session:
        sent = select(func.count()).where(
            Reminder.kind == "checkin", Reminder.status == "sent", Reminder.attempts == 1
        )
        still_due = select(func.count()).where(
            Reminder.status.in_(("planned", "sending")), Reminder.due_at <= due
        )
        rows_sent = (await session.execute(sent)).scalar_one()
        rows_due = (await session.execute(still_due)).scalar_one()
    idle = dispatched.idle[1]
    return {
        "every_patient_once": set(calls) == users and set(calls.values()) == {1},
        "each_chat_in_order": dispatched.sender.out_of_order == 0,
        "all_check_in_intros": dict(dispatched.sender.first_keys) == {"reminder.checkin": patients},
        "passes_sent_n": sum(r.sent for _, r in dispatched.passes) == patients,
        "next_pass_sent_nothing": not idle,
        "rows_sent_once": rows_sent == patients and rows_due == 0,
    }


def _pass_summary(passes: list[tuple[float, DispatchReport]]) -> dict[str, Any]:
    seconds = [s for s, _ in passes] or [0.0]
    return {
        "count": len(passes),
        "sent_per_pass": [r.sent for _, r in passes][:3] + (["..."] if len(passes) > 3 else []),
        "first_seconds": round(seconds[0], 3),
        "median_seconds": round(statistics.median(seconds), 3),
        "max_seconds": round(max(seconds), 3),
        "last_seconds": round(seconds[-1], 3),
    }


# --- runs -------------------------------------------------------------------------------


@contextmanager
def _database(database_url: str | None) -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory() as data:
        path = Path(data)
        yield database_url or f"sqlite+aiosqlite:///{path / 'backpath.db'}", path


async def _delete_patients(runtime: Runtime) -> None:
    """The patients with their rows, and the outbox, which is kept by chat (the next
    run's chats would find this run's live keyboards and remove them: more calls)."""
    async with runtime.db.transaction() as session:
        await session.execute(delete(Patient))
        await session.execute(delete(OutboxMessage))


async def _empty_or_reset(runtime: Runtime, reset: bool) -> None:
    if reset:
        await _delete_patients(runtime)
    found = await _count(runtime, PATIENTS)
    if found:
        raise SystemExit(
            f"the database already has {found} patients; give a dedicated, empty database "
            "(--reset deletes its patients first)"
        )


async def run(
    database_url: str | None,
    patients: int,
    service_patients: int,
    pace: Pace,
    reset: bool,
    trace_memory: bool,
) -> dict[str, Any]:
    with _database(database_url) as (url, data):
        clock = FrozenClock(START)
        runtime = await build_runtime(_settings(url, data, pace), clock)
        try:
            await _empty_or_reset(runtime, reset)
            due, setup = await seed(runtime, patients, service_patients)
            statements = Statements()
            statements.attach(runtime)
            if trace_memory:
                tracemalloc.start()
            statements.on = not trace_memory
            dispatched = await dispatch_all(runtime, clock, due, patients)
            statements.on = False
            peak = tracemalloc.get_traced_memory()[1] if trace_memory else 0
            if trace_memory:
                tracemalloc.stop()
            checks = await exactly_once(runtime, dispatched, due, patients)
            if database_url is not None:  # leave the dedicated database empty
                await _delete_patients(runtime)
        finally:
            await runtime.close()
    sent = sum(r.sent for _, r in dispatched.passes)
    per_second = 1 / dispatched.seconds if dispatched.seconds else 0.0
    messages = dispatched.sender.messages
    return {
        "due_at": due.isoformat(),
        "setup": setup,
        "seconds": round(dispatched.seconds, 3),
        "reminders_sent": sent,
        "reminders_per_second": round(sent * per_second, 1),
        "messages_rendered": messages,
        "messages_per_second": round(messages * per_second, 2),
        "calls_per_second": round(dispatched.sender.api_calls * per_second, 2),
        "calls_per_second_vs_send_rate": round(
            dispatched.sender.api_calls * per_second / pace.send_rate, 3
        ),
        "busiest_second_calls": dispatched.sender.busiest_second,
        "cpu_ms_per_reminder": round(1000 * dispatched.cpu_seconds / max(sent, 1), 2),
        "passes": _pass_summary(dispatched.passes),
        "idle_pass_seconds": round(dispatched.idle[0], 3),
        "peak_memory_mib": round(peak / 2**20, 2),
        "statements": statements.summary(sent),
        "checks": checks,
    }


async def main(
    patients: int, database_url: str | None, service_patients: int, pace: Pace, reset: bool
) -> dict[str, Any]:
    timed = await run(database_url, patients, service_patients, pace, reset, trace_memory=False)
    traced = await run(database_url, patients, service_patients, pace, False, trace_memory=True)
    backend = make_url(database_url).get_backend_name() if database_url else "sqlite"
    return {
        "patients": patients,
        "database": backend,
        "send_rate": pace.send_rate,
        "concurrency": pace.concurrency,
        "batch_per_page": BATCH,
        "setup": timed["setup"],
        "dispatch": {
            key: timed[key]
            for key in (
                "due_at",
                "seconds",
                "reminders_sent",
                "reminders_per_second",
                "messages_rendered",
                "messages_per_second",
                "calls_per_second",
                "calls_per_second_vs_send_rate",
                "busiest_second_calls",
                "cpu_ms_per_reminder",
                "passes",
                "idle_pass_seconds",
            )
        },
        "sql": timed["statements"],
        "memory": {
            "peak_mib": traced["peak_memory_mib"],
            "seconds_under_tracemalloc": traced["seconds"],
        },
        "sent_exactly_once": all(timed["checks"].values()) and all(traced["checks"].values()),
        "checks": timed["checks"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: a fresh SQLite file; PostgreSQL: a dedicated database (it is emptied)",
    )
    parser.add_argument(
        "--service-patients",
        type=int,
        default=4,
        help="patients made through the service; the rest are bulk copies of them",
    )
    parser.add_argument(
        "--reset", action="store_true", help="delete the database's patients before the run"
    )
    defaults = Settings(_env_file=None)
    parser.add_argument(
        "--send-rate",
        type=float,
        default=defaults.backpath_send_rate,
        help="Bot API sends a second (BACKPATH_SEND_RATE)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=defaults.backpath_reminder_concurrency,
        help="chats dispatched at once (BACKPATH_REMINDER_CONCURRENCY)",
    )
    add_output_arguments(parser)
    args = parser.parse_args()
    if args.patients < 1 or args.service_patients < 1 or args.concurrency < 1:
        parser.error("--patients, --service-patients and --concurrency must be at least 1")
    if args.send_rate <= 0:
        parser.error("--send-rate must be positive")
    patients, service = (
        (SMOKE_PATIENTS, 2) if args.smoke else (args.patients, args.service_patients)
    )
    pace = Pace(args.send_rate, args.concurrency)
    summary = asyncio.run(main(patients, args.database_url, service, pace, args.reset))
    # one file a database, so a PostgreSQL run does not replace the SQLite figures
    database = summary["database"]
    write_results("reminders" if database == "sqlite" else f"reminders-{database}", summary, args)
    if not summary["sent_exactly_once"]:
        raise SystemExit("reminders were not sent exactly once")
