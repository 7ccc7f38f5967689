"""Persisting engine effects: one writer per effect type, registered by feature modules.

Writers run inside the event's transaction (see bot/service.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Patient


@dataclass
class WriteContext:
    session: AsyncSession
    patient: Patient
    now: datetime
    update_id: int | None


Writer = Callable[[WriteContext, Any], Awaitable[None]]
_WRITERS: dict[type, Writer] = {}
W = TypeVar("W", bound=Writer)


def writes(effect_type: type) -> Callable[[W], W]:
    """Register the writer of one effect type."""

    def register(fn: W) -> W:
        if effect_type in _WRITERS:
            raise ValueError(f"{effect_type.__name__} has a writer already")
        _WRITERS[effect_type] = fn
        return fn

    return register


async def apply(ctx: WriteContext, effect: object) -> None:
    writer = _WRITERS.get(type(effect))
    if writer is None:
        raise LookupError(f"no writer for effect {type(effect).__name__}")
    await writer(ctx, effect)


def load_writers() -> None:
    """Import every writer module so their registrations run."""
    from bot.store.effects import advice, clinic, core, followup, triage  # noqa: F401
