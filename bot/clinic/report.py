"""The clinician summary from the database: PatientReport, its PDF, access and audit.

A summary is only made for a clinic the patient shares with now (`ReportDenied`
otherwise), in the language asked for (the clinician's), and every one made is in the
audit log with counts, never the answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.access import ensure_ref, shares_with
from bot.clinic.audit import audit
from bot.clinic.report_texts import chart_labels, report_texts
from bot.clinic.results import completed_results, flow_responses
from bot.engine.features.clinic import QUESTION_FLOW, REDFLAG_FLOW
from bot.engine.flows import Flow
from bot.engine.model import Language, Text
from bot.i18n import BRUSSELS, Catalogs
from bot.instruments.registry import Instruments
from bot.reports.chart import progress_chart, series_of
from bot.reports.history import HISTORY_FLOW, history_signals
from bot.reports.model import (
    EpisodeInfo,
    FlowResponse,
    FlowValue,
    HistoryLine,
    HistoryPoint,
    HistorySignal,
    PatientHistory,
    PatientReport,
    RedFlagAnswer,
    RedFlagRecord,
    RedFlagScreen,
)
from bot.reports.pdf import render_summary_pdf
from bot.store.models import Answer, Clinic, Episode, Invitation, Patient, RedFlag, Response


class ReportDenied(LookupError):
    """No such patient, or the patient does not share with this clinic."""


@dataclass(frozen=True)
class ReportContent:
    """What turns stored ids into words: catalogs, flows and the instrument registry."""

    catalogs: Catalogs
    flows: Mapping[str, Flow]
    instruments: Instruments


@dataclass(frozen=True)
class Summary:
    patient_ref: str
    pdf: bytes


async def build_report(
    session: AsyncSession,
    content: ReportContent,
    patient: Patient,
    clinic: Clinic,
    language: Language,
    now: datetime,
) -> PatientReport:
    results = [r for _, r in await completed_results(session, content.flows, [patient.id])]
    latest = {r.instrument: r for r in results}  # the newest per instrument
    charted = {i.id for i in content.instruments.charted()}  # scores drawn over time
    history = tuple(
        HistoryPoint(r.instrument, r.completed_at, r.total, r.recall)
        for r in results
        if r.instrument in charted
    )
    instruments = {f.instrument: f for f in content.flows.values() if f.instrument}
    notices = tuple(
        content.catalogs.render(language, Text(notice))
        for i in latest
        if i in instruments and (notice := instruments[i].notice)
    )
    red_flags = await red_flag_records(session, content, patient.id, language)
    episode = await _episode(session, patient.id)
    return PatientReport(
        patient_ref=await ensure_ref(session, patient),
        clinic_name=clinic.name,
        generated_at=now.astimezone(BRUSSELS),
        patient_language=patient.language or "nl",
        report_language=language,
        results=tuple(sorted(latest.values(), key=lambda r: r.completed_at)),
        red_flags=red_flags,
        history=history if len(history) > 1 else (),
        patient_question=await _question(session, patient.id),
        notices=notices,
        radicular=episode is not None and episode.pain_type == "radicular",
        screen=await _screen(session, content, patient.id, red_flags),
        episode=episode,
        invitation_note=await _note(session, patient.id, clinic.id),
        patient_history=await patient_history(session, content, patient.id, language, episode),
    )


async def red_flag_records(
    session: AsyncSession, content: ReportContent, patient_id: int, language: Language
) -> tuple[RedFlagRecord, ...]:
    """The patient's red flags, oldest first, their questions and answers in `language`."""
    query = select(RedFlag).where(RedFlag.patient_id == patient_id).order_by(RedFlag.raised_at)
    flow = content.flows.get(REDFLAG_FLOW)
    steps = {s.id: s.text for s in flow.steps} if flow else {}

    def said(value: object) -> str:
        if isinstance(value, bool):
            return content.catalogs.render(
                language, Text("answer.yes") if value else Text("answer.no")
            )
        return str(value)

    return tuple(
        RedFlagRecord(
            level=flag.level,
            cluster=flag.cluster,
            answers=tuple(
                RedFlagAnswer(
                    item,
                    content.catalogs.render(language, Text(steps[item])) if item in steps else item,
                    said(value),
                )
                for item, value in flag.answers.items()
            ),
            raised_at=flag.raised_at,
            shown_at=flag.shown_at,
            acknowledged_at=flag.acknowledged_at,
            seen_by_doctor_at=flag.seen_by_doctor_at,
            source=flag.source,
            response_id=flag.response_id,
        )
        for flag in (await session.execute(query)).scalars()
    )


async def _question(session: AsyncSession, patient_id: int) -> str | None:
    """The patient's latest question for the appointment, verbatim."""
    query = (
        select(Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.patient_id == patient_id,
            Response.flow == QUESTION_FLOW,
            Answer.item == "question",
        )
        .order_by(Answer.id.desc())
        .limit(1)
    )
    value = (await session.execute(query)).scalar_one_or_none()
    return value if isinstance(value, str) else None


async def _episode(session: AsyncSession, patient_id: int) -> EpisodeInfo | None:
    query = (
        select(Episode)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.first_contact_at.desc(), Episode.id.desc())
        .limit(1)
    )
    episode = (await session.execute(query)).scalar_one_or_none()
    if episode is None:
        return None
    return EpisodeInfo(episode.onset, episode.pain_type, episode.recurrent)


