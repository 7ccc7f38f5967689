"""`backpath export`: a clinic's shared data as a FHIR Bundle or CSV; audited.

The export holds every completed questionnaire and every red flag of the patients who
share with the clinic now; the FHIR bundle adds the red-flag screens the flags link to,
the pre-consultation histories, and the Questionnaire resources the responses refer to.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from fhir.resources.R4B.questionnaire import Questionnaire
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.access import ensure_ref, shared_patient_ids
from bot.clinic.admin import existing_clinic
from bot.clinic.audit import audit
from bot.clinic.report import ReportContent, red_flag_records
from bot.clinic.results import completed_results, flow_responses
from bot.engine.features.clinic import REDFLAG_FLOW
from bot.engine.model import Language
from bot.reports.csv_export import export_csv
from bot.reports.fhir import export_bundle
from bot.reports.fhir_questionnaire import questionnaire
from bot.reports.history import HISTORY_FLOW
from bot.reports.model import ClinicExport, ExportFlag, ExportResponse, ExportRow
from bot.store.models import Patient

ExportFormat = Literal["fhir", "csv"]
#: Unscored flows whose responses go into the FHIR export.
EXPORTED_FLOWS = (REDFLAG_FLOW, HISTORY_FLOW)


async def clinic_export(
    session: AsyncSession,
    content: ReportContent,
    clinic_id: int,
    since: datetime | None,
    patient_id: int | None = None,
) -> ClinicExport:
    """Every completed questionnaire, red flag and exported flow response of the patients
    who share with the clinic now (of the one patient `patient_id` only, when given).
    Raises AdminError for a clinic that does not exist (an empty export would look like a
    clinic without patients)."""
    clinic = await existing_clinic(session, clinic_id)
    language: Language = "fr" if clinic.language == "fr" else "nl"
    patient_ids = await shared_patient_ids(session, clinic_id)
    if patient_id is not None:
        patient_ids = [p for p in patient_ids if p == patient_id]
    if not patient_ids:
        return ClinicExport()
    patients = {
        p.id: p
        for p in (await session.execute(select(Patient).where(Patient.id.in_(patient_ids))))
        .scalars()
        .all()
    }
    refs = {pid: await ensure_ref(session, patient) for pid, patient in patients.items()}
    results = await completed_results(session, content.flows, patient_ids, since)
    flags = [
        ExportFlag(refs[pid], flag)
        for pid in sorted(patient_ids)
        for flag in await red_flag_records(session, content, pid, language)
        if since is None or flag.raised_at >= since
    ]
    responses = await flow_responses(session, content.flows, patient_ids, EXPORTED_FLOWS, since)
    return ClinicExport(
        rows=tuple(ExportRow(refs[pid], result) for pid, result in results),
        red_flags=tuple(flags),
        responses=tuple(ExportResponse(refs[pid], response) for pid, response in responses),
    )


def questionnaires(content: ReportContent, flow_ids: Iterable[str]) -> list[Questionnaire]:
    """The Questionnaire resource of each flow (that exists), in the order given."""
    out = []
    for flow_id in dict.fromkeys(flow_ids):
        flow = content.flows.get(flow_id)
        if flow is None:
            continue
        instrument = content.instruments.get(flow.instrument)
        out.append(questionnaire(flow, content.catalogs.message, instrument))
    return out


def questionnaire_resource(content: ReportContent, flow_id: str) -> dict[str, Any] | None:
    """The FHIR JSON of a flow's Questionnaire, as served by the web app at its canonical
    URL (`GET /fhir/Questionnaire/<flow>`, media type application/fhir+json); None for a
    flow that does not exist."""
    found = questionnaires(content, [flow_id])
    if not found:
        return None
    data: dict[str, Any] = json.loads(found[0].model_dump_json())
    return data


async def export_clinic(
    session: AsyncSession,
    content: ReportContent,
    clinic_id: int,
    fmt: ExportFormat,
    since: datetime | None,
    now: datetime,
    actor: str,
    patient_id: int | None = None,
) -> str:
    data = await clinic_export(session, content, clinic_id, since, patient_id)
    if fmt == "fhir":
        referenced = [
            *(row.result.instrument for row in data.rows),
            *(entry.response.flow for entry in data.responses),
        ]
        bundle = export_bundle(
            data.rows,
            content.instruments,
            generated_at=now,
            red_flags=data.red_flags,
            responses=data.responses,
            questionnaires=questionnaires(content, referenced),
        )
        text = json.dumps(bundle, ensure_ascii=False, indent=2)
    else:
        buffer = io.StringIO(newline="")
        export_csv(data.rows, buffer, red_flags=data.red_flags)
        text = buffer.getvalue()
    audit(
        session,
        now,
        actor,
        "export",
        patient_id,
        clinic=clinic_id,
        format=fmt,
        since=since.isoformat() if since else None,
        rows=len(data.rows),
        red_flags=len(data.red_flags),
        patients=len(
            {row.patient_ref for row in data.rows} | {f.patient_ref for f in data.red_flags}
        ),
    )
    return text
