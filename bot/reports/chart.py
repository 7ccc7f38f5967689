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
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.instruments.descriptor import Chart

WIDTH_PX = 800
HEIGHT_PX = 500
DPI = 100
_PHASE_COLOR = "#666666"
_BAND_COLOR = "#f2f2f2"
_TOP = 10.3  # the scores end here; the phase names are written above, in a band
_BAND = 1.5
_ROWS = (_TOP + 1.05, _TOP + 0.45)  # two rows of phase names
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
    note: str = ""  # what the instrument is, a line under the chart while it is drawn


@dataclass(frozen=True)
class ChartResult:
    """The PNG and what was drawn (for tests and logs)."""

    png: bytes
    points: int
    width: int
    height: int
    phase_names: tuple[str, ...] = ()  # the phase names drawn, left to right
    cut: tuple[str, ...] = ()  # texts that do not fit whole in the image (should be none)


def series_of(
    chart: Chart,
    label: str,
    points: Sequence[tuple[datetime, float]],
    *,
    now: bool = False,
    note: str = "",
) -> Series:
    """An instrument's series styled as its descriptor's `chart` says; `now`: its ratings
    of the moment (drawn apart when the descriptor gives them a colour); `note`: what the
    instrument is, under the chart."""
    if now and chart.now_color is not None:
        return Series(label, points, chart.now_color, chart.now_marker, joined=False)
    return Series(label, points, chart.color, chart.marker, note=note)


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
        ax.set_ylim(-0.3, _TOP + (_BAND if boundaries else 0))
        ax.set_yticks(range(11))
        names = _draw_phases(ax, boundaries, labels.phase_names, tz, left, right)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: labels.format_date(_date_of(x))))
        ax.set_title(labels.title, loc="left")
        ax.set_ylabel(labels.y_axis)
        ax.set_xlabel(labels.x_axis)
        ax.grid(axis="y", alpha=0.3)
        # under the plot, so it never covers the title or the phase names
        legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
        texts: list[Text] = [*names, ax.title, *legend.get_texts()]
        notes = "\n".join(one.note for one in drawn if one.note)
        if notes:
            texts.append(fig.text(0.5, 0.01, notes, ha="center", va="bottom", fontsize=8))
        _fit_phase_names(fig, ax, names)  # first, so the layout sees where they end up
        fig.tight_layout(rect=(0, 0.04 * (notes.count("\n") + 1) if notes else 0, 1, 1))
        _fit_phase_names(fig, ax, names)  # again in the final axes
        buffer = BytesIO()
        # No "Software" text chunk: the bytes do not change with the Matplotlib version.
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        width, height = canvas.get_width_height()
        return ChartResult(
            png=buffer.getvalue(),
            points=points,
            width=width,
            height=height,
            phase_names=tuple(t.get_text() for t in names),
            cut=_cut(fig, texts),
        )
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
) -> list[Annotation]:
    """A dashed line at each boundary inside the x range, and the phase names written
    level in a band above the scores (never over a point): each right of its line, the
    phase in force at the first point at the left edge. Later phases are left out."""
    in_force: str | None = None
    drawn: list[tuple[float, str]] = []
    for x, key in sorted((_x(moment, tz), key) for key, moment in boundaries):
        if x <= left:
            in_force = key
        elif x < right:
            ax.axvline(x, color=_PHASE_COLOR, linestyle="--", linewidth=1)
            drawn.append((x, key))
    if in_force is not None:
        drawn.insert(0, (left, in_force))
    if drawn:
        ax.axhspan(_TOP, _TOP + _BAND, color=_BAND_COLOR, zorder=0, linewidth=0)
    return [
        ax.annotate(
            names[key],
            xy=(x, _ROWS[0]),
            xytext=(3, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8,
            color=_PHASE_COLOR,
            annotation_clip=False,
        )
        for x, key in drawn
    ]


def _fit_phase_names(fig: Figure, ax: Axes, names: list[Annotation]) -> None:
    """Keep every phase name whole and apart: one that would run past the right edge
    ends at its line instead; one that would touch the name before it goes to the
    second row."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    edge = ax.get_window_extent(renderer).x1
    placed: list[Annotation] = []
    for name in names:
        name.set_horizontalalignment("left")
        name.set_position((3, 0))
        if name.get_window_extent(renderer).x1 > edge:
            name.set_horizontalalignment("right")
            name.set_position((-3, 0))
        for row in _ROWS:
            name.xy = (name.xy[0], row)
            box = name.get_window_extent(renderer)
            if not any(box.overlaps(p.get_window_extent(renderer)) for p in placed):
                break
        placed.append(name)


def _cut(fig: Figure, texts: Sequence[Text]) -> tuple[str, ...]:
    """The texts that do not fit whole inside the image."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = fig.bbox
    return tuple(
        t.get_text()
        for t in texts
        if t.get_text()
        and not (
            frame.x0 <= (box := t.get_window_extent(renderer)).x0
            and box.x1 <= frame.x1
            and frame.y0 <= box.y0
            and box.y1 <= frame.y1
        )
    )
