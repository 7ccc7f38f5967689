"""The `backpath` command: run | chat | migrate | score, and for clinics: clinic | clinician |
invite | report | export."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings
from bot.files import UMASK
from bot.logging_setup import configure_logging
from bot.store.errors import StartupError


def _settings(db_path: str | None = None) -> Settings:
    settings = Settings()
    if db_path:
        settings = settings.model_copy(
            update={"database_url": f"sqlite+aiosqlite:///{Path(db_path).resolve()}"}
        )
    return settings


async def _chat(args: argparse.Namespace) -> int:
    from bot.chat import run_chat
    from bot.runtime import build_runtime

    runtime = await build_runtime(_settings(args.db), serving=True)
    try:
        await run_chat(runtime, args.user, args.lang, sys.stdin, sys.stdout)
    finally:
        await runtime.close()
    return 0


async def _migrate(_: argparse.Namespace) -> int:
    from bot.store import Database

    db = Database(_settings().resolved_database_url)
    try:
        await db.migrate()
    finally:
        await db.dispose()
    print("database is up to date")
    return 0


def _run(_: argparse.Namespace) -> int:
    from bot.telegram.app import serve

    settings = _settings()
    if settings.telegram_bot_token is None:
        print(
            "TELEGRAM_BOT_TOKEN is not set. Try `backpath chat` to talk to the bot here.",
            file=sys.stderr,
        )
        return 2
    serve(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backpath", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve Telegram (needs TELEGRAM_BOT_TOKEN)")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--lang", choices=["nl", "fr"], help="language to start in")
    chat.add_argument("--db", help="SQLite file to use (default: DATABASE_URL or data/backpath.db)")
    chat.add_argument("--user", default="local", help="terminal patient id (default: local)")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser(
        "score", help="score paper forms: backpath score INSTRUMENT ITEM=VALUE ...", add_help=False
    )
    from bot.clinic.commands import add_parsers

    add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(UMASK)  # every file the bot writes (database, exports, charts) is private
    try:
        return _main(argv)
    except StartupError as problem:  # the operator's to fix: the message says what, no traceback
        print(f"backpath: {problem}", file=sys.stderr)
        return 3


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["score"]:
        from bot.score_cli import run as run_score

        return run_score(argv[1:], sys.stdin, sys.stdout, sys.stderr)
    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level if args.command == "run" else "WARNING")
    if args.command == "run":
        return _run(args)
    if args.command == "chat":
        return asyncio.run(_chat(args))
    from bot.clinic.commands import COMMANDS, run

    if args.command in COMMANDS:
        from bot.clock import SystemClock

        return asyncio.run(run(args, settings, SystemClock(), sys.stdout, sys.stderr))
    return asyncio.run(_migrate(args))


if __name__ == "__main__":
    raise SystemExit(main())
