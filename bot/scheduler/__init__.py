"""Reminders as database rows, dispatched by a periodic job through the service
(bot/scheduler/dispatch.py) and delivered through the outbox (bot/delivery)."""
