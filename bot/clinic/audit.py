"""The audit log: who did what to which record. Ids and counts only, never answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import AuditEntry


def audit(
    session: AsyncSession,
    now: datetime,
    actor: str,
    action: str,
    patient_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(at=now, actor=actor, action=action, patient_id=patient_id, detail=detail)
    )
