"""The reminder rows' life cycle in the database: claim, send, nudge, expire, retry.

Status: planned -> sending (claimed, sent_at = claim time) -> sent -> answered | expired;
cancelled from any open status. A claim is committed before anything is sent, and
rows are locked with FOR UPDATE SKIP LOCKED on PostgreSQL, so two dispatchers never
take the same row; SQLite runs one process. A claim older than the lease whose send
was never confirmed (a crash) is taken as sent: never twice, and the nudge or the
patient's next message brings the question back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVarTuple

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.pathway.config import PathwayConfig
from bot.pathway.quiet_hours import in_quiet_hours, next_allowed
from bot.pathway.reminders import reminder_times
from bot.store import Database
from bot.store.models import REMINDER_OPEN, Patient, Reminder

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
BATCH = 100


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


def _locked(query: Select[*Ts]) -> Select[*Ts]:
    query = query.order_by(Reminder.due_at).limit(BATCH)
    return query.with_for_update(skip_locked=True, of=Reminder)


def _of_channel(query: Select[*Ts], channel: str, user: str | None) -> Select[*Ts]:
    query = query.join(Patient, Patient.id == Reminder.patient_id).where(Patient.channel == channel)
    return query.where(Patient.external_id == user) if user is not None else query


async def recover_stale(db: Database, now: datetime, config: PathwayConfig) -> int:
    """Claims older than the lease are taken as sent (at most once)."""
    async with db.transaction() as session:
        rows = (
            await session.execute(
                _locked(
                    select(Reminder).where(
                        Reminder.status == "sending", Reminder.sent_at < now - LEASE
                    )
                )
            )
        ).scalars()
        count = 0
        for row in rows:
            assert row.sent_at is not None
            row.status = "sent"
            row.expires_at = reminder_times(row.sent_at, config).expires_at
            row.last_error = "unconfirmed"
            log.warning("reminder=%s kind=%s claim expired unconfirmed", row.id, row.kind)
            count += 1
        return count


async def expire_due(db: Database, channel: str, user: str | None, now: datetime) -> list[Claimed]:
    """Sent reminders past their answer window become expired."""
    async with db.transaction() as session:
        query = select(Reminder, Patient.external_id).where(
            Reminder.status == "sent", Reminder.expires_at <= now
        )
        rows = (await session.execute(_locked(_of_channel(query, channel, user)))).all()
        for row, _ in rows:
            row.status = "expired"
        return [Claimed(r.id, r.kind, r.patient_id, ext) for r, ext in rows]


async def claim_nudges(
    db: Database, channel: str, user: str | None, now: datetime, config: PathwayConfig
) -> list[Claimed]:
    """Sent, unanswered reminders whose single nudge is due (never in quiet hours)."""
    if is_quiet(now, config):
        return []
    earliest = now - timedelta(hours=config.reminders.nudge_after_hours)
    async with db.transaction() as session:
        query = select(Reminder, Patient.external_id).where(
            Reminder.status == "sent",
            Reminder.nudged_at.is_(None),
            Reminder.sent_at <= earliest,
            Reminder.expires_at > now,
        )
        rows = (await session.execute(_locked(_of_channel(query, channel, user)))).all()
        claimed = []
        for row, ext in rows:
            assert row.sent_at is not None
            nudge_at = reminder_times(row.sent_at, config).nudge_at
            if nudge_at is not None and nudge_at <= now:
                row.nudged_at = now
                claimed.append(Claimed(row.id, "nudge", row.patient_id, ext))
        return claimed


async def claim_due(
    db: Database, channel: str, user: str | None, now: datetime, config: PathwayConfig
) -> tuple[list[Claimed], int]:
    """Claim due reminders; in quiet hours move them to the morning instead.

    Returns the claimed rows and how many were moved.
    """
    async with db.transaction() as session:
        query = select(Reminder, Patient.external_id, Patient.preferred_time).where(
            Reminder.status == "planned",
            Reminder.due_at <= now,
            Patient.reminders_enabled.is_(True),
            Patient.blocked_at.is_(None),
        )
        rows = (await session.execute(_locked(_of_channel(query, channel, user)))).all()
        if is_quiet(now, config):
            q = config.quiet_hours
            for row, _, preferred in rows:
                wall = time.fromisoformat(preferred) if preferred else config.preferred_time
                row.due_at = next_allowed(now, q.start, q.end, config.tz, wall)
            return [], len(rows)
        claimed: list[Claimed] = []
        for row, ext, _ in rows:
            row.status, row.sent_at, row.attempts = "sending", now, row.attempts + 1
            claimed.append(Claimed(row.id, row.kind, row.patient_id, ext))
        return claimed, 0


async def mark_sent(db: Database, reminder_id: int, now: datetime, config: PathwayConfig) -> None:
    """Confirm the send; a reminder the engine closed meanwhile (a review) stays closed."""
    async with db.transaction() as session:
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


async def retry_later(
    db: Database, item: Claimed, now: datetime, reason: str, after: float | None
) -> bool:
    """Put a failed send back to planned with a backoff; False when we give up."""
    async with db.transaction() as session:
        row = await session.get(Reminder, item.id)
        if row is None:
            return False
        if item.kind == "nudge":
            row.nudged_at = None  # not delivered: the next run tries again
            return True
        row.last_error = reason[:64]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "expired"
            return False
        backoff = after if after is not None else min(60 * 2 ** (row.attempts - 1), 3600)
        row.status, row.sent_at = "planned", None
        row.due_at = now + timedelta(seconds=backoff)
        return True


async def block(db: Database, patient_id: int, now: datetime) -> None:
    """The patient blocked the bot: remember it and cancel the schedule."""
    async with db.transaction() as session:
        patient = await session.get(Patient, patient_id)
        if patient is not None:
            patient.blocked_at = now
        await _cancel_open(session, patient_id)


async def _cancel_open(session: AsyncSession, patient_id: int) -> None:
    await session.execute(
        update(Reminder)
        .where(Reminder.patient_id == patient_id, Reminder.status.in_(REMINDER_OPEN))
        .values(status="cancelled", last_error="blocked")
    )
