"""Scoring of the validated instruments (pure)."""

from collections.abc import Callable, Mapping
from typing import Any


def _nrs(answers: Mapping[str, int]) -> dict[str, Any]:
    return {
        "instrument": "nrs",
        "version": 1,
        "total": answers["pain"],
        "subscales": {},
        "category": None,
    }


SCORERS: dict[str, Callable[[Mapping[str, int]], Any]] = {"nrs": _nrs}
