"""Erasure (/delete): every row about the patient goes; an anonymous audit entry stays.

Tables are walked from `Base.metadata` (dependants first), so a table added later with
a `patient_id` column is erased too. Rows that point at the patient's responses
(answers, scores) go with them. Earlier audit entries about the patient lose the
patient id (who exported what stays accountable, about nobody). Processed update ids
are not personal and stay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.audit import audit
from bot.store.models import AuditEntry, Base, Patient, Response


async def erase_patient(session: AsyncSession, patient: Patient, now: datetime) -> None:
    responses = select(Response.id).where(Response.patient_id == patient.id)
    counts: dict[str, int] = {}
    skip = {Patient.__tablename__, AuditEntry.__tablename__}
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in skip:
            continue
        if "patient_id" in table.c:
            stmt = delete(table).where(table.c.patient_id == patient.id)
        elif "response_id" in table.c:
            stmt = delete(table).where(table.c.response_id.in_(responses))
        else:
            continue
        result = await session.execute(stmt)
        counts[table.name] = int(result.rowcount)  # type: ignore[attr-defined]
    await session.execute(
        update(AuditEntry).where(AuditEntry.patient_id == patient.id).values(patient_id=None)
    )
    await session.delete(patient)
    await session.flush()
    audit(session, now, "patient", "erasure", None, rows={k: v for k, v in counts.items() if v})
