"""The clinic's patients: the list (red flags first), one patient's page, their files.

A patient is found by pseudonym only among those who share with the signed-in
clinician's clinic now; anyone else is 404. Every view and download is audited with ids
and counts, never answers.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from functools import partial
from typing import Any

from starlette.responses import Response

from bot.clinic.audit import audit
from bot.clinic.exports import ExportFormat, export_clinic
from bot.clinic.report import build_report, clinician_report, clinician_summary, report_chart
from bot.clinic.report_texts import report_texts
from bot.clinic.roster import (
    SORT_ORDERS,
    RosterRow,
    planned_moments,
    roster,
    shared_patient,
)
from bot.instruments.registry import Instruments
from bot.reports.key_items import key_items, total_max
from bot.store.models import Clinic
from bot.web.portal.core import AfterCommit, Ctx, Endpoint, Portal

FILES: dict[str, tuple[str, str]] = {
    "fhir": ("fhir.json", "application/fhir+json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}
SORTS: dict[str, Callable[[RosterRow], Any]] = dict(
    zip(
        SORT_ORDERS,
        (
            lambda row: 0,  # roster() already gives red flags first
            lambda row: -row.last_activity.timestamp() if row.last_activity else 0.0,
            lambda row: row.ref,
        ),
        strict=True,
    )
)


def _filtered(
    rows: list[RosterRow], query: dict[str, str], instruments: Instruments
) -> list[RosterRow]:
    text = query.get("q", "").strip().upper()
    if text:
        rows = [r for r in rows if text in r.ref]
    if query.get("flags") == "open":
        rows = [r for r in rows if r.open_flags]
    instrument = query.get("instrument", "")
    if instrument in instruments:
        rows = [r for r in rows if instrument in r.latest]
    return sorted(rows, key=SORTS.get(query.get("sort", "flags"), SORTS["flags"]))


def patient_list(portal: Portal) -> Endpoint:
    async def view(ctx: Ctx) -> Response:
        instruments = portal.content.instruments
        rows = await roster(ctx.session, portal.content, ctx.who.clinic_id, ctx.now)
        query = dict(ctx.request.query_params)
        shown = _filtered(rows, query, instruments)
        audit(
            ctx.session,
            ctx.now,
            ctx.who.actor,
            "portal_list",
            None,
            clinic=ctx.who.clinic_id,
            patients=len(shown),
        )
        return portal.render(
            ctx.request,
            "patients.html",
            ctx.who.language,
            {
                "rows": shown,
                "total": len(rows),
                "query": query,
                "listed": instruments.ids(),
                "sorts": SORT_ORDERS,
                "total_max": total_max(instruments),
            },
            who=ctx.who,
        )

    return portal.signed_in(view)


def patient_page(portal: Portal) -> Endpoint:
    async def view(ctx: Ctx) -> Response | AfterCommit:
        who = ctx.who
        patient = await shared_patient(ctx.session, who.clinic_id, ctx.request.path_params["ref"])
        clinic = await ctx.session.get(Clinic, who.clinic_id)
        if patient is None or clinic is None:
            return portal.not_found(ctx)
        report = await build_report(
            ctx.session, portal.content, patient, clinic, who.language, ctx.now
        )
        row = (await roster(ctx.session, portal.content, who.clinic_id, ctx.now, only=patient.id))[
            0
        ]
        audit(
            ctx.session,
            ctx.now,
            who.actor,
            "portal_patient",
            patient.id,
            clinic=who.clinic_id,
            results=len(report.results),
            red_flags=len(report.red_flags),
        )
        page = {
            "report": report,
            "row": row,
            "texts": report_texts(portal.runtime.catalogs, who.language),
            "key_items": partial(key_items, instruments=portal.content.instruments),
            "total_max": total_max(portal.content.instruments),
            "moments": await planned_moments(ctx.session, patient.id),
        }

        async def with_chart() -> Response:  # drawn after commit, off the event loop
            chart = await asyncio.to_thread(report_chart, portal.content, report, who.language)
            page["chart"] = base64.b64encode(chart).decode() if chart else None
            return portal.render(ctx.request, "patient.html", who.language, page, who=who)

        return AfterCommit(with_chart)

    return portal.signed_in(view)


def _download(data: bytes, filename: str, media_type: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def patient_file(portal: Portal, kind: str) -> Endpoint:
    """`pdf` (the summary), `fhir` (a Bundle) or `csv` of one patient."""

    async def view(ctx: Ctx) -> Response | AfterCommit:
        who = ctx.who
        patient = await shared_patient(ctx.session, who.clinic_id, ctx.request.path_params["ref"])
        if patient is None:
            return portal.not_found(ctx)
        if kind == "pdf":
            report = await clinician_report(
                ctx.session,
                portal.content,
                patient,
                who.clinic_id,
                who.language,
                ctx.now,
                who.actor,
            )

            async def pdf() -> Response:  # drawn after commit, in a worker thread
                summary = await clinician_summary(portal.content, report, who.language)
                return _download(
                    summary.pdf, f"backpath-{summary.patient_ref}.pdf", "application/pdf"
                )

            return AfterCommit(pdf)
        fmt: ExportFormat = "fhir" if kind == "fhir" else "csv"
        text = await export_clinic(
            ctx.session, portal.content, who.clinic_id, fmt, None, ctx.now, who.actor, patient.id
        )
        name, media = FILES[fmt]
        return _download(text.encode(), f"backpath-{patient.ref}.{name}", media)

    return portal.signed_in(view)
