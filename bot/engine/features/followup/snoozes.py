"""Reminders the patient put off ("tomorrow", "next week"), remembered until they come.

A new time of day in /reminders replans every planned reminder; without this memory a
snoozed one (its pathway moment already past) would be replaced and lost. Kept here,
it stays planned on the day the patient chose, at the new time of day.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from bot.engine.features.followup import memo
from bot.pathway.config import PathwayConfig
from bot.pathway.quiet_hours import local_to_utc, next_allowed

if TYPE_CHECKING:
    from bot.engine.turn import Turn


def record(turn: Turn, reminder_id: int, kind: str, until: datetime, config: PathwayConfig) -> None:
    day = until.astimezone(config.tz).date()
    entry = memo.SnoozedReminder(id=reminder_id, kind=kind, day=day, until=until)
    others = tuple(s for s in memo.snoozed(turn) if s.id != reminder_id)
    memo.update(turn, snoozed=(*others, entry))


def forget(turn: Turn, reminder_id: int | None = None) -> None:
    """The snoozed reminder came (or all of them, when None: reminders off, new episode)."""
    kept = (
        () if reminder_id is None else tuple(s for s in memo.snoozed(turn) if s.id != reminder_id)
    )
    memo.update(turn, snoozed=kept)


def moved(turn: Turn, config: PathwayConfig) -> tuple[tuple[int, datetime], ...]:
    """Each snoozed reminder at the patient's time of day on its chosen day (out of quiet
    hours); one whose new time has passed keeps its time. Remembered, and returned as
    (reminder id, due) for RemindersPlanned.kept."""
    chosen = memo.preferred_time(turn)
    wall = time.fromisoformat(chosen) if chosen else config.preferred_time
    q = config.quiet_hours
    kept: list[tuple[int, datetime]] = []
    entries: list[memo.SnoozedReminder] = []
    for entry in memo.snoozed(turn):
        due = next_allowed(
            local_to_utc(entry.day, wall, config.tz), q.start, q.end, config.tz, wall
        )
        if due <= turn.now:
            due = entry.until
        kept.append((entry.id, due))
        entries.append(entry.model_copy(update={"until": due}))
    memo.update(turn, snoozed=tuple(entries))
    return tuple(kept)


def ahead(turn: Turn) -> list[tuple[str, datetime]]:
    """(kind, due) of the snoozed reminders still to come."""
    return [(s.kind, s.until) for s in memo.snoozed(turn) if s.until > turn.now]
