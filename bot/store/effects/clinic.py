"""Writers of the clinic and data-rights effects: invitations, sharing, erasure."""

from __future__ import annotations

from sqlalchemy import func, select, update

from bot.clinic.access import ensure_ref
from bot.clinic.audit import audit
from bot.clinic.erase import erase_patient
from bot.clinic.notify import queue_summaries
from bot.engine.model import (
    DataExported,
    ErasureRequested,
    InvitationAccepted,
    InvitationCompleted,
    SharingDecided,
    SharingWithdrawn,
)
from bot.store.effects import WriteContext, writes
from bot.store.models import Invitation, Response, Sharing


@writes(InvitationAccepted)
async def invitation_accepted(ctx: WriteContext, effect: InvitationAccepted) -> None:
    # The service checked (under a row lock) that it is unused and not expired.
    await ctx.session.execute(
        update(Invitation)
        .where(Invitation.id == effect.invitation, Invitation.used_at.is_(None))
        .values(used_at=ctx.now, patient_id=ctx.patient.id)
    )


@writes(SharingDecided)
async def sharing_decided(ctx: WriteContext, effect: SharingDecided) -> None:
    # A refusal is kept as the patient's answer in the clinic_sharing flow; nothing here.
    if effect.granted:
        await ensure_ref(ctx.session, ctx.patient)
        ctx.session.add(
            Sharing(
                patient_id=ctx.patient.id,
                clinic_id=effect.clinic,
                invitation_id=effect.invitation,
                granted_at=ctx.now,
            )
        )
        await ctx.session.flush()


@writes(SharingWithdrawn)
async def sharing_withdrawn(ctx: WriteContext, effect: SharingWithdrawn) -> None:
    await ctx.session.execute(
        update(Sharing)
        .where(Sharing.patient_id == ctx.patient.id, Sharing.withdrawn_at.is_(None))
        .values(withdrawn_at=ctx.now)
    )


@writes(InvitationCompleted)
async def invitation_completed(ctx: WriteContext, effect: InvitationCompleted) -> None:
    invitation = await ctx.session.get(Invitation, effect.invitation)
    if invitation is None or invitation.patient_id != ctx.patient.id:
        return
    invitation.completed_at = ctx.now
    await queue_summaries(
        ctx.session, ctx.patient.id, "completed", ctx.now, clinic_id=invitation.clinic_id
    )


@writes(DataExported)
async def data_exported(ctx: WriteContext, effect: DataExported) -> None:
    responses = await ctx.session.scalar(
        select(func.count()).select_from(Response).where(Response.patient_id == ctx.patient.id)
    )
    audit(ctx.session, ctx.now, "patient", "mydata", ctx.patient.id, responses=responses or 0)


@writes(ErasureRequested)
async def erasure_requested(ctx: WriteContext, effect: ErasureRequested) -> None:
    await erase_patient(ctx.session, ctx.patient, ctx.now)
