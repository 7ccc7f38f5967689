"""Growth: the cost of an update with 100, 1,000 and 10,000 patients already stored.

    .venv/bin/python -m bench.growth [--sizes 100,1000,10000] [--patients 20] [--smoke]

For each size, a fresh SQLite database is filled in bulk with that many patients, each
with a whole intake's rows (answers, scores, episode, 15 reminders), as bench/reminders.py
seeds them (a few through the service, the rest copied). Then `--patients` new patients
run whole intakes through the real PTB Application against the fake Bot API, answering by
meaning (bench/conversations.py, without the rate limiter), and we report per size: CPU
milliseconds and SQL statements per update, updates a second and latency.

Timings move with the machine's load, so the run also checks what does not: every
distinct statement of the measured intakes is explained by SQLite (EXPLAIN QUERY PLAN) in
the filled database, and any step that reads a table growing with patients or answers
whole (a full scan, under its name or an alias) or through an index no owner's key
narrows (`status=?` alone: every patient's rows of that status) is listed under `scans`
(a lookup by the patient, chat or row costs the same at 100 or 10,000 patients; those
do not). The inbox worker's statements are counted apart: how often it claims follows
its timing; the conversation's own statements per update must be the same at every size.
Prints a JSON summary and writes bench/results/growth.json (`--smoke`: two
small sizes, nothing written; see bench/results.py).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.conversations import backpath
from bench.reminders import START, seed
from bench.results import add_output_arguments, write_results
from bot.clock import FrozenClock
from bot.config import Settings
from bot.runtime import build_runtime

SIZES = (100, 1000, 10_000)
INBOX = re.compile(r"\b(FROM|INTO|UPDATE) inbox\b")
ALIAS = re.compile(r"\b(\w+) AS (\w+)\b")
SEARCH_TERM = re.compile(r"\b(\w+)\s*[=<>]")  # the columns a SEARCH step is narrowed by
# Columns that narrow a search to one owner's rows (a patient, a chat, an update, a row),
# or to the window of rows the statement is there for (processed_at: the inbox's pending
# rows at start-up, the processed ones to prune).
KEYS = frozenset(
    {
        "rowid",
        "id",
        "patient_id",
        "response_id",
        "chat",
        "update_id",
        "external_id",
        "token",
        "processed_at",
    }
)
SMOKE_SIZES = (10, 40)
SMOKE_PATIENTS = 2
SEEDED_USERS = 5_000_000  # external ids of the stored patients (the intakes use 1000+)
# Tables whose rows grow with patients and their answers (a scan of these is a defect).
GROWING = frozenset(
    {
        "patients",
        "conversations",
        "responses",
        "answers",
        "scores",
        "episodes",
        "reminders",
        "red_flags",
        "advice_log",
        "sharing",
        "notifications",
        "outbox",
        "processed_updates",
        "inbox",
        "audit_log",
    }
)


@dataclass
class Recorder:
    """Counts the statements of the measured run and keeps one example of each."""

    on: bool = False
    count: int = 0
    inbox: int = 0  # of them, on the inbox: its claims follow the worker's timing
    examples: dict[str, Any] = field(default_factory=dict)

    def __call__(self, _c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not self.on:
            return
        self.count += 1
        self.inbox += bool(INBOX.search(statement))
        if isinstance(parameters, list):  # executemany: one parameter set plans it
            parameters = parameters[0]
        if statement.lstrip().split(" ", 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            self.examples.setdefault(statement, parameters)


def _grows(step: str, aliases: dict[str, str]) -> bool:
    """A plan step whose rows grow with what is stored: a full scan of a growing table, or
    a search of one through an index that no owner's key narrows (status=? alone reads
    every patient's rows of that status)."""
    words = step.split()
    if len(words) < 2 or words[0] not in ("SCAN", "SEARCH"):
        return False
    if aliases.get(words[1], words[1]) not in GROWING:
        return False
    if words[0] == "SCAN":
        return True
    narrowed = set(SEARCH_TERM.findall(step.partition("(")[2]))
    return not narrowed & KEYS


def scans(database: Path, examples: dict[str, Any]) -> list[dict[str, str]]:
    """Plan steps of the recorded statements that read more rows the more is stored."""
    found = []
    with sqlite3.connect(database) as connection:
        for statement, parameters in examples.items():
            plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            # a table read under another name ("FROM outbox AS later") is planned by it
            aliases = {alias: table for table, alias in ALIAS.findall(statement)}
            for row in plan:
                if _grows(str(row[-1]), aliases):
                    found.append({"sql": " ".join(statement.split())[:200], "plan": str(row[-1])})
    return found


async def one_size(stored: int, patients: int, recorder: Recorder) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        database = data / "backpath.db"
        url = f"sqlite+aiosqlite:///{database}"
        runtime = await build_runtime(
            Settings(_env_file=None, database_url=url, backpath_data_dir=data),
            FrozenClock(START),
        )
        try:
            _, setup = await seed(runtime, stored, min(4, stored), first_user=SEEDED_USERS)
        finally:
            await runtime.close()
        recorder.on, recorder.count, recorder.inbox, recorder.examples = True, 0, 0, {}
        try:
            run = await backpath(patients, url, data / "run", rate_limit=False)
        finally:
            recorder.on = False
        own = recorder.count - recorder.inbox
        return {
            "stored_patients": stored,
            "stored_rows": setup["bulk_rows"],
            "updates": run["updates"],
            "cpu_ms_per_update": run["cpu_ms_per_update"],
            "sql_statements_per_update": round(recorder.count / run["updates"], 2),
            "inbox_statements_per_update": round(recorder.inbox / run["updates"], 2),
            "own_statements_per_update": round(own / run["updates"], 2),
            "updates_per_second": run["updates_per_second"],
            "latency_ms_p50": run["latency_ms_p50"],
            "latency_ms_p95": run["latency_ms_p95"],
            "distinct_statements": len(recorder.examples),
            "scans": scans(database, recorder.examples),
        }


async def main(sizes: Sequence[int], patients: int) -> dict[str, Any]:
    recorder = Recorder()
    event.listen(Engine, "before_cursor_execute", recorder)
    results = [await one_size(size, patients, recorder) for size in sizes]
    first, last = results[0], results[-1]
    return {
        "patients_per_size": patients,
        "results": results,
        "cpu_per_update_largest_vs_smallest": round(
            last["cpu_ms_per_update"] / first["cpu_ms_per_update"], 2
        ),
        # the inbox worker claims as often as its timing makes it look (an empty claim is
        # an indexed lookup, checked by no_scans); every other statement is the
        # conversation's own and must not depend on what is stored
        "same_statements_per_update": len({r["own_statements_per_update"] for r in results}) == 1,
        "no_scans": not any(r["scans"] for r in results),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--patients", type=int, default=20)
    add_output_arguments(parser)
    args = parser.parse_args()
    sizes = SMOKE_SIZES if args.smoke else tuple(int(s) for s in args.sizes.split(","))
    patients = SMOKE_PATIENTS if args.smoke else args.patients
    summary = asyncio.run(main(sizes, patients))
    write_results("growth", summary, args)
