"""The reminder job replayed for one patient up to a moment (`backpath chat`).

A terminal has no background job, and `backpath chat --now` may jump weeks ahead. So
that the patient gets what a Telegram patient would have got meanwhile, the chat
replays the job: one dispatch pass at each moment something was due (a planned
reminder, a nudge, an expiry), in order, with the clock set to that moment, up to the
chosen one. A check-in left unanswered is nudged and expires as it would have; the
reviews come on their day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from bot.delivery.sender import Sender
from bot.pathway.config import PathwayConfig
from bot.pathway.reminders import reminder_times
from bot.runtime import Runtime
from bot.scheduler.dispatch import dispatch_due
from bot.store import Database
from bot.store.models import Patient, Reminder

MAX_PASSES = 10_000  # a guard: half a year of a pathway needs a few dozen


async def due_moments(
    db: Database, channel: str, user: str, config: PathwayConfig
) -> list[datetime]:
    """When the job would next act for this patient: planned reminders' due times, the
    nudge and expiry of sent ones."""
    query = (
        select(
            Reminder.status,
            Reminder.due_at,
            Reminder.sent_at,
            Reminder.nudged_at,
            Reminder.expires_at,
        )
        .join(Patient, Patient.id == Reminder.patient_id)
        .where(
            Patient.channel == channel,
            Patient.external_id == user,
            Reminder.status.in_(("planned", "sent")),
        )
    )
    enabled = select(Patient.reminders_enabled, Patient.blocked_at).where(
        Patient.channel == channel, Patient.external_id == user
    )
    async with db.session() as session:
        rows = (await session.execute(query)).all()
        state = (await session.execute(enabled)).first()
    sending = state is not None and state[0] and state[1] is None
    moments: list[datetime] = []
    for status, due, sent, nudged, expires in rows:
        if status == "planned" and sending:
            moments.append(due)
        elif status == "sent" and sent is not None:
            nudge = reminder_times(sent, config).nudge_at if nudged is None else None
            moments.extend(m for m in (nudge, expires) if m is not None)
    return moments


async def catch_up(
    runtime: Runtime,
    sender: Sender,
    channel: str,
    user: str,
    until: datetime,
    move_clock: Callable[[datetime], None],
) -> int:
    """Run the job at each due moment up to `until` (the clock moved there first), then
    leave the clock at `until`. Returns the number of passes."""
    last: datetime | None = None
    passes = 0
    while passes < MAX_PASSES:
        moments = await due_moments(runtime.db, channel, user, runtime.pathway)
        ahead = [m for m in moments if m <= until and (last is None or m > last)]
        if not ahead:
            break
        last = min(ahead)
        move_clock(last)
        await dispatch_due(runtime, sender, channel, now=last, user=user)
        passes += 1
    move_clock(until)
    return passes
