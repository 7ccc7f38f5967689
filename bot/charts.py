"""The "progress" reply attachment: the totals of the charted instruments over time
(the descriptors' `chart`: NRS and COMI today).

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
from bot.instruments.registry import Instruments
from bot.pathway.config import PathwayConfig
from bot.pathway.phase import phase_boundaries
from bot.pathway.quiet_hours import local_to_utc
from bot.reports.chart import ChartLabels, ChartResult, Series, progress_chart, series_of
from bot.store.models import Episode, Patient, Response, Score

PROGRESS = "progress"
FILENAME = "progress.png"


class Charts:
    def __init__(self, catalogs: Catalogs, config: PathwayConfig, instruments: Instruments) -> None:
        self.catalogs = catalogs
        self.config = config
        self.instruments = instruments

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
        charted = self.instruments.charted()
        rows = await session.execute(
            select(Score.instrument, Score.recall, Score.total, Response.completed_at)
            .join(Response, Score.response_id == Response.id)
            .where(
                Response.patient_id == patient_id,
                Response.status == "completed",
                Score.instrument.in_([i.id for i in charted]),
            )
            .order_by(Response.completed_at)
        )
        # (instrument, a rating of the moment drawn apart) -> points
        points: dict[tuple[str, bool], list[tuple[datetime, float]]] = {}
        for instrument, recall, total, completed_at in rows:
            chart = self.instruments[instrument].descriptor.chart
            if completed_at is not None and chart is not None:
                apart = recall == "now" and chart.now_color is not None
                points.setdefault((instrument, apart), []).append((completed_at, float(total)))
        onset = (
            await session.execute(
                select(Episode.onset)
                .where(Episode.patient_id == patient_id)
                .order_by(Episode.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if not points:
            return None
        tz = self.config.tz
        boundaries = (
            [(p, local_to_utc(day, time(0), tz)) for p, day in phase_boundaries(onset, self.config)]
            if onset is not None
            else []
        )
        series = self._series(language, points)
        return await asyncio.to_thread(
            progress_chart, series, boundaries, self._labels(language), tz
        )

    def _series(
        self, language: Language, points: dict[tuple[str, bool], list[tuple[datetime, float]]]
    ) -> list[Series]:
        """Each charted instrument's line, then its ratings of the moment (label
        `chart.<id>`, `chart.<id>_now`; `chart.<id>_note` under the chart when the
        descriptor says the instrument needs explaining)."""
        out = []
        for instrument in self.instruments.charted():
            chart = instrument.descriptor.chart
            assert chart is not None
            for apart, key in ((False, instrument.id), (True, f"{instrument.id}_now")):
                if not apart or chart.now_color is not None:
                    label = self.catalogs.render(language, Text(f"chart.{key}"))
                    # what the instrument is (COMI), under the chart
                    note = f"chart.{instrument.id}_note" if chart.explained and not apart else None
                    out.append(
                        series_of(
                            chart,
                            label,
                            points.get((instrument.id, apart), []),
                            now=apart,
                            note=self.catalogs.render(language, Text(note)) if note else "",
                        )
                    )
        return out

    def _labels(self, language: Language) -> ChartLabels:
        def text(key: str) -> str:
            return self.catalogs.render(language, Text(key))

        return ChartLabels(
            title=text("chart.title"),
            y_axis=text("chart.y_axis"),
            x_axis=text("chart.x_axis"),
            phase_names={
                p: text(f"phase.{p}") for p in ("hyperacute", "acute", "subacute", "chronic")
            },
            format_date=lambda day: format_short_day(day, language),
        )
