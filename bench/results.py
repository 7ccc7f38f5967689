"""Where benchmark results go, and what they say about the run that made them.

A full run writes `bench/results/<name>.json`: the figures plus the machine, the Python and
library versions and the git commit, so a figure quoted in the README can be traced to the
code and the machine it came from. `--smoke` runs a benchmark small (CI does, through
tests/bench/) and writes nothing unless `--out` names a folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results")
LIBRARIES = ("python-telegram-bot", "sqlalchemy", "aiosqlite", "asyncpg", "babel", "pydantic")


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--smoke", action="store_true", help="a small run that checks the benchmark still works"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help=f"folder for the JSON result (default: {RESULTS})"
    )


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


# read when the benchmark starts: the code it runs is the code of that moment, even if the
# checkout moves during a long run
COMMIT = _commit()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def run_metadata() -> dict[str, Any]:
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": COMMIT,
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "python": platform.python_version(),
        "libraries": {name: _version(name) for name in LIBRARIES},
    }


def write_results(name: str, summary: dict[str, Any], args: argparse.Namespace) -> Path | None:
    """Print the summary with its metadata; write it unless this is a smoke run without --out."""
    document = {"benchmark": name, "smoke": bool(args.smoke), **run_metadata(), **summary}
    text = json.dumps(document, indent=2)
    print(text)
    folder: Path | None = args.out or (None if args.smoke else RESULTS)
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(text + "\n")
    return path
