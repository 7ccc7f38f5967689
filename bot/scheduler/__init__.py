"""Reminders as database rows, dispatched by a periodic job through the service."""

from bot.scheduler.dispatch import Blocked, DispatchReport, RetryLater, Sender, dispatch_due

__all__ = ["Blocked", "DispatchReport", "RetryLater", "Sender", "dispatch_due"]
