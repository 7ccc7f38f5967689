"""Örebro Musculoskeletal Pain Screening Questionnaire, short form (© S.J. Linton)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.instruments.model import InstrumentScore, ItemSpec, check_answers

NAME = "orebro"
VERSION = 1

_SCALE = tuple(range(11))
ITEMS: ItemSpec = MappingProxyType(
    {
        # Duration band 1 (0-1 week) .. 10 (> 52 weeks); the band is its points.
        "duration": tuple(range(1, 11)),
        "pain": _SCALE,
        "depressed": _SCALE,
        "anxious": _SCALE,
        "persist_risk": _SCALE,
        "work_chance": _SCALE,
        "pain_stop": _SCALE,
        "normal_work": _SCALE,
        "light_work": _SCALE,
        "sleep": _SCALE,
    }
)
#: Positively worded items, scored as 10 minus the answer.
REVERSED = frozenset({"work_chance", "light_work", "sleep"})
#: KCE annex: "Score >49 = Verhoogd risico".
ELEVATED_ABOVE = 49
#: An answer scoring this many points or more is shown as driving the result: our display
#: threshold (top third of the 0-10 range), not a published cut-off. `duration` counts
#: too: band 7 and above is 12 weeks or more.
DRIVER_FROM = 7


def points(item: str, value: int) -> int:
    """The points one answer scores (positively worded items are reversed)."""
    return 10 - value if item in REVERSED else value


def driver(item: str, value: int) -> int | None:
    """The points of an answer that drives the result, else None."""
    scored = points(item, value)
    return scored if scored >= DRIVER_FROM else None


def score(answers: Mapping[str, int]) -> InstrumentScore:
    """Score one ÖMPSQ-SF form; ``total`` ranges 1..100."""
    check_answers(NAME, answers, ITEMS)
    total = sum(points(i, answers[i]) for i in ITEMS)
    return InstrumentScore(
        instrument=NAME,
        version=VERSION,
        total=total,
        subscales=MappingProxyType({}),
        category="elevated" if total > ELEVATED_ABOVE else "not_elevated",
    )
