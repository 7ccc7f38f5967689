"""The `backpath` command: run | serve | webhook | chat | migrate | backup | score | triage |
portal, and for clinics: clinic | clinician | invite | report | export."""

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
    from bot.chat import parse_now, run_chat
    from bot.clock import ShiftedClock, SystemClock
    from bot.pathway.config import load_config
    from bot.runtime import build_runtime

    try:
        start = parse_now(args.now, load_config().tz) if args.now else SystemClock().now()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    clock = ShiftedClock(start)  # `--now`: the conversation (and what it stores) at that moment
    runtime = await build_runtime(_settings(args.db), clock, serving=True)
    try:
        await run_chat(runtime, args.user, args.lang, sys.stdin, sys.stdout, clock)
    finally:
        await runtime.close()
    return 0


async def _migrate(_: argparse.Namespace) -> int:
    from bot.store import Database
    from bot.store.release import migrate_locked

    db = Database(_settings().resolved_database_url)
    try:
        await migrate_locked(db)
    finally:
        await db.dispose()
    print("database is up to date")
    return 0


def _token_missing(settings: Settings) -> bool:
    if settings.telegram_bot_token is None:
        print(
            "TELEGRAM_BOT_TOKEN is not set. Try `backpath chat` to talk to the bot here.",
            file=sys.stderr,
        )
        return True
    return False


def _run(settings: Settings) -> int:
    from bot.startup import preflight
    from bot.telegram.app import serve

    if _token_missing(settings):
        return 2
    asyncio.run(preflight(settings))
    serve(settings)
    return 0


def _serve(settings: Settings) -> int:
    from bot.web.serve import serve

    if _token_missing(settings):
        return 2
    if settings.telegram_webhook_secret is None:
        print(
            "TELEGRAM_WEBHOOK_SECRET is not set (1-256 characters A-Z a-z 0-9 _ -; "
            "`backpath webhook set` registers it with Telegram).",
            file=sys.stderr,
        )
        return 2
    asyncio.run(serve(settings))
    return 0


def _webhook(args: argparse.Namespace, settings: Settings) -> int:
    from bot.telegram.webhook import WebhookError, webhook_command

    try:
        asyncio.run(webhook_command(args.action, settings, sys.stdout))
    except WebhookError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.backup import BackupError, backup_sqlite

    try:
        backup_sqlite(settings.resolved_database_url, args.file)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"backup written to {args.file}")
    return 0


def _portal(args: argparse.Namespace) -> int:
    from bot.web.portal.server import serve_portal

    settings = _settings(args.db)
    print(f"clinic portal on http://{args.host}:{args.port}/portal/ (Ctrl-C stops it)")
    serve_portal(settings, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backpath", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve Telegram by long polling (one process)")
    sub.add_parser("serve", help="serve Telegram's webhook, health and metrics (a worker)")
    webhook = sub.add_parser("webhook", help="register the webhook with Telegram, or not")
    webhook.add_argument("action", choices=["set", "delete", "info"])
    backup = sub.add_parser("backup", help="copy the SQLite database to a new file, online")
    backup.add_argument("file", type=Path)
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--lang", choices=["nl", "fr"], help="language to start in")
    chat.add_argument("--db", help="SQLite file to use (default: DATABASE_URL or data/backpath.db)")
    chat.add_argument("--user", default="local", help="terminal patient id (default: local)")
    chat.add_argument(
        "--now",
        metavar="YYYY-MM-DD[THH:MM]",
        help="talk as if it were this local moment (a date alone: 12:00); reminders due by "
        "then are sent first, as the patient would have got them",
    )
    sub.add_parser("migrate", help="apply database migrations (a release step, locked)")
    portal = sub.add_parser("portal", help="serve the clinic portal (web) on this machine")
    portal.add_argument("--host", default="127.0.0.1", help="address to listen on")
    portal.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    portal.add_argument("--db", help="SQLite file (default: DATABASE_URL or data/backpath.db)")
    sub.add_parser(
        "score", help="score paper forms: backpath score INSTRUMENT ITEM=VALUE ...", add_help=False
    )
    from bot.clinic.commands import add_parsers
    from bot.pathway_cli import add_parser as add_pathway_parser
    from bot.triage.cli import add_parser as add_triage_parser

    add_parsers(sub)
    add_triage_parser(sub)
    add_pathway_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(UMASK)  # every file the bot writes (database, exports, charts) is private
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["score"]:
        from bot.score_cli import run as run_score

        return run_score(argv[1:], sys.stdin, sys.stdout, sys.stderr)
    args = build_parser().parse_args(argv)
    if args.command == "triage":
        from bot.triage.cli import run as run_triage

        return run_triage(args, sys.stdin, sys.stdout)
    settings = Settings()
    worker = args.command in ("run", "serve")
    secrets = [
        s.get_secret_value()
        for s in (settings.telegram_bot_token, settings.telegram_webhook_secret)
        if s
    ]
    configure_logging(settings.log_level if worker else "WARNING", settings.log_format, secrets)
    try:
        return _command(args, settings)
    except StartupError as error:
        print(f"backpath {args.command}: {error}", file=sys.stderr)
        return 1


def _command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        return _run(settings)
    if args.command == "serve":
        return _serve(settings)
    if args.command == "webhook":
        return _webhook(args, settings)
    if args.command == "backup":
        return _backup(args, settings)
    if args.command == "chat":
        return asyncio.run(_chat(args))
    if args.command == "portal":
        return _portal(args)
    if args.command == "pathway":
        from bot.pathway_cli import run as run_pathway

        return run_pathway(args, sys.stdout, sys.stderr)
    from bot.clinic.commands import COMMANDS, run

    if args.command in COMMANDS:
        from bot.clock import SystemClock

        return asyncio.run(run(args, settings, SystemClock(), sys.stdout, sys.stderr))
    return asyncio.run(_migrate(args))


if __name__ == "__main__":
    raise SystemExit(main())
