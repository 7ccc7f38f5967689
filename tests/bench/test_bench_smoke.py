"""Every benchmark runs in CI in its small smoke mode, so a benchmark that no longer fits the
bot fails the build instead of rotting (bench/README in the main README's Benchmarks section).

Each runs as a user would start it (`python -m bench.<name> --smoke --out DIR`), in a fresh
process, and its JSON result is checked for what the benchmark is there to show.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.config import PROJECT_ROOT


def _run(name: str, out: Path, *extra: str, file: str | None = None) -> dict[str, Any]:
    """Run bench.<name>; its result is out/<file or name>.json."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", "--smoke", "--out", str(out), *extra],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads((out / f"{file or name}.json").read_text())
    assert result["smoke"] is True
    assert result["commit"] and result["machine"]["cpus"]
    return result


def test_conversations_benchmark_runs_whole_intakes(tmp_path: Path) -> None:
    result = _run("conversations", tmp_path)
    bots = {r["bot"]: r for r in result["results"]}
    patients = result["patients"]
    own = bots["backpath_without_rate_limiter"]
    # Whole intakes: consent, the red-flag screen, the episode, scores (well over 12 updates).
    assert own["updates"] >= 15 * patients
    assert bots["ptb_echo"]["updates"] == own["updates"]
    assert own["cpu_ms_per_update"] > 0 and own["latency_ms_p95"] >= own["latency_ms_p50"]
    assert result["cpu_per_update_vs_echo"] > 0
    # the floor: as many updates, BackPath's Bot API calls per update (rounded; PTB's
    # deleteWebhook at the start of polling is counted too)
    stack = bots["ptb_floor"]
    assert stack["updates"] == own["updates"]
    calls = round(own["bot_api_calls_per_update"])
    assert stack["bot_api_calls_per_update"] == pytest.approx(calls, abs=0.05)
    assert result["cpu_per_update_vs_floor"] > 0


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_reminders_benchmark_sends_each_reminder_once(
    tmp_path: Path, database: str, request: pytest.FixtureRequest
) -> None:
    extra: tuple[str, ...] = ()
    file = "reminders"
    if database == "postgres":
        extra = ("--database-url", request.getfixturevalue("pg_database"), "--reset")
        file = "reminders-postgresql"  # next to the SQLite run's, not over it
    result = _run("reminders", tmp_path, *extra, file=file)
    assert result["sent_exactly_once"] is True
    assert result["dispatch"]["reminders_sent"] == result["patients"]


def test_growth_benchmark_finds_no_scans_of_growing_tables(tmp_path: Path) -> None:
    result = _run("growth", tmp_path)
    sizes = [r["stored_patients"] for r in result["results"]]
    assert len(sizes) >= 2 and sizes == sorted(sizes)
    for size in result["results"]:
        assert size["updates"] >= 15 * result["patients_per_size"]
        assert size["distinct_statements"] > 0
    # the same conversation costs the same statements whatever is stored, all by index
    assert result["same_statements_per_update"] is True
    assert result["no_scans"] is True, result["results"]