def full_screen(flow: Flow, response: FlowResponse) -> bool:
    """Whether every screening question was asked (not a part screen for a few clusters,
    as after a typed symptom): each step without a condition has an answer."""
    answered = {item for item, _ in response.answers}
    return all(
        step.id in answered
        for step in flow.steps
        if step.when is None and step.answer.type != "info"
    )


async def _screen(
    session: AsyncSession,
    content: ReportContent,
    patient_id: int,
    red_flags: tuple[RedFlagRecord, ...],
) -> RedFlagScreen | None:
    """The latest complete red-flag screen; all negative when every answer was "no" and
    it raised nothing."""
    flow = content.flows.get(REDFLAG_FLOW)
    if flow is None:
        return None
    screens = [
        r
        for _, r in await flow_responses(session, content.flows, [patient_id], [REDFLAG_FLOW])
        if full_screen(flow, r)
    ]
    if not screens:
        return None
    latest = screens[-1]
    raised = any(f.response_id == latest.response_id for f in red_flags)
    negative = not raised and all(value is False for _, value in latest.answers)
    return RedFlagScreen(latest.completed_at, negative)


async def patient_history(
    session: AsyncSession,
    content: ReportContent,
    patient_id: int,
    language: Language,
    episode: EpisodeInfo | None,
) -> PatientHistory | None:
    """The latest completed history, in `language`: signals (bot/reports/history.py)
    with why they matter, then every answer under a short clinician label."""
    flow = content.flows.get(HISTORY_FLOW)
    if flow is None:
        return None
    responses = await flow_responses(session, content.flows, [patient_id], [HISTORY_FLOW])
    if not responses:
        return None
    latest = responses[-1][1]
    steps = {step.id: step for step in flow.steps}

    def text(key: str) -> str:
        return content.catalogs.render(language, Text(key))

    def said(item: str, value: FlowValue) -> str:
        if isinstance(value, bool):
            return text("answer.yes" if value else "answer.no")
        labels = {o.value: o.label for o in steps[item].answer.options}
        return text(labels[value]) if value in labels else str(value)

    recurrent = episode is not None and episode.recurrent
    signals = history_signals(dict(latest.answers), recurrent_episode=recurrent)
    return PatientHistory(
        completed_at=latest.completed_at,
        signals=tuple(
            HistorySignal(key, text(f"report.signal.{key}"), text(f"report.signal.{key}.why"))
            for key in signals
        ),
        answers=tuple(
            HistoryLine(item, text(f"report.history.{item}"), said(item, value))
            for item, value in latest.answers
            if item in steps
        ),
    )


async def _note(session: AsyncSession, patient_id: int, clinic_id: int) -> str | None:
    """The clinic's note on the latest invitation of this clinic the patient opened."""
    query = (
        select(Invitation.note)
        .where(Invitation.patient_id == patient_id, Invitation.clinic_id == clinic_id)
        .order_by(Invitation.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


def report_chart(content: ReportContent, report: PatientReport, language: Language) -> bytes | None:
    """The NRS/COMI chart (PNG) of the report, or None with fewer than two values."""
    if not report.history:
        return None
    series = []
    for instrument in content.instruments.charted():
        chart = instrument.descriptor.chart
        assert chart is not None
        mine = [p for p in report.history if p.instrument == instrument.id]
        label = content.catalogs.render(language, Text(f"report.instrument.{instrument.id}"))
        # like with like: ratings of the moment (/pain, /flare) apart from the weekly line
        apart = chart.now_color is not None
        line = [(p.at, p.value) for p in mine if not (apart and p.recall == "now")]
        series.append(series_of(chart, label, line))
        if apart:
            now = Text(f"report.instrument.{instrument.id}_now")
            moments = [(p.at, p.value) for p in mine if p.recall == "now"]
            series.append(
                series_of(chart, content.catalogs.render(language, now), moments, now=True)
            )
    labels = chart_labels(content.catalogs, language)
    return progress_chart(series, [], labels, BRUSSELS).png


def render_pdf(
    content: ReportContent, report: PatientReport, language: Language, *, compress: bool = True
) -> bytes:
    chart = report_chart(content, report, language)
    texts = report_texts(content.catalogs, language)
    return render_summary_pdf(report, texts, chart, content.instruments, compress=compress)


async def clinician_report(
    session: AsyncSession,
    content: ReportContent,
    patient: Patient,
    clinic_id: int,
    language: Language,
    now: datetime,
    actor: str,
) -> PatientReport:
    """What one clinic's summary of one patient shows, read in the caller's transaction and
    audited there; the PDF is made after commit (summary_pdf). Raises ReportDenied."""
    clinic = await session.get(Clinic, clinic_id)
    if clinic is None or not await shares_with(session, patient.id, clinic_id):
        raise ReportDenied("the patient does not share with this clinic")
    report = await build_report(session, content, patient, clinic, language, now)
    audit(
        session,
        now,
        actor,
        "report",
        patient.id,
        clinic=clinic_id,
        language=language,
        results=len(report.results),
        red_flags=len(report.red_flags),
    )
    return report


async def summary_pdf(content: ReportContent, report: PatientReport, language: Language) -> bytes:
    """The PDF (with its chart) drawn in a worker thread: the event loop keeps serving
    other patients meanwhile, and no transaction or write lock is held by the caller."""
    return await asyncio.to_thread(render_pdf, content, report, language)


async def clinician_summary(
    content: ReportContent, report: PatientReport, language: Language
) -> Summary:
    """The PDF summary of a report read (and audited) by clinician_report; made after the
    caller's commit."""
    return Summary(report.patient_ref, await summary_pdf(content, report, language))
