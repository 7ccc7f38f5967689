"""Core Outcome Measures Index for back problems (EUROSPINE Spine Tango; Mannion et al.).

Scale 0 (best) to 10 (worst).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Literal

from bot.instruments.model import InstrumentScore, ItemSpec, check_answers

NAME = "comi"
VERSION = 1

_PAIN = tuple(range(11))
_FIVE = (1, 2, 3, 4, 5)  # answer position
ITEMS: ItemSpec = MappingProxyType(
    {
        "main_problem": (1, 2, 3, 4),  # asked and stored, not scored
        "back_pain": _PAIN,
        "leg_pain": _PAIN,
        "function": _FIVE,
        "wellbeing": _FIVE,
        "quality_of_life": _FIVE,
        "social_disability": _FIVE,
        "work_disability": _FIVE,
    }
)
DOMAINS = ("pain", "function", "wellbeing", "quality_of_life", "disability")

#: Change against the episode's baseline COMI. A fall of 2.2 or more is an improvement
#: (Mannion 2009, individual cut-off; about the measurement error, MDC ~2.1 in French
#: non-surgical patients, Genevay 2014). A rise of 1.2 or more is a deterioration
#: (Mannion's group MCID for deterioration); Mannion's individual 0.3 lies far below the
#: measurement error and would call noise "worse". In between: about the same.
IMPROVEMENT = Decimal("2.2")
DETERIORATION = Decimal("1.2")
_CENT = Decimal("0.01")

ComiChange = Literal["improved", "unchanged", "worse"]


def _points(position: int) -> float:
    """Answer position 1..5 to points 0, 2.5, 5, 7.5, 10."""
    return (position - 1) * 2.5


def score(answers: Mapping[str, int]) -> InstrumentScore:
    """Score one COMI form: ``total`` is the COMI index, ``subscales`` the five domains."""
    check_answers(NAME, answers, ITEMS)
    domains = {
        "pain": float(max(answers["back_pain"], answers["leg_pain"])),
        "function": _points(answers["function"]),
        "wellbeing": _points(answers["wellbeing"]),
        "quality_of_life": _points(answers["quality_of_life"]),
        "disability": (_points(answers["social_disability"]) + _points(answers["work_disability"]))
        / 2,
    }
    # Every domain is a multiple of 0.25 (exact in binary), so the sum is exact and
    # the index is a multiple of 0.05; rounding only removes the division's noise.
    index = round(sum(domains[d] for d in DOMAINS) / len(DOMAINS), 2)
    return InstrumentScore(
        instrument=NAME,
        version=VERSION,
        total=index,
        subscales=MappingProxyType(domains),
        category=None,
    )


def _cents(value: float) -> Decimal:
    if not 0 <= value <= 10:
        raise ValueError(f"COMI score must be between 0 and 10, got {value!r}")
    return Decimal(repr(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def comi_change(previous: float, current: float) -> ComiChange:
    """Classify the change from ``previous`` (the episode's baseline) to ``current``.

    Compared in exact decimals at two places, so that 5.0 -> 2.8 is a fall of
    exactly 2.2 (an improvement) despite binary float rounding.
    """
    change = _cents(current) - _cents(previous)
    if change <= -IMPROVEMENT:
        return "improved"
    if change >= DETERIORATION:
        return "worse"
    return "unchanged"
