"""Validated questionnaires: pure scoring keyed to the item ids of docs/contracts.md.

Each instrument's scoring lives in `bot/instruments/<id>.py`; what BackPath does with
the result is its descriptor (`flows/instruments/<id>.yaml`), loaded into the registry
(`bot/instruments/registry.py`) that the runtime carries.
"""

from __future__ import annotations

from bot.instruments.model import InstrumentScore, ScoringError, describe_values

__all__ = ["InstrumentScore", "ScoringError", "describe_values"]
