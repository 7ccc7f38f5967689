"""Completed, scored questionnaires read back from the database as report values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.flows import Flow
from bot.reports.model import FlowResponse, FlowValue, QuestionnaireResult
from bot.store.models import Answer, Response, Score


def _validated(flows: Mapping[str, Flow], flow_id: str, language: str) -> bool:
    flow = flows.get(flow_id)
    if flow is None:
        return False
    # a generic scale (NRS) has no language version to validate: never listed as unvalidated
    provenance = flow.provenance.items()
    return any(lang == language and how in ("validated", "generic") for lang, how in provenance)


async def completed_results(
    session: AsyncSession,
    flows: Mapping[str, Flow],
    patient_ids: Sequence[int],
    since: datetime | None = None,
) -> list[tuple[int, QuestionnaireResult]]:
    """(patient id, result) of every scored questionnaire, oldest first.

    Answers are the latest value per item (a changed answer replaces the earlier one)
    in the order first asked; a yes/no item keeps its stored True/False (scored as 1/0).
    """
    query = (
        select(Response, Score)
        .join(Score, Score.response_id == Response.id)
        .where(Response.patient_id.in_(patient_ids), Response.status == "completed")
        .order_by(Response.completed_at, Response.id)
    )
    if since is not None:
        query = query.where(Response.completed_at >= since)
    rows = [(response, score) for response, score in await session.execute(query)]
    answers: dict[int, dict[str, int]] = {response.id: {} for response, _ in rows}
    if rows:
        stored = await session.execute(
            select(Answer).where(Answer.response_id.in_(answers)).order_by(Answer.id)
        )
        for answer in stored.scalars():
            value = answer.value
            if isinstance(value, int):  # a number, or a yes/no (True/False) as stored
                answers[answer.response_id][answer.item] = value
    results = []
    for response, score in rows:
        assert response.completed_at is not None
        result = QuestionnaireResult(
            instrument=score.instrument,
            version=response.flow_version,
            language=response.language,
            completed_at=response.completed_at,
            total=score.total,
            category=score.category,
            validated_in_language=_validated(flows, response.flow, response.language),
            answers=tuple(answers[response.id].items()),
            subscales={k: float(v) for k, v in score.subscales.items()},
            recall=score.recall,
        )
        results.append((response.patient_id, result))
    return results


async def flow_responses(
    session: AsyncSession,
    flows: Mapping[str, Flow],
    patient_ids: Sequence[int],
    flow_ids: Sequence[str],
    since: datetime | None = None,
) -> list[tuple[int, FlowResponse]]:
    """(patient id, response) of every completed run of the given unscored flows, oldest
    first; answers as in `completed_results` (any JSON value kept: yes/no, codes, text)."""
    query = (
        select(Response)
        .where(
            Response.patient_id.in_(patient_ids),
            Response.flow.in_(flow_ids),
            Response.status == "completed",
        )
        .order_by(Response.completed_at, Response.id)
    )
    if since is not None:
        query = query.where(Response.completed_at >= since)
    responses = list((await session.execute(query)).scalars())
    answers: dict[int, dict[str, FlowValue]] = {response.id: {} for response in responses}
    if responses:
        stored = await session.execute(
            select(Answer).where(Answer.response_id.in_(answers)).order_by(Answer.id)
        )
        for answer in stored.scalars():
            if isinstance(answer.value, bool | int | str):
                answers[answer.response_id][answer.item] = answer.value
    out = []
    for response in responses:
        assert response.completed_at is not None
        out.append(
            (
                response.patient_id,
                FlowResponse(
                    response_id=response.id,
                    flow=response.flow,
                    version=response.flow_version,
                    language=response.language,
                    completed_at=response.completed_at,
                    answers=tuple(answers[response.id].items()),
                    typed=_typed(flows.get(response.flow)),
                ),
            )
        )
    return out


def _typed(flow: Flow | None) -> frozenset[str]:
    """Items of a flow answered with the patient's own text."""
    if flow is None:
        return frozenset()
    return frozenset(step.id for step in flow.steps if step.answer.type == "text")
