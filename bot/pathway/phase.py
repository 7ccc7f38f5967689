"""Phase of an episode, counted in calendar days from its onset.

Boundary semantics (half-open intervals, the onset day is day 0): a phase starts on its
boundary day. With the defaults:

- hyperacute: days 0-6 (week 1); day 7 is the first acute day;
- acute: days 7-41; day 42 (6 weeks) is the first subacute day;
- subacute: days 42-83; day 84 (12 weeks) is the first chronic day;
- chronic: day 84 and later ("more than 12 weeks": on day 84 the pain has lasted
  12 weeks plus part of a day).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from bot.pathway.config import PathwayConfig

Phase = Literal["hyperacute", "acute", "subacute", "chronic"]


def phase_boundaries(onset: date, config: PathwayConfig) -> list[tuple[Phase, date]]:
    """Each phase with its first day, in order (for charts and reports)."""
    p = config.phases
    return [
        ("hyperacute", onset),
        ("acute", onset + timedelta(days=p.acute_from_day)),
        ("subacute", onset + timedelta(days=p.subacute_from_day)),
        ("chronic", onset + timedelta(days=p.chronic_from_day)),
    ]


def phase_on(onset: date, today: date, config: PathwayConfig) -> Phase:
    """The phase on local date ``today`` of an episode that started on ``onset``."""
    if today < onset:
        raise ValueError("today is before the onset")
    current: Phase = "hyperacute"
    for phase, first_day in phase_boundaries(onset, config):
        if today >= first_day:
            current = phase
    return current
