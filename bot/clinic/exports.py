"""`backpath export`: a clinic's shared questionnaires as a FHIR Bundle or CSV; audited."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.access import ensure_ref, shared_patient_ids
from bot.clinic.admin import existing_clinic
from bot.clinic.audit import audit
from bot.clinic.report import ReportContent
from bot.clinic.results import completed_results
from bot.reports.csv_export import export_csv
from bot.reports.fhir import export_bundle
from bot.reports.model import ExportRow
from bot.store.models import Patient

ExportFormat = Literal["fhir", "csv"]


async def export_rows(
    session: AsyncSession, content: ReportContent, clinic_id: int, since: datetime | None
) -> list[ExportRow]:
    """Every completed questionnaire of the patients who share with the clinic now.

    Raises AdminError for a clinic that does not exist (an empty export would look
    like a clinic without patients).
    """
    await existing_clinic(session, clinic_id)
    patient_ids = await shared_patient_ids(session, clinic_id)
    if not patient_ids:
        return []
    patients = {
        p.id: p
        for p in (await session.execute(select(Patient).where(Patient.id.in_(patient_ids))))
        .scalars()
        .all()
    }
    refs = {pid: await ensure_ref(session, patient) for pid, patient in patients.items()}
    results = await completed_results(session, content.flows, patient_ids, since)
    return [ExportRow(refs[pid], result) for pid, result in results]


async def export_clinic(
    session: AsyncSession,
    content: ReportContent,
    clinic_id: int,
    fmt: ExportFormat,
    since: datetime | None,
    now: datetime,
    actor: str,
) -> str:
    rows = await export_rows(session, content, clinic_id, since)
    if fmt == "fhir":
        text = json.dumps(export_bundle(rows, generated_at=now), ensure_ascii=False, indent=2)
    else:
        buffer = io.StringIO(newline="")
        export_csv(rows, buffer)
        text = buffer.getvalue()
    audit(
        session,
        now,
        actor,
        "export",
        None,
        clinic=clinic_id,
        format=fmt,
        since=since.isoformat() if since else None,
        rows=len(rows),
        patients=len({row.patient_ref for row in rows}),
    )
    return text
