"""What the follow-up asks the service to persist (bot/store/effects/followup.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.engine.model import Effect


@dataclass(frozen=True)
class EpisodeStarted(Effect):
    """A new episode of pain; earlier episodes end and their open reminders are cancelled."""

    onset: date
    pain_type: Literal["back", "radicular"]
    recurrent: bool
    first_contact: datetime


@dataclass(frozen=True)
class EpisodeTrackChanged(Effect):
    """The current episode moves to another track: back pain that now goes below the knee
    (or into the front of the thigh) is radicular pain from `at` on."""

    pain_type: Literal["radicular"]
    at: datetime


@dataclass(frozen=True)
class RemindersPlanned(Effect):
    """Replace the still-planned reminders of the current episode by these (kind, due UTC).

    `kept`: reminders the patient snoozed, (reminder id, due UTC): they stay planned, at
    that due time, instead of being replaced (a new time of day keeps their day).
    """

    moments: tuple[tuple[str, datetime], ...]
    kept: tuple[tuple[int, datetime], ...] = ()


@dataclass(frozen=True)
class ReminderClosed(Effect):
    """The patient completed what a reminder asked (answered), or it had nothing to ask."""

    reminder_id: int
    status: Literal["answered", "cancelled"]


@dataclass(frozen=True)
class ReminderSnoozed(Effect):
    reminder_id: int
    until: datetime


@dataclass(frozen=True)
class ReminderSettings(Effect):
    """The patient's choice: reminders on or off, and the local time of day ("HH:MM")."""

    enabled: bool
    preferred_time: str | None
