"""Which answers drive a score: the item-level detail a clinician wants next to it.

Item ids and answer values follow docs/contracts.md ("Stored answer values"); which
answers drive a result, and their points, is the instrument's own (the `driver` its
descriptor names).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.instruments.registry import Instruments
from bot.reports.model import QuestionnaireResult


@dataclass(frozen=True)
class KeyItem:
    """An answer that drives the result: raw stored value and the points it scored."""

    item_id: str
    value: int
    points: int


def key_items(result: QuestionnaireResult, instruments: Instruments) -> list[KeyItem]:
    """The answers behind the result, in the order asked; empty for an instrument
    without a driver."""
    instrument = instruments.get(result.instrument)
    driver = instrument.driver if instrument is not None else None
    if driver is None:
        return []
    answers = [(item_id, int(value)) for item_id, value in result.answers]  # yes/no: 1/0
    drivers = ((item_id, value, driver(item_id, value)) for item_id, value in answers)
    return [KeyItem(item_id, value, pts) for item_id, value, pts in drivers if pts is not None]


def total_max(instruments: Instruments) -> dict[str, int]:
    """Highest possible total per instrument, printed as "total/max"."""
    return {i.id: i.descriptor.max_total for i in instruments}
