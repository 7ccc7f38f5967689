"""STarT Back Screening Tool (© 2007 Keele University), scored per Keele."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.instruments.model import InstrumentScore, ItemSpec, check_answers

NAME = "startback"
VERSION = 1

_AGREE = (0, 1)  # 0 = disagree (Oneens), 1 = agree (Eens)
#: Items 5-9, the psychosocial (distress) subscale.
PSYCHOSOCIAL = ("fear", "worry", "catastrophising", "anhedonia", "bothersome")
ITEMS: ItemSpec = MappingProxyType(
    {
        "leg_pain": _AGREE,
        "shoulder_neck": _AGREE,
        "walk_short": _AGREE,
        "dress_slow": _AGREE,
        "fear": _AGREE,
        "worry": _AGREE,
        "catastrophising": _AGREE,
        "anhedonia": _AGREE,
        # Answer position: not at all, slightly, moderately, very much, extremely.
        "bothersome": (0, 1, 2, 3, 4),
    }
)
#: Item 9 counts 1 only for "Erg" (very much) and "Extreem" (extremely).
_BOTHERSOME_FROM = 3


def points(item: str, value: int) -> int:
    """The points one answer scores."""
    if item == "bothersome":
        return int(value >= _BOTHERSOME_FROM)
    return value


def driver(item: str, value: int) -> int | None:
    """The points of an answer that drives the result (a scored distress item), else None."""
    scored = points(item, value)
    return scored if item in PSYCHOSOCIAL and scored else None


def risk(total: int, psychosocial: int) -> str:
    """Keele risk group: low if total <= 3, else high if psychosocial >= 4, else medium."""
    if total <= 3:
        return "low"
    return "high" if psychosocial >= 4 else "medium"


def score(answers: Mapping[str, int]) -> InstrumentScore:
    """Score one STarT Back form (see docs/contracts.md for the stored values)."""
    check_answers(NAME, answers, ITEMS)
    scored = {item: points(item, answers[item]) for item in ITEMS}
    total = sum(scored.values())
    psychosocial = sum(scored[item] for item in PSYCHOSOCIAL)
    return InstrumentScore(
        instrument=NAME,
        version=VERSION,
        total=total,
        subscales=MappingProxyType({"psychosocial": psychosocial}),
        category=risk(total, psychosocial),
    )
