"""Writers of the core effects: runs, answers, scores, consent."""

from __future__ import annotations

from sqlalchemy import insert, select

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


@writes(AnswerGiven)
async def answer_given(ctx: WriteContext, effect: AnswerGiven) -> None:
    """One INSERT: the run's response id and flow version are read by the statement itself
    (no round trip to load the response first, on the hot path of every answer)."""
    run = select(Response).where(
        Response.patient_id == ctx.patient.id, Response.run_no == effect.run
    )
    await ctx.session.execute(
        insert(Answer).values(
            response_id=run.with_only_columns(Response.id).scalar_subquery(),
            item=effect.item,
            value=effect.value,
            answered_at=ctx.now,
            flow_version=run.with_only_columns(Response.flow_version).scalar_subquery(),
            language=effect.language,
            update_id=ctx.update_id,
        )
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
