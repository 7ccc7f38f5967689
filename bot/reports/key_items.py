"""Which answers drive a score: the item-level detail a clinician wants next to it.

Item ids and answer values follow docs/contracts.md ("Stored answer values"); which
answers drive a result, and their points, is the instrument's own (bot.instruments.DRIVERS).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.instruments import DRIVERS, MAX_TOTAL
from bot.reports.model import QuestionnaireResult

#: Highest possible total per instrument, printed as "total/max".
TOTAL_MAX = MAX_TOTAL


@dataclass(frozen=True)
class KeyItem:
    """An answer that drives the result: raw stored value and the points it scored."""

    item_id: str
    value: int
    points: int


def key_items(result: QuestionnaireResult) -> list[KeyItem]:
    """The answers behind the result, in the order asked; empty for other instruments."""
    driver = DRIVERS.get(result.instrument)
    if driver is None:
        return []
    drivers = ((item_id, value, driver(item_id, value)) for item_id, value in result.answers)
    return [KeyItem(item_id, value, pts) for item_id, value, pts in drivers if pts is not None]
