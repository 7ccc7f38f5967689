"""Which answers drive a score: the item-level detail a clinician wants next to it.

Item ids and answer values follow docs/contracts.md ("Stored answer values").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.reports.model import QuestionnaireResult

# Highest possible total per instrument, printed as "total/max".
TOTAL_MAX: dict[str, int] = {"startback": 9, "orebro": 100, "comi": 10, "nrs": 10}

# STarT Back distress subscale items scored agree = 1; `bothersome` is an answer
# position 0-4 where "very much" (3) and "extremely" (4) score 1.
_STARTBACK_DISTRESS = ("fear", "worry", "catastrophising", "anhedonia")
_STARTBACK_BOTHERSOME_SCORED = 3

# Örebro items scored 10 - answer. An item is shown when its scored points reach
# _OREBRO_HIGH: our display threshold (top third of the 0-10 range), not a
# published cut-off. `duration` counts too: band 7 and above is 12 weeks or more.
_OREBRO_REVERSED = frozenset({"work_chance", "light_work", "sleep"})
_OREBRO_HIGH = 7


@dataclass(frozen=True)
class KeyItem:
    """An answer that drives the result: raw stored value and the points it scored."""

    item_id: str
    value: int
    points: int


def key_items(result: QuestionnaireResult) -> list[KeyItem]:
    """The answers behind the result, in the order asked; empty for other instruments."""
    if result.instrument == "startback":
        return [
            KeyItem(item_id, value, 1)
            for item_id, value in result.answers
            if (item_id in _STARTBACK_DISTRESS and value == 1)
            or (item_id == "bothersome" and value >= _STARTBACK_BOTHERSOME_SCORED)
        ]
    if result.instrument == "orebro":
        items = (
            KeyItem(item_id, value, 10 - value if item_id in _OREBRO_REVERSED else value)
            for item_id, value in result.answers
        )
        return [item for item in items if item.points >= _OREBRO_HIGH]
    return []
