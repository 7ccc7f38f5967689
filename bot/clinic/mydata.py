"""/mydata: a copy of everything stored about the patient, as JSON, with a short summary.

Every table with a `patient_id` column is included (so later tables are too), with the
answers and scores of each response nested in it. Made inside the patient's transaction,
sent after commit.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.model import Text
from bot.store.models import Answer, AuditEntry, Base, Clinic, Patient, Response, Score, Sharing

FILENAME = "backpath-mydata.json"
# Audit entries are about the patient but not their data; responses are nested above.
_SKIP = {AuditEntry.__tablename__, Response.__tablename__, Patient.__tablename__}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(table: Table, row: Any) -> dict[str, Any]:
    return {column.name: _value(row._mapping[column]) for column in table.columns}


async def _rows(session: AsyncSession, table: Table, where: Any) -> list[dict[str, Any]]:
    result = await session.execute(select(table).where(where).order_by(*table.primary_key))
    return [_row(table, row) for row in result]


async def patient_data(session: AsyncSession, patient: Patient) -> dict[str, Any]:
    tables = Base.metadata.tables
    patients, responses_table = tables[Patient.__tablename__], tables[Response.__tablename__]
    answers, scores = tables[Answer.__tablename__], tables[Score.__tablename__]
    (data,) = await _rows(session, patients, patients.c.id == patient.id)
    responses = await _rows(session, responses_table, responses_table.c.patient_id == patient.id)
    for response in responses:
        response["answers"] = await _rows(session, answers, answers.c.response_id == response["id"])
        score = await _rows(session, scores, scores.c.response_id == response["id"])
        response["score"] = score[0] if score else None
    content: dict[str, Any] = {"patient": data, "responses": responses}
    for table in Base.metadata.sorted_tables:
        if table.name not in _SKIP and "patient_id" in table.c:
            content[table.name] = await _rows(session, table, table.c.patient_id == patient.id)
    return content


async def mydata_attachment(
    session: AsyncSession, patient: Patient, now: datetime
) -> tuple[str, bytes, Text]:
    """(file name, JSON bytes, readable summary) for the patient. Read-only: the export is
    audited by the DataExported effect, in the event's transaction."""
    content = await patient_data(session, patient)
    names = (
        await session.execute(
            select(Clinic.name)
            .join(Sharing, Sharing.clinic_id == Clinic.id)
            .where(Sharing.patient_id == patient.id, Sharing.withdrawn_at.is_(None))
            .distinct()
        )
    ).scalars()
    shared = ", ".join(sorted(names))
    summary = Text(
        "mydata.summary",
        {
            "questionnaires": sum(1 for r in content["responses"] if r["status"] == "completed"),
            "answers": sum(len(r["answers"]) for r in content["responses"]),
            "red_flags": len(content.get("red_flags", [])),
            "reminders": len(content.get("reminders", [])),
            "sharing": shared or Text("mydata.nobody"),
        },
    )
    body = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return FILENAME, body, summary
