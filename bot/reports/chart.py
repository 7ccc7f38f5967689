"""Progress chart (the charted instruments' totals over time, on one 0-10 axis) as a PNG.

Uses the object-oriented Matplotlib API with the Agg canvas, never ``pyplot``: no global
figure registry, no GUI backend, safe in a server with several threads. All texts come
in already translated through :class:`ChartLabels`, so this module has no language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.instruments.descriptor import Chart

WIDTH_PX = 800
HEIGHT_PX = 500
DPI = 100
_PHASE_COLOR = "#888888"
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class ChartLabels:
    """Translated texts; ``phase_names`` maps the boundary keys (phase ids) to names."""

    title: str
    y_axis: str
    x_axis: str
    phase_names: Mapping[str, str]
    format_date: Callable[[date], str]


@dataclass(frozen=True)
class Series:
    """One instrument's points (aware datetime, total), drawn as the descriptor's `chart`
    says: a line, or separate markers (``joined=False``: ratings of the moment)."""

    label: str
    points: Sequence[tuple[datetime, float]]
    color: str
    marker: str = "o"
    joined: bool = True


@dataclass(frozen=True)
class ChartResult:
    """The PNG and what was drawn (for tests and logs)."""

    png: bytes
    points: int
    width: int
    height: int


def series_of(
    chart: Chart, label: str, points: Sequence[tuple[datetime, float]], *, now: bool = False
) -> Series:
    """An instrument's series styled as its descriptor's `chart` says; `now`: its ratings
    of the moment (drawn apart when the descriptor gives them a colour)."""
    if now and chart.now_color is not None:
        return Series(label, points, chart.now_color, chart.now_marker, joined=False)
    return Series(label, points, chart.color, chart.marker)


def progress_chart(
    series: Sequence[Series],
    boundaries: Sequence[tuple[str, datetime]],
    labels: ChartLabels,
    tz: ZoneInfo,
) -> ChartResult:
    """The series (all 0-10) on one axis, in the order given, with phase boundaries as
    labelled lines. Pain ratings of the moment (/pain, /flare) come as a series of their
    own with ``joined=False``, so unlike things are not joined.

    Times are aware datetimes, shown as local dates in ``tz``. Boundaries outside the
    span of the data are not drawn, but the phase in force at the first point is named
    at the left edge. Raises ``ValueError`` when there is no point at all.
    """
    drawn = [one for one in series if one.points]
    if not drawn:
        raise ValueError("nothing to plot")
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    try:
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        points = 0
        for one in drawn:
            ordered = sorted(one.points, key=lambda p: p[0])
            xs = [_x(t, tz) for t, _ in ordered]
            (line,) = ax.plot(
                xs,
                [v for _, v in ordered],
                marker=one.marker,
                linestyle="-" if one.joined else "none",
                color=one.color,
                label=one.label,
            )
            points += np.asarray(line.get_xdata()).size
        all_x = [_x(t, tz) for one in drawn for t, _ in one.points]
        margin = max(1.0, 0.03 * (max(all_x) - min(all_x)))  # days; keeps markers whole
        left, right = min(all_x) - margin, max(all_x) + margin
        ax.set_xlim(left, right)
        _draw_phases(ax, boundaries, labels.phase_names, tz, left, right)
        ax.set_ylim(-0.3, 10.3)
        ax.set_yticks(range(11))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: labels.format_date(_date_of(x))))
        ax.set_title(labels.title, loc="left")
        ax.set_ylabel(labels.y_axis)
        ax.set_xlabel(labels.x_axis)
        ax.grid(axis="y", alpha=0.3)
        # under the plot, so it never covers the title or the phase names
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
        fig.tight_layout()
        buffer = BytesIO()
        # No "Software" text chunk: the bytes do not change with the Matplotlib version.
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        width, height = canvas.get_width_height()
        return ChartResult(png=buffer.getvalue(), points=points, width=width, height=height)
    finally:
        fig.clear()


def _x(moment: datetime, tz: ZoneInfo) -> float:
    """Days since 1970-01-01 of the local wall time in ``tz`` (the plain float x axis)."""
    if moment.tzinfo is None:
        raise ValueError("chart times must be timezone-aware")
    return (moment.astimezone(tz).replace(tzinfo=None) - _EPOCH).total_seconds() / 86400


def _date_of(x: float) -> date:
    return (_EPOCH + timedelta(days=x)).date()


def _draw_phases(
    ax: Axes,
    boundaries: Sequence[tuple[str, datetime]],
    names: Mapping[str, str],
    tz: ZoneInfo,
    left: float,
    right: float,
) -> None:
    """Dashed line and name at each boundary inside the x range; earlier phases are only
    named (the latest of them at the left edge), later ones are left out."""
    in_force: str | None = None
    for x, key in sorted((_x(moment, tz), key) for key, moment in boundaries):
        if x <= left:
            in_force = key
        elif x < right:
            ax.axvline(x, color=_PHASE_COLOR, linestyle="--", linewidth=1)
            _phase_text(ax, x, names[key], near_right=(x - left) / (right - left) > 0.95)
    if in_force is not None:
        _phase_text(ax, left, names[in_force], near_right=False)


def _phase_text(ax: Axes, x: float, text: str, near_right: bool) -> None:
    """The phase name beside its line (never on it), inside the plot: on the left of a
    line close to the right edge, so the name is never cut off."""
    ax.annotate(
        text,
        xy=(x, 9.9),
        xytext=(-3 if near_right else 3, 0),
        textcoords="offset points",
        rotation=90,
        rotation_mode="anchor",  # read upwards, ending at the top of the plot
        ha="right",
        va="bottom" if near_right else "top",
        fontsize=8,
        color=_PHASE_COLOR,
        annotation_clip=False,
    )
