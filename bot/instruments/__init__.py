"""Validated questionnaires: pure scoring keyed to the item ids of docs/contracts.md."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.instruments import comi, nrs, orebro, startback
from bot.instruments.comi import ComiChange, comi_change
from bot.instruments.model import InstrumentScore, ScoringError, describe_values

Scorer = Callable[[Mapping[str, int]], InstrumentScore]

#: Instrument id (``instrument:`` in a flow file) -> scoring function.
SCORERS: dict[str, Scorer] = {
    startback.NAME: startback.score,
    orebro.NAME: orebro.score,
    comi.NAME: comi.score,
    nrs.NAME: nrs.score,
}

#: Instrument id -> the highest possible total (printed as "total/max").
MAX_TOTAL: dict[str, int] = {
    module.NAME: module.MAX_TOTAL for module in (startback, orebro, comi, nrs)
}

#: Instrument id -> (item, value) -> the points of an answer that drives the result, or
#: None; instruments without one show no driving answers.
DRIVERS: dict[str, Callable[[str, int], int | None]] = {
    startback.NAME: startback.driver,
    orebro.NAME: orebro.driver,
}

#: Instrument id -> its result categories.
CATEGORIES: dict[str, tuple[str, ...]] = {
    module.NAME: module.CATEGORIES for module in (startback, orebro, comi, nrs)
}

#: Instrument id -> the names of its part scores (`InstrumentScore.subscales`).
SUBSCALES: dict[str, tuple[str, ...]] = {
    module.NAME: module.SUBSCALES for module in (startback, orebro, comi, nrs)
}

#: Instrument id -> item id -> allowed stored values.
ITEMS: dict[str, dict[str, tuple[int, ...]]] = {
    module.NAME: dict(module.ITEMS) for module in (startback, orebro, comi, nrs)
}

__all__ = [
    "CATEGORIES",
    "DRIVERS",
    "ITEMS",
    "MAX_TOTAL",
    "SCORERS",
    "SUBSCALES",
    "ComiChange",
    "InstrumentScore",
    "Scorer",
    "ScoringError",
    "comi_change",
    "describe_values",
]
