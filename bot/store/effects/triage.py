"""Writers of the red-flag effects: every escalation is a row a clinician can see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute

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
        # shown means delivered: set by the sender when the message carrying it is
        # delivered (bot/delivery/sender.py), not at this commit
        shown_at=None,
    )
    ctx.session.add(flag)
    if effect.level == "note":
        return  # kept for a sharing clinician's report and export, no alert
    await ctx.session.flush()
    if await notify_clinicians_of_flag(ctx.session, ctx.patient.id, flag.id, ctx.now):
        flag.clinician_notified_at = ctx.now


async def _stamp_open_flags(ctx: WriteContext, column: InstrumentedAttribute[Any]) -> None:
    """Set `column` to now on the patient's escalated flags where it is still empty."""
    await ctx.session.execute(
        update(RedFlag)
        .where(RedFlag.patient_id == ctx.patient.id, RedFlag.level != "note", column.is_(None))
        .values({column.key: ctx.now})
    )


@writes(FlagsAcknowledged)
async def flags_acknowledged(ctx: WriteContext, effect: FlagsAcknowledged) -> None:
    await _stamp_open_flags(ctx, RedFlag.acknowledged_at)


@writes(FlagsSeen)
async def flags_seen(ctx: WriteContext, effect: FlagsSeen) -> None:
    await _stamp_open_flags(ctx, RedFlag.seen_by_doctor_at)
