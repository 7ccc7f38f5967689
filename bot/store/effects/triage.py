"""Writers of the red-flag effects: every escalation is a row a clinician can see."""

from __future__ import annotations

from sqlalchemy import update

from bot.clinic.notify import notify_clinicians_of_flag
from bot.engine.features.triage import FlagRaised, FlagsAcknowledged, FlagsSeen
from bot.store import repo
from bot.store.effects import WriteContext, writes
from bot.store.models import RedFlag


@writes(FlagRaised)
async def flag_raised(ctx: WriteContext, effect: FlagRaised) -> None:
    response_id = None
    if effect.run is not None:
        response_id = (await repo.response_for_run(ctx.session, ctx.patient.id, effect.run)).id
    flag = RedFlag(
        patient_id=ctx.patient.id,
        response_id=response_id,
        level=effect.level,
        cluster=effect.cluster,
        answers=dict(effect.answers),
        source=effect.source,
        raised_at=ctx.now,
        # the message is sent right after this commit, before anything else
        shown_at=ctx.now if effect.level != "note" else None,
    )
    ctx.session.add(flag)
    if effect.level == "note":
        return
    await ctx.session.flush()
    if await notify_clinicians_of_flag(ctx.session, ctx.patient.id, flag.id, ctx.now):
        flag.clinician_notified_at = ctx.now


@writes(FlagsAcknowledged)
async def flags_acknowledged(ctx: WriteContext, effect: FlagsAcknowledged) -> None:
    await ctx.session.execute(
        update(RedFlag)
        .where(
            RedFlag.patient_id == ctx.patient.id,
            RedFlag.level != "note",
            RedFlag.acknowledged_at.is_(None),
        )
        .values(acknowledged_at=ctx.now)
    )


@writes(FlagsSeen)
async def flags_seen(ctx: WriteContext, effect: FlagsSeen) -> None:
    await ctx.session.execute(
        update(RedFlag)
        .where(
            RedFlag.patient_id == ctx.patient.id,
            RedFlag.level != "note",
            RedFlag.seen_by_doctor_at.is_(None),
        )
        .values(seen_by_doctor_at=ctx.now)
    )
