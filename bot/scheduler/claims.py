"""The reminder rows' life cycle in the database: select, take, deliver, nudge, expire.

Status: planned -> sending -> sent -> answered | expired; cancelled from any open status.
A reminder is taken (`sending`) in the same transaction as the engine's step on it and
the outbox rows of its replies (bot/service.py, `ReminderClaim`), so a crash leaves
either nothing (the reminder is still planned) or the queued message, which the sender
delivers after a restart. It becomes `sent` when that message is delivered (`delivered`,
called by bot/delivery/sender.py), and its answer window starts then. On PostgreSQL the
row is taken with FOR UPDATE SKIP LOCKED after the patient's lock, so two dispatchers
never take the same reminder; SQLite runs one process.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal, TypeVarTuple

from sqlalchemy import ColumnElement, Select, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.pathway.config import PathwayConfig
from bot.pathway.quiet_hours import in_quiet_hours, next_allowed
from bot.pathway.reminders import reminder_times
from bot.store import Database
from bot.store.models import REMINDER_OPEN, Patient, Reminder

log = logging.getLogger(__name__)

BATCH = 100
Step = Literal["due", "nudge", "expired"]


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    patient_id: int
    user: str  # the channel's user id


def is_quiet(now: datetime, config: PathwayConfig) -> bool:
    q = config.quiet_hours
    return in_quiet_hours(now.astimezone(config.tz).time(), q.start, q.end)


Ts = TypeVarTuple("Ts")


# (due_at, id) of the last row of a page: the next page starts after it. Pages follow
# each other by key, not by status, so a pass never selects a row it already handed out
# (nor one it could not take) and a selection costs the same at any point of the pass.
Cursor = tuple[datetime, int]


@dataclass(frozen=True)
class Page:
    items: list[Claimed]
    after: Cursor | None  # where the next page starts; None after the last page


def _of_channel(
    query: Select[*Ts], channel: str, user: str | None, after: Cursor | None = None
) -> Select[*Ts]:
    query = query.join(Patient, Patient.id == Reminder.patient_id).where(Patient.channel == channel)
    if after is not None:
        query = query.where(tuple_(Reminder.due_at, Reminder.id) > tuple_(*after))
    query = query.order_by(Reminder.due_at, Reminder.id).limit(BATCH)
    return query.where(Patient.external_id == user) if user is not None else query


def _next(rows: Sequence[tuple[Reminder, *tuple[object, ...]]]) -> Cursor | None:
    return (rows[-1][0].due_at, rows[-1][0].id) if len(rows) == BATCH else None


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Reminder.status == "planned",
        Reminder.due_at <= now,
        Patient.reminders_enabled.is_(True),
        Patient.blocked_at.is_(None),
    )


async def expiries(
    db: Database, channel: str, user: str | None, now: datetime, after: Cursor | None = None
) -> Page:
    """Sent reminders past their answer window."""
    query = select(Reminder, Patient.external_id).where(
        Reminder.status == "sent", Reminder.expires_at <= now
    )
    async with db.session() as session:
        rows = (await session.execute(_of_channel(query, channel, user, after))).all()
    return Page([Claimed(r.id, r.kind, r.patient_id, ext) for r, ext in rows], _next(rows))


async def nudges(
    db: Database,
    channel: str,
    user: str | None,
    now: datetime,
    config: PathwayConfig,
    after: Cursor | None = None,
) -> Page:
    """Sent, unanswered reminders whose single nudge is due (never in quiet hours)."""
    if is_quiet(now, config):
        return Page([], None)
    earliest = now - timedelta(hours=config.reminders.nudge_after_hours)
    query = select(Reminder, Patient.external_id).where(
        Reminder.status == "sent",
        Reminder.nudged_at.is_(None),
        Reminder.sent_at <= earliest,
        Reminder.expires_at > now,
    )
    async with db.session() as session:
        rows = (await session.execute(_of_channel(query, channel, user, after))).all()
    found = []
    for row, ext in rows:
        assert row.sent_at is not None
        nudge_at = reminder_times(row.sent_at, config).nudge_at
        if nudge_at is not None and nudge_at <= now:
            found.append(Claimed(row.id, "nudge", row.patient_id, ext))
    return Page(found, _next(rows))


async def due(
    db: Database, channel: str, user: str | None, now: datetime, after: Cursor | None = None
) -> Page:
    """Due reminders, a page of up to BATCH."""
    query = select(Reminder, Patient.external_id).where(*_due(now))
    async with db.session() as session:
        rows = (await session.execute(_of_channel(query, channel, user, after))).all()
    return Page([Claimed(r.id, r.kind, r.patient_id, ext) for r, ext in rows], _next(rows))


async def defer(
    db: Database, channel: str, user: str | None, now: datetime, config: PathwayConfig
) -> int:
    """In quiet hours: move every due reminder to the morning (the patient's preferred
    time), BATCH rows a transaction; returns how many were moved."""
    query = select(Reminder, Patient.preferred_time).where(*_due(now))
    q = config.quiet_hours
    moved = 0
    while True:
        async with db.transaction() as session:
            rows = (
                await session.execute(
                    _of_channel(query, channel, user).with_for_update(skip_locked=True, of=Reminder)
                )
            ).all()
            for row, preferred in rows:
                wall = time.fromisoformat(preferred) if preferred else config.preferred_time
                row.due_at = next_allowed(now, q.start, q.end, config.tz, wall)
        moved += len(rows)
        if len(rows) < BATCH:
            return moved


@dataclass(frozen=True)
class ReminderClaim:
    """Taking one reminder step in the event's own transaction (bot/service.py): the
    engine runs only when `take` succeeds, and the replies are linked to the reminder."""

    reminder: int
    step: Step
    config: PathwayConfig

    async def take(self, session: AsyncSession, now: datetime) -> bool:
        query = select(Reminder).where(Reminder.id == self.reminder)
        if self.step == "due":
            query = query.join(Patient, Patient.id == Reminder.patient_id).where(*_due(now))
        elif self.step == "nudge":
            query = query.where(
                Reminder.status == "sent", Reminder.nudged_at.is_(None), Reminder.expires_at > now
            )
        else:
            query = query.where(Reminder.status == "sent", Reminder.expires_at <= now)
        row = (
            await session.execute(query.with_for_update(skip_locked=True, of=Reminder))
        ).scalar_one_or_none()
        if row is None:  # taken by another dispatcher, answered or changed meanwhile
            return False
        if self.step == "due":
            row.status, row.sent_at, row.attempts = "sending", now, row.attempts + 1
        elif self.step == "nudge":
            row.nudged_at = now
        else:
            row.status = "expired"
        return True

    async def settle(self, session: AsyncSession, now: datetime) -> None:
        """The step said nothing (nothing to queue): a due reminder counts as sent now."""
        if self.step == "due":
            await delivered(session, self.reminder, now, self.config)


async def delivered(
    session: AsyncSession, reminder_id: int, now: datetime, config: PathwayConfig
) -> None:
    """Its message was delivered: sent, and the answer window starts now. A reminder the
    engine closed meanwhile (a review) stays closed."""
    await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.status == "sending")
        .values(
            status="sent",
            sent_at=now,
            last_error=None,
            expires_at=reminder_times(now, config).expires_at,
        )
    )


async def block_chat(session: AsyncSession, channel: str, chat: str, now: datetime) -> None:
    """The patient blocked the bot: remember it and cancel the schedule."""
    patient = (
        await session.execute(
            select(Patient).where(Patient.channel == channel, Patient.external_id == chat)
        )
    ).scalar_one_or_none()
    if patient is None:
        return
    patient.blocked_at = now
    await session.execute(
        update(Reminder)
        .where(Reminder.patient_id == patient.id, Reminder.status.in_(REMINDER_OPEN))
        .values(status="cancelled", last_error="blocked")
    )
