"""The "progress" reply attachment: the patient's NRS and COMI totals over time.

Drawn in the event's transaction from the scores of completed responses (so the score
just given is in it), with the phase boundaries of the current episode and labels in
the patient's language. The engine only names the attachment (Reply.attachment).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.model import Language, Text
from bot.i18n import Catalogs
from bot.i18n.formatting import format_short_day
from bot.pathway.config import PathwayConfig
from bot.pathway.phase import phase_boundaries
from bot.pathway.quiet_hours import local_to_utc
from bot.reports.chart import ChartLabels, ChartResult, progress_chart
from bot.store.models import Episode, Patient, Response, Score

PROGRESS = "progress"
FILENAME = "progress.png"
SERIES = ("nrs", "comi")
NRS_NOW = "nrs_now"  # pain ratings of the moment: drawn apart from the weekly ones


class Charts:
    def __init__(self, catalogs: Catalogs, config: PathwayConfig) -> None:
        self.catalogs = catalogs
        self.config = config

    async def attachment(
        self, session: AsyncSession, patient: Patient, now: datetime
    ) -> tuple[str, bytes, Text | None] | None:
        """The service's producer for "progress" (None when there is no score yet)."""
        language: Language = "fr" if patient.language == "fr" else "nl"
        chart = await self.progress(session, patient.id, language)
        return (FILENAME, chart.png, None) if chart is not None else None

    async def progress(
        self, session: AsyncSession, patient_id: int, language: Language
    ) -> ChartResult | None:
        rows = await session.execute(
            select(Score.instrument, Score.recall, Score.total, Response.completed_at)
            .join(Response, Score.response_id == Response.id)
            .where(
                Response.patient_id == patient_id,
                Response.status == "completed",
                Score.instrument.in_(SERIES),
            )
            .order_by(Response.completed_at)
        )
        series: dict[str, list[tuple[datetime, float]]] = {s: [] for s in (*SERIES, NRS_NOW)}
        for instrument, recall, total, completed_at in rows:
            if completed_at is not None:
                name = NRS_NOW if instrument == "nrs" and recall == "now" else instrument
                series[name].append((completed_at, float(total)))
        onset = (
            await session.execute(
                select(Episode.onset)
                .where(Episode.patient_id == patient_id)
                .order_by(Episode.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if not any(series.values()):
            return None
        tz = self.config.tz
        boundaries = (
            [(p, local_to_utc(day, time(0), tz)) for p, day in phase_boundaries(onset, self.config)]
            if onset is not None
            else []
        )
        labels = self._labels(language)
        return await asyncio.to_thread(
            progress_chart,
            series["nrs"],
            series["comi"],
            boundaries,
            labels,
            tz,
            series[NRS_NOW],
        )

    def _labels(self, language: Language) -> ChartLabels:
        def text(key: str) -> str:
            return self.catalogs.render(language, Text(key))

        return ChartLabels(
            title=text("chart.title"),
            y_axis=text("chart.y_axis"),
            x_axis=text("chart.x_axis"),
            nrs=text("chart.nrs"),
            comi=text("chart.comi"),
            nrs_now=text("chart.nrs_now"),
            comi_note=text("chart.comi_note"),
            phase_names={
                p: text(f"phase.{p}") for p in ("hyperacute", "acute", "subacute", "chronic")
            },
            format_date=lambda day: format_short_day(day, language),
        )
