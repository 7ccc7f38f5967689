"""Who shares with whom: clinicians see only patients with an active sharing to their clinic."""

from __future__ import annotations

import secrets

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Clinic, Patient, Sharing

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


def _active(
    patient_id: int | None = None, clinic_id: int | None = None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Sharing.withdrawn_at.is_(None)]
    if patient_id is not None:
        where.append(Sharing.patient_id == patient_id)
    if clinic_id is not None:
        where.append(Sharing.clinic_id == clinic_id)
    return where


async def shares_with(session: AsyncSession, patient_id: int, clinic_id: int) -> bool:
    query = select(Sharing.id).where(*_active(patient_id, clinic_id)).limit(1)
    return (await session.execute(query)).first() is not None


async def sharing_clinics(session: AsyncSession, patient_id: int) -> list[Clinic]:
    query = (
        select(Clinic)
        .join(Sharing, Sharing.clinic_id == Clinic.id)
        .where(*_active(patient_id=patient_id))
        .distinct()
        .order_by(Clinic.id)
    )
    return list((await session.execute(query)).scalars())


async def shared_patient_ids(session: AsyncSession, clinic_id: int) -> list[int]:
    query = (
        select(Sharing.patient_id)
        .where(*_active(clinic_id=clinic_id))
        .distinct()
        .order_by(Sharing.patient_id)
    )
    return list((await session.execute(query)).scalars())


async def ensure_ref(session: AsyncSession, patient: Patient) -> str:
    """The patient's pseudonymous reference (`P-XXXX-XXXX`), created on first need."""
    while patient.ref is None:
        ref = "P-" + "-".join(
            "".join(secrets.choice(_REF_ALPHABET) for _ in range(4)) for _ in range(2)
        )
        taken = (await session.execute(select(Patient.id).where(Patient.ref == ref))).first()
        if taken is None:
            patient.ref = ref
    return patient.ref
