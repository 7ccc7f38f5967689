"""The clinician-side commands of `backpath`: clinic, clinician, invite, report, export.

Each command opens the runtime (database, flows, catalogs), does one thing in one
transaction and prints the result; mistakes print a message and exit with 2.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from bot.clinic.access import sharing_clinics
from bot.clinic.admin import (
    AdminError,
    add_clinic,
    add_clinician,
    create_invitation,
    parse_duration,
)
from bot.clinic.exports import export_clinic
from bot.clinic.portal_auth import issue_link
from bot.clinic.report import ReportContent, ReportDenied, clinician_report, clinician_summary
from bot.clock import Clock
from bot.config import Settings
from bot.engine.model import Language
from bot.files import write_private
from bot.reports.model import PatientReport
from bot.reports.qr import qr_png
from bot.runtime import Runtime, build_runtime
from bot.store.models import Clinician, Patient

COMMANDS = frozenset({"clinic", "clinician", "invite", "report", "export"})
LANGUAGES = ["nl", "fr"]


def add_parsers(sub: Any) -> None:
    clinic = sub.add_parser("clinic", help="manage clinics").add_subparsers(
        dest="action", required=True
    )
    add = clinic.add_parser("add", help="add a clinic; prints its id")
    add.add_argument("name")
    add.add_argument("--language", choices=LANGUAGES, required=True)

    clinician = sub.add_parser("clinician", help="manage clinicians").add_subparsers(
        dest="action", required=True
    )
    add = clinician.add_parser("add", help="add a clinician; prints a one-time staff link")
    add.add_argument("--clinic", type=int, required=True)
    add.add_argument("name")
    add.add_argument("--language", choices=LANGUAGES, required=True)
    add.add_argument(
        "--portal", action="store_true", help="also print a sign-in link to the clinic portal"
    )
    link = clinician.add_parser(
        "link", help="print a single-use sign-in link to the clinic portal (valid 15 minutes)"
    )
    link.add_argument("clinician", type=int, help="the clinician's id")

    invite = sub.add_parser("invite", help="invite a patient; prints the deep link")
    invite.add_argument("--clinic", type=int, required=True)
    invite.add_argument("--instruments", required=True, help="e.g. startback,comi,nrs")
    invite.add_argument("--expires", default="14d", help="validity, e.g. 14d, 48h (default 14d)")
    invite.add_argument("--note", help="a note for the clinic (not shown to the patient)")
    invite.add_argument("--qr", type=Path, help="also write the link as a QR code PNG here")

    report = sub.add_parser("report", help="the summary PDF of a patient who shares with you")
    report.add_argument("patient_ref")
    report.add_argument("--pdf", type=Path, help="output file (default: <ref>.pdf)")
    report.add_argument("--clinic", type=int, help="needed when the patient shares with several")
    report.add_argument("--language", choices=LANGUAGES, help="default: the clinic's language")

    export = sub.add_parser("export", help="a clinic's shared questionnaires, FHIR or CSV")
    export.add_argument("--clinic", type=int, required=True)
    export.add_argument("--format", choices=["fhir", "csv"], required=True)
    export.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD (completed on/after)")
    export.add_argument("--out", type=Path, help="output file (default: standard output)")


async def run(
    args: argparse.Namespace, settings: Settings, clock: Clock, out: TextIO, err: TextIO
) -> int:
    runtime = await build_runtime(settings, clock)
    try:
        return await _dispatch(args, runtime, out)
    except (AdminError, ReportDenied) as error:
        err.write(f"{error}\n")
        return 2
    finally:
        await runtime.close()


async def _write(path: Path, data: bytes) -> None:
    await asyncio.to_thread(write_private, path, data)


def _username(runtime: Runtime) -> str:
    username = runtime.settings.telegram_bot_username
    if not username:
        raise AdminError("set TELEGRAM_BOT_USERNAME (the bot's @username) to make links")
    return username.lstrip("@")


async def _dispatch(args: argparse.Namespace, runtime: Runtime, out: TextIO) -> int:
    now = runtime.clock.now()
    async with runtime.db.transaction() as session:
        if args.command == "clinic":
            clinic = await add_clinic(session, args.name, args.language, now)
            out.write(f"{clinic.id}\n")
        elif args.command == "clinician":
            await _clinician(args, runtime, session, out, now)
        elif args.command == "invite":
            instruments = [i.strip() for i in args.instruments.split(",") if i.strip()]
            known = [f.id for f in runtime.engine.flows.values() if f.instrument is not None]
            made = await create_invitation(
                session,
                args.clinic,
                instruments,
                known,
                parse_duration(args.expires),
                args.note,
                _username(runtime),
                now,
            )
            if args.qr is not None:
                await _write(args.qr, qr_png(made.link))
            out.write(f"{made.link}\n")
        elif args.command == "report":
            report, content, language = await _report(args, runtime, session, now)
        else:
            since = datetime.combine(args.since, datetime.min.time(), UTC) if args.since else None
            content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
            text = await export_clinic(
                session, content, args.clinic, args.format, since, now, "cli"
            )
            if args.out is None:
                out.write(text)
            else:
                await _write(args.out, text.encode())
                out.write(f"{args.out}\n")
    if args.command == "report":  # the PDF is drawn after commit: no write lock held
        summary = await clinician_summary(content, report, language)
        path: Path = args.pdf or Path(f"{summary.patient_ref}.pdf")
        await _write(path, summary.pdf)
        out.write(f"{path}\n")
    return 0


async def _clinician(
    args: argparse.Namespace, runtime: Runtime, session: Any, out: TextIO, now: datetime
) -> None:
    portal_url = runtime.settings.backpath_portal_url
    if args.action == "link":
        clinician = await session.get(Clinician, args.clinician)
        if clinician is None:
            raise AdminError(f"no clinician with id {args.clinician}")
        out.write(f"{await issue_link(session, clinician, portal_url, now, 'cli')}\n")
        return
    made = await add_clinician(
        session, args.clinic, args.name, args.language, _username(runtime), now
    )
    out.write(f"{made.link}\n")
    if args.portal:
        clinician = await session.get(Clinician, made.id)
        out.write(f"{await issue_link(session, clinician, portal_url, now, 'cli')}\n")


async def _report(
    args: argparse.Namespace, runtime: Runtime, session: Any, now: datetime
) -> tuple[PatientReport, ReportContent, Language]:
    """The report of `backpath report`, read and audited in the command's transaction."""
    query = select(Patient).where(Patient.ref == args.patient_ref)
    patient = (await session.execute(query)).scalar_one_or_none()
    if patient is None:
        raise ReportDenied(f"no patient {args.patient_ref} shares with a clinic")
    clinics = await sharing_clinics(session, patient.id)
    if args.clinic is not None:
        clinics = [c for c in clinics if c.id == args.clinic]
    if not clinics:
        raise ReportDenied(f"no patient {args.patient_ref} shares with this clinic")
    if len(clinics) > 1:
        raise AdminError("the patient shares with several clinics: name one with --clinic")
    language: Language = args.language or ("fr" if clinics[0].language == "fr" else "nl")
    content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
    report = await clinician_report(session, content, patient, clinics[0].id, language, now, "cli")
    return report, content, language
