"""`backpath pathway`: the planned moments of an episode, with the seed line of each.

    backpath pathway --onset 2026-03-02 --type back|radicular [--recurrent]
                     [--first-contact YYYY-MM-DD[THH:MM]] [--lang nl|fr]

Prints one line a moment: the local date and time (Europe/Brussels), what is asked or
said then, and the source of its timing in the KCE seeds (bot/pathway/config.yaml),
so a clinician can check the plan against the pathway. The first contact defaults to
the onset day at the preferred time of day. Nothing is stored.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from typing import TextIO

from bot.config import Settings
from bot.engine.model import Language, Text
from bot.i18n import Catalogs
from bot.i18n.formatting import format_day
from bot.pathway.config import load_config
from bot.pathway.phase import phase_boundaries
from bot.pathway.quiet_hours import local_to_utc
from bot.pathway.schedule import plan_episode


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pathway = sub.add_parser("pathway", help="print the planned moments of an episode")
    pathway.add_argument("--onset", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    pathway.add_argument("--type", required=True, choices=["back", "radicular"], dest="pain_type")
    pathway.add_argument("--recurrent", action="store_true", help="a new episode of recurrent pain")
    pathway.add_argument(
        "--first-contact",
        type=datetime.fromisoformat,
        help="YYYY-MM-DD[THH:MM], local time (default: the onset day at the preferred time)",
    )
    pathway.add_argument("--lang", choices=["nl", "fr"], default="nl")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = load_config()
    tz = config.tz
    first = args.first_contact or datetime.combine(args.onset, config.preferred_time)
    first_contact = first.replace(tzinfo=tz) if first.tzinfo is None else first
    if first_contact.astimezone(tz).date() < args.onset:
        print("--first-contact is before --onset", file=err)
        return 2
    language: Language = args.lang
    catalogs = Catalogs.load(Settings().messages_dir)

    def render(key: str, **params: object) -> str:
        return catalogs.render(language, Text(key, params))

    plan = plan_episode(args.onset, first_contact, args.pain_type, args.recurrent, config)
    rows = [
        (
            local_to_utc(day, time(0), tz),
            "",
            render("pathway.phase_starts", phase=render(f"phase.{phase}")),
            "001 l.161-166",
        )
        for phase, day in phase_boundaries(args.onset, config)
    ]
    rows += [
        (m.due, m.kind, render(f"pathway.moment.{m.kind}"), config.sources[m.kind]) for m in plan
    ]
    onset = format_day(args.onset, language)
    print(render(f"pathway.header.{args.pain_type}", onset=onset), file=out)
    for due, kind, what, source in sorted(rows, key=lambda r: r[0]):
        local = due.astimezone(tz)
        moment = f"{local:%Y-%m-%d}" if not kind else f"{local:%Y-%m-%d %H:%M}"
        print(f"{moment:<16}  {what}  [{render('pathway.source')} {source}]", file=out)
    return 0
