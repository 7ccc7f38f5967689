import struct
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from matplotlib import image

from bot.pathway.config import load_config
from bot.pathway.phase import phase_boundaries
from bot.pathway.quiet_hours import local_to_utc
from bot.reports.chart import ChartLabels, Series, progress_chart, series_of
from tests.instrument_support import INSTRUMENTS

BRU = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 3, 3, 9, tzinfo=UTC)
NRS = [(T0 + timedelta(weeks=2 * i), v) for i, v in enumerate([7, 6, 6, 5, 4, 4, 3])]
COMI = [(T0, 6.5), (T0 + timedelta(weeks=6), 4.2), (T0 + timedelta(weeks=12), 2.9)]
BOUNDARIES = [
    (phase, local_to_utc(day, time(0), BRU))
    for phase, day in phase_boundaries(date(2026, 2, 20), load_config())
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def labels(formatted: list[date] | None = None) -> ChartLabels:
    def format_date(day: date) -> str:
        if formatted is not None:
            formatted.append(day)
        return day.isoformat()

    return ChartLabels(
        title="Verloop van je pijn",
        y_axis="pijn 0-10",
        x_axis="datum",
        phase_names={
            "hyperacute": "hyperacuut",
            "acute": "acuut",
            "subacute": "subacuut",
            "chronic": "chronisch",
        },
        format_date=format_date,
    )


def series(
    nrs: list[tuple[datetime, float]],
    comi: list[tuple[datetime, float]],
    nrs_now: list[tuple[datetime, float]] | None = None,
) -> list[Series]:
    """The series as the descriptors style them: the weekly NRS line, the NRS ratings of
    the moment apart, the COMI line."""
    nrs_chart, comi_chart = (INSTRUMENTS[i].descriptor.chart for i in ("nrs", "comi"))
    assert nrs_chart is not None and comi_chart is not None
    return [
        series_of(nrs_chart, "NRS", nrs),
        series_of(nrs_chart, "pijn nu", nrs_now or [], now=True),
        series_of(comi_chart, "COMI", comi),
    ]


def ihdr_size(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_png_of_fixed_size_with_every_point() -> None:
    formatted: list[date] = []
    result = progress_chart(series(NRS, COMI), BOUNDARIES, labels(formatted), BRU)

    assert result.png.startswith(PNG_SIGNATURE)
    assert ihdr_size(result.png) == (800, 500) == (result.width, result.height)
    assert image.imread(BytesIO(result.png)).shape[:2] == (500, 800)
    assert result.points == len(NRS) + len(COMI)
    assert len(result.png) < 100_000
    # Tick labels come from the passed-in formatter, as local dates.
    assert all(type(d) is date for d in formatted)
    assert any(date(2026, 3, 3) <= d <= date(2026, 5, 26) for d in formatted)


def test_output_is_deterministic() -> None:
    first = progress_chart(series(NRS, COMI), BOUNDARIES, labels(), BRU)
    second = progress_chart(series(NRS, COMI), BOUNDARIES, labels(), BRU)
    assert first.png == second.png


def test_one_series_and_a_single_point() -> None:
    assert progress_chart(series([], COMI[:1]), BOUNDARIES, labels(), BRU).points == 1
    assert progress_chart(series(NRS, []), [], labels(), BRU).points == len(NRS)


def test_no_points_or_naive_times_are_rejected() -> None:
    with pytest.raises(ValueError, match="nothing"):
        progress_chart(series([], []), BOUNDARIES, labels(), BRU)
    with pytest.raises(ValueError, match="aware"):
        progress_chart(series([(datetime(2026, 3, 3, 9), 5.0)], []), [], labels(), BRU)
