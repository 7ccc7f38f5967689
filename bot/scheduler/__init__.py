"""Reminders as database rows, dispatched by a periodic job through the service
(bot/scheduler/dispatch.py) and delivered through the outbox (bot/delivery).

The names are imported on first use: bot/delivery/sender.py uses bot/scheduler/claims.py,
and dispatch.py uses the sender."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "dispatch_due": "bot.scheduler.dispatch",
    "DispatchReport": "bot.scheduler.dispatch",
    "Blocked": "bot.delivery.sender",
    "RetryLater": "bot.delivery.sender",
    "Sender": "bot.delivery.sender",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(import_module(_WHERE[name]), name)
