"""Numeric rating scale for pain over the last week (0 = no pain, 10 = worst imaginable)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.instruments.model import InstrumentScore, ItemSpec, check_answers

NAME = "nrs"
VERSION = 1

ITEMS: ItemSpec = MappingProxyType({"pain": tuple(range(11))})


def score(answers: Mapping[str, int]) -> InstrumentScore:
    """Score one NRS answer: the total is the pain rating itself."""
    check_answers(NAME, answers, ITEMS)
    return InstrumentScore(
        instrument=NAME,
        version=VERSION,
        total=answers["pain"],
        subscales=MappingProxyType({}),
        category=None,
    )
