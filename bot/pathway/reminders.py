"""Timing of one sent reminder: snooze, the single nudge and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from bot.pathway.config import PathwayConfig
from bot.pathway.quiet_hours import local_to_utc, next_allowed, require_aware

SnoozeOption = Literal["tomorrow", "next_week"]


@dataclass(frozen=True)
class ReminderTimes:
    """When to nudge (``None``: no nudge) and when an unanswered reminder expires (UTC)."""

    nudge_at: datetime | None
    expires_at: datetime


def snooze_until(
    now_utc: datetime,
    option: SnoozeOption,
    preferred_time: time | None,
    config: PathwayConfig,
) -> datetime:
    """The preferred local time of day, 1 (tomorrow) or 7 (next week) local days from now.

    ``preferred_time`` ``None`` means ``config.preferred_time``. Moved out of quiet hours.
    """
    require_aware(now_utc, "now_utc")
    tz = config.tz
    days = config.snooze.tomorrow_days if option == "tomorrow" else config.snooze.next_week_days
    preferred = config.preferred_time if preferred_time is None else preferred_time
    day = now_utc.astimezone(tz).date() + timedelta(days=days)
    q = config.quiet_hours
    return next_allowed(local_to_utc(day, preferred, tz), q.start, q.end, tz, preferred)


def reminder_times(sent_at: datetime, config: PathwayConfig) -> ReminderTimes:
    """Nudge and expiry of a reminder sent at ``sent_at``.

    The nudge is moved out of quiet hours (to the end of the quiet hours, not to the
    preferred time, so it stays close to the answer window); it is dropped when that
    lands at or after expiry or when ``max_nudges`` is 0.
    """
    require_aware(sent_at, "sent_at")
    sent_at = sent_at.astimezone(UTC)
    r = config.reminders
    q = config.quiet_hours
    expires_at = sent_at + timedelta(hours=r.answer_window_hours)
    nudge_at: datetime | None = None
    if r.max_nudges > 0:
        nudge_at = next_allowed(
            sent_at + timedelta(hours=r.nudge_after_hours), q.start, q.end, config.tz
        )
        if nudge_at >= expires_at:
            nudge_at = None
    return ReminderTimes(nudge_at=nudge_at, expires_at=expires_at)
