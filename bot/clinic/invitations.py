"""A clinic's invitations as the portal lists them, and revoking one.

Creating one is bot.clinic.admin.create_invitation (the same for the command line and
the portal). A revoked invitation is refused when a patient opens it (bot/clinic/links.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.audit import audit
from bot.clinic.roster import InvitationStatus, invitation_status
from bot.store.models import Invitation, Patient

EXPIRY_CHOICES = ("2d", "7d", "14d", "30d")  # what the portal offers (msgids portal.expires_*)


@dataclass(frozen=True)
class InvitationRow:
    id: int
    instruments: tuple[str, ...]
    note: str | None
    created_at: datetime
    expires_at: datetime
    status: InvitationStatus
    patient_ref: str | None  # once a patient accepted it


async def list_invitations(
    session: AsyncSession, clinic_id: int, now: datetime
) -> list[InvitationRow]:
    """The clinic's invitations, newest first."""
    query = (
        select(Invitation, Patient.ref)
        .outerjoin(Patient, Patient.id == Invitation.patient_id)
        .where(Invitation.clinic_id == clinic_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return [
        InvitationRow(
            id=invitation.id,
            instruments=tuple(invitation.instruments.get("instruments", ())),
            note=invitation.note,
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            status=invitation_status(invitation, now),
            patient_ref=ref,
        )
        for invitation, ref in await session.execute(query)
    ]


async def revoke_invitation(
    session: AsyncSession, clinic_id: int, invitation_id: int, now: datetime, actor: str
) -> bool:
    """Withdraw an invitation of this clinic no patient has used yet; False when there is
    no such invitation of this clinic. Revoking twice, or a used one, changes nothing."""
    invitation = await session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.clinic_id != clinic_id:
        return False
    if invitation.revoked_at is None and invitation.used_at is None:
        invitation.revoked_at = now
        audit(
            session, now, actor, "invite_revoke", None, clinic=clinic_id, invitation=invitation_id
        )
    return True
