"""Queue clinician summaries in the patient's transaction: a `notifications` row (what,
for whom, why) and a row of the delivery outbox that names it, delivered after commit like
every reply (bot/delivery; the PDF is made then, bot/clinic/summaries.py). Only
clinicians whose Telegram account is linked, of clinics the patient shares with now, are
queued; a red-flag summary goes before other waiting messages.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.access import sharing_clinics
from bot.clinic.summaries import attachment_name
from bot.delivery import outbox
from bot.store.models import Clinician, Notification


async def queue_summaries(
    session: AsyncSession,
    patient_id: int,
    reason: str,
    now: datetime,
    *,
    clinic_id: int | None = None,
    red_flag_id: int | None = None,
) -> int:
    """Queue a summary for each linked clinician (of `clinic_id` only, when given).

    Returns how many were queued.
    """
    clinic_ids = [c.id for c in await sharing_clinics(session, patient_id)]
    if clinic_id is not None:
        clinic_ids = [c for c in clinic_ids if c == clinic_id]
    if not clinic_ids:
        return 0
    query = select(Clinician).where(
        Clinician.clinic_id.in_(clinic_ids), Clinician.telegram_user_id.is_not(None)
    )
    clinicians = list((await session.execute(query)).scalars())
    for clinician in clinicians:
        notification = Notification(
            clinician_id=clinician.id,
            patient_id=patient_id,
            clinic_id=clinician.clinic_id,
            reason=reason,
            red_flag_id=red_flag_id,
            created_at=now,
        )
        session.add(notification)
        await session.flush()  # its id names the file
        assert clinician.telegram_user_id is not None
        outbox.queue_file(
            session,
            "telegram",
            clinician.telegram_user_id,
            "fr" if clinician.language == "fr" else "nl",
            attachment_name(notification.id),
            now,
            urgent=reason == "red_flag",
        )
    return len(clinicians)


async def notify_clinicians_of_flag(
    session: AsyncSession, patient_id: int, red_flag_id: int, now: datetime
) -> int:
    """For the red-flag writer: call after flushing the RedFlag row, in the same transaction.

    Every linked clinician of every clinic the patient shares with gets the summary
    (with the flag on top) right after commit. Nothing is queued without sharing.
    """
    return await queue_summaries(session, patient_id, "red_flag", now, red_flag_id=red_flag_id)
