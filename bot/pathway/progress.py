"""Pain trend and the "is it improving?" decision at review moments.

NRS: a change of 2 points or more is meaningful (shared/clinical/instruments.md §4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

MEANINGFUL_NRS_CHANGE = 2.0
# "Clearly better" also needs the pain to be mild now (NRS 0-3 is the usual "mild" band),
# so that a fall from 9 to 7 does not end the follow-up.
MILD_PAIN_MAX_NRS = 3.0

Direction = Literal["better", "same", "worse"]
GlobalChange = Literal["better", "same", "worse"]
Progress = Literal["clearly_better", "improving", "not_improving", "unknown"]


@dataclass(frozen=True)
class TrendSummary:
    """First and last NRS of a series; ``change`` is last minus first (negative = less pain)."""

    first_value: float
    first_at: datetime
    last_value: float
    last_at: datetime
    change: float
    direction: Direction


def trend_summary(points: Sequence[tuple[datetime, float]]) -> TrendSummary | None:
    """Summary from the earliest to the latest point; ``None`` with fewer than two points."""
    if len(points) < 2:
        return None
    ordered = sorted(points, key=lambda p: p[0])
    (first_at, first), (last_at, last) = ordered[0], ordered[-1]
    change = last - first
    direction: Direction = "same"
    if change <= -MEANINGFUL_NRS_CHANGE:
        direction = "better"
    elif change >= MEANINGFUL_NRS_CHANGE:
        direction = "worse"
    return TrendSummary(first, first_at, last, last_at, change, direction)


def assess_progress(
    nrs: Sequence[tuple[datetime, float]],
    answers: Sequence[tuple[datetime, GlobalChange]] = (),
) -> Progress:
    """Progress of an episode from its NRS series and its "better / same / worse?" answers.

    - ``not_improving``: the NRS fell by less than 2 points since the first value, or the
      latest answer is "same" or "worse". Either signal is enough: at a review moment
      this only leads to advising a GP visit, so we err on that side.
    - ``clearly_better``: the NRS fell by 2 points or more, the pain is now mild (NRS <= 3)
      and the latest answer, if any, is "better". The engine offers to stop the
      follow-up ("uit zorgpad").
    - ``improving``: better, but not clearly: keep following up.
    - ``unknown``: fewer than two NRS values and no answer.
    """
    trend = trend_summary(nrs)
    latest_answer = max(answers, key=lambda a: a[0])[1] if answers else None
    if trend is None and latest_answer is None:
        return "unknown"
    if latest_answer in ("same", "worse") or (trend is not None and trend.direction != "better"):
        return "not_improving"
    if trend is not None and trend.last_value <= MILD_PAIN_MAX_NRS:
        return "clearly_better"
    return "improving"
