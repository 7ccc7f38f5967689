"""The /progress chart keeps every phase name whole and apart, explains COMI, and the
clinician's chart and trend never mix pain ratings of different recall periods."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot.charts import Charts
from bot.clinic import report as clinic_report
from bot.i18n import Catalogs
from bot.pathway.config import load_config
from bot.pathway.phase import phase_boundaries
from bot.pathway.quiet_hours import local_to_utc
from bot.reports.chart import ChartLabels, ChartResult, progress_chart
from bot.reports.model import HistoryPoint
from bot.reports.pdf import render_summary_pdf
from tests.instrument_support import INSTRUMENTS
from tests.unit.pdf_text import extract_text
from tests.unit.report_samples import DUTCH, NOW, report

CONFIG = load_config()


def charts(catalogs: Catalogs) -> Charts:
    return Charts(catalogs, CONFIG, INSTRUMENTS)


def draw(catalogs: Catalogs, lang: str, onset: date, with_comi: bool = True) -> ChartResult:
    """The patient's chart as /progress draws it (series from the instrument registry)."""
    chart = charts(catalogs)
    points = {("nrs", False): NRS, **({("comi", False): COMI} if with_comi else {})}
    series = chart._series(lang, points)  # type: ignore[arg-type]
    return progress_chart(series, boundaries(onset), chart._labels(lang), CONFIG.tz)  # type: ignore[arg-type]


T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
NRS = [(T0 + timedelta(days=d), v) for d, v in [(0, 7), (14, 6), (35, 4), (56, 3), (77, 3)]]
COMI = [(T0 + timedelta(days=d), v) for d, v in [(0, 6.5), (42, 4.2), (84, 3.1)]]


def boundaries(onset: date) -> list[tuple[str, datetime]]:
    return [(p, local_to_utc(d, time(0), CONFIG.tz)) for p, d in phase_boundaries(onset, CONFIG)]


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize(
    "onset",
    [
        date(2026, 3, 1),  # hyperacute at the first point: two boundaries a week apart
        date(2026, 2, 20),  # the 12-week line just inside the right edge
        date(2026, 1, 1),  # chronic from the start: one name at the left edge
    ],
)
def test_every_phase_name_and_text_fits_whole(catalogs: Catalogs, lang: str, onset: date) -> None:
    labels: ChartLabels = charts(catalogs)._labels(lang)  # type: ignore[arg-type]
    result = draw(catalogs, lang, onset)
    assert result.cut == ()
    assert result.phase_names  # the phase in force is always named
    assert set(result.phase_names) <= set(labels.phase_names.values())


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_comi_is_explained_under_the_chart(catalogs: Catalogs, lang: str) -> None:
    series = charts(catalogs)._series(lang, {("comi", False): COMI})  # type: ignore[arg-type]
    (note,) = [one.note for one in series if one.note]
    assert note.startswith("COMI") and "0 =" in note and "10 =" in note
    with_comi = draw(catalogs, lang, date(2026, 2, 20))
    without = draw(catalogs, lang, date(2026, 2, 20), with_comi=False)
    assert with_comi.png != without.png and with_comi.cut == ()


def test_history_points_keep_their_recall_apart() -> None:
    week = HistoryPoint("nrs", NOW, 6, "week")
    older = HistoryPoint("nrs", NOW, 6, None)  # stored before the recall was: a week
    moment = HistoryPoint("nrs", NOW, 8, "now")
    assert (week.series, older.series, moment.series) == ("nrs", "nrs", "nrs_now")
    assert HistoryPoint("comi", NOW, 4.0).series == "comi"


def test_the_clinician_chart_draws_ratings_of_the_moment_apart(
    monkeypatch: pytest.MonkeyPatch, catalogs: Catalogs
) -> None:
    drawn: list[Any] = []

    def fake_chart(series: Sequence[Any], *rest: object) -> Any:
        drawn.extend(series)
        return type("R", (), {"png": b"png"})()

    monkeypatch.setattr(clinic_report, "progress_chart", fake_chart)
    history = (
        HistoryPoint("nrs", NOW - timedelta(days=14), 7, "week"),
        HistoryPoint("nrs", NOW - timedelta(days=10), 9, "now"),
        HistoryPoint("nrs", NOW, 5, "week"),
    )
    content = clinic_report.ReportContent(catalogs, {}, INSTRUMENTS)
    clinic_report.report_chart(content, report(history=history), "nl")
    by_label = {one.label: [v for _, v in one.points] for one in drawn}
    assert by_label["NRS pijn"] == [7, 5]  # the weekly line
    assert by_label["NRS pijn op dat moment (/pain, /flare)"] == [9]  # the /flare rating
    assert not next(one for one in drawn if one.points == [(history[1].at, 9)]).joined


def test_the_pdf_lists_ratings_of_the_moment_on_their_own_line() -> None:
    history = (
        HistoryPoint("nrs", NOW - timedelta(days=14), 7, "week"),
        HistoryPoint("nrs", NOW - timedelta(days=10), 9, "now"),
        HistoryPoint("nrs", NOW, 5, "week"),
    )
    texts = DUTCH.__class__(
        **{
            **DUTCH.__dict__,
            "instruments": {**DUTCH.instruments, "nrs_now": "NRS pijn op dat moment"},
        }
    )
    text = extract_text(
        render_summary_pdf(report(history=history), texts, None, INSTRUMENTS, compress=False)
    )
    lines = text.splitlines()
    assert "NRS pijn: 7 (28/02/2025 09:30)  →  5 (14/03/2025 09:30)" in lines  # weekly only
    assert "NRS pijn op dat moment: 9 (04/03/2025 09:30)" in lines
