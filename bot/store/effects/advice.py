"""Writer of the advice log: exactly which advice a patient was shown."""

from __future__ import annotations

from bot.engine.features.advice import AdviceGiven
from bot.store.effects import WriteContext, writes
from bot.store.models import AdviceShown


@writes(AdviceGiven)
async def advice_given(ctx: WriteContext, effect: AdviceGiven) -> None:
    ctx.session.add(
        AdviceShown(
            patient_id=ctx.patient.id,
            advice_id=effect.advice_id,
            advice_version=effect.version,
            language=effect.language,
            trigger=effect.trigger,
            shown_at=ctx.now,
        )
    )
