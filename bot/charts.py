"""Reply attachments, produced after commit from the database (the engine only names them).

"progress": the patient's NRS and COMI totals over time (scores of completed responses)
with the phase boundaries of the current episode, labelled in the patient's language.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time

from sqlalchemy import select

from bot.engine.model import Language, Text
from bot.i18n import Catalogs
from bot.i18n.formatting import format_short_day
from bot.pathway.config import PathwayConfig
from bot.pathway.phase import phase_boundaries
from bot.pathway.quiet_hours import local_to_utc
from bot.reports.chart import ChartLabels, ChartResult, progress_chart
from bot.store import Database
from bot.store.db import aware
from bot.store.models import Episode, Response, Score

PROGRESS = "progress"
SERIES = ("nrs", "comi")


class Charts:
    def __init__(self, db: Database, catalogs: Catalogs, config: PathwayConfig) -> None:
        self.db = db
        self.catalogs = catalogs
        self.config = config

    async def render(self, name: str, patient_id: int, language: Language) -> bytes | None:
        """The attachment's bytes, or None when there is nothing to show."""
        if name != PROGRESS:
            return None
        chart = await self.progress(patient_id, language)
        return chart.png if chart is not None else None

    async def progress(self, patient_id: int, language: Language) -> ChartResult | None:
        async with self.db.session() as session:
            rows = await session.execute(
                select(Score.instrument, Score.total, Response.completed_at)
                .join(Response, Score.response_id == Response.id)
                .where(
                    Response.patient_id == patient_id,
                    Response.status == "completed",
                    Response.completed_at.is_not(None),
                    Score.instrument.in_(SERIES),
                )
                .order_by(Response.completed_at)
            )
            series: dict[str, list[tuple[datetime, float]]] = {s: [] for s in SERIES}
            for instrument, total, completed_at in rows:
                if completed_at is not None:
                    series[instrument].append((aware(completed_at), float(total)))
            onset = (
                await session.execute(
                    select(Episode.onset)
                    .where(Episode.patient_id == patient_id)
                    .order_by(Episode.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        if not series["nrs"] and not series["comi"]:
            return None
        tz = self.config.tz
        boundaries = (
            [(p, local_to_utc(day, time(0), tz)) for p, day in phase_boundaries(onset, self.config)]
            if onset is not None
            else []
        )
        labels = self._labels(language)
        return await asyncio.to_thread(
            progress_chart, series["nrs"], series["comi"], boundaries, labels, tz
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
            phase_names={
                p: text(f"phase.{p}") for p in ("hyperacute", "acute", "subacute", "chronic")
            },
            format_date=lambda day: format_short_day(day, language),
        )
