"""Writers of the core effects: runs, answers, scores, consent."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Column, Table, bindparam, insert, select

from bot.engine.model import AnswerGiven, ConsentRecorded, RunFinished, RunStarted
from bot.store import repo
from bot.store.effects import WriteContext, writes
from bot.store.models import Answer, Response, Score


@writes(RunStarted)
async def run_started(ctx: WriteContext, effect: RunStarted) -> None:
    ctx.session.add(
        Response(
            patient_id=ctx.patient.id,
            run_no=effect.run,
            flow=effect.flow,
            flow_version=effect.version,
            language=effect.language,
            status="in_progress",
            started_at=ctx.now,
        )
    )
    await ctx.session.flush()


_RESPONSES = cast(Table, Response.__table__)


def _of_run(column: Column[Any]) -> Any:
    """A column of the patient's run, read by the statement that needs it."""
    return (
        select(column)
        .where(
            _RESPONSES.c.patient_id == bindparam("patient"), _RESPONSES.c.run_no == bindparam("run")
        )
        .scalar_subquery()
    )


# One INSERT, built once: the run's response id and flow version are read by the statement
# itself (no round trip to load the response first, on the hot path of every answer).
_ANSWER = insert(cast(Table, Answer.__table__)).values(
    response_id=_of_run(_RESPONSES.c.id), flow_version=_of_run(_RESPONSES.c.flow_version)
)


@writes(AnswerGiven)
async def answer_given(ctx: WriteContext, effect: AnswerGiven) -> None:
    await ctx.session.execute(
        _ANSWER,
        {
            "patient": ctx.patient.id,
            "run": effect.run,
            "item": effect.item,
            "value": effect.value,
            "answered_at": ctx.now,
            "language": effect.language,
            "update_id": ctx.update_id,
        },
    )


@writes(RunFinished)
async def run_finished(ctx: WriteContext, effect: RunFinished) -> None:
    response = await repo.response_for_run(ctx.session, ctx.patient.id, effect.run)
    response.status = effect.status
    response.completed_at = ctx.now
    if effect.score is None:
        return
    score = dict(effect.score)
    ctx.session.add(
        Score(
            response_id=response.id,
            instrument=score["instrument"],
            instrument_version=int(score.get("version", response.flow_version)),
            total=float(score["total"]),
            subscales=dict(score.get("subscales", {})),
            category=score.get("category"),
            language=response.language,
            created_at=ctx.now,
            recall=score.get("recall"),
        )
    )


@writes(ConsentRecorded)
async def consent_recorded(ctx: WriteContext, effect: ConsentRecorded) -> None:
    ctx.patient.consent_status = effect.status
    ctx.patient.consent_version = effect.version
    ctx.patient.consent_at = ctx.now
