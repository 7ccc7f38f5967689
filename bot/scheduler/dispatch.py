"""dispatch_due: one pass of the reminder job, for one channel.

Every reminder goes through the same path as a patient's message: the service takes the
reminder and runs the engine on Event("reminder", text=<kind>, arg=<id>) in one
transaction that also queues the replies in the outbox, linked to the reminder
(bot/scheduler/claims.py). The channel's Sender then delivers them; the reminder is
`sent` when its message is delivered. A step the sender could not deliver yet stays in
the outbox and is retried by the sender (never queued twice, so never said twice).

A pass selects the reminders a page at a time (claims.BATCH rows, by key) and runs
several chats at once (`BACKPATH_REMINDER_CONCURRENCY`, bot/scheduler/lanes.py), each
chat's steps in their order, each step in its own transaction as a patient's message.
The bot-wide limiter paces the sends, so a pass goes out at the send rate however long
one chat's round trips take; only the running chats' steps are held in memory. A step
that fails is logged and counted and stops its chat until the next pass; the other
chats go on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from bot import metrics
from bot.delivery.sender import Sender
from bot.engine import Event
from bot.scheduler import claims
from bot.scheduler.lanes import Lanes
from bot.service import Incoming

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

Select = Callable[[claims.Cursor | None], Awaitable[claims.Page]]  # a page after the cursor


@dataclass
class DispatchReport:
    sent: int = 0  # reminders delivered in this pass
    nudged: int = 0
    deferred: int = 0  # due in quiet hours: moved to the morning
    expired: int = 0
    retried: int = 0  # messages left for a later try (the sender's backoff)
    blocked: int = 0
    given_up: int = 0  # messages the channel refused for good
    failed: int = 0  # steps that raised: their chat waits for the next pass

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


async def dispatch_due(
    runtime: Runtime,
    sender: Sender,
    channel: str,
    now: datetime | None = None,
    user: str | None = None,
) -> DispatchReport:
    """Expire, nudge and send what is due now (only for `user` when given)."""
    now = now or runtime.clock.now()
    db, config = runtime.db, runtime.pathway
    report = DispatchReport()

    async def run(work: tuple[claims.Step, claims.Claimed]) -> bool:
        return await _step(runtime, sender, channel, *work, report)

    async with Lanes(runtime.settings.backpath_reminder_concurrency, run) as lanes:
        pages: list[tuple[claims.Step, Select]] = [
            ("expired", partial(claims.expiries, db, channel, user, now)),
            ("nudge", partial(claims.nudges, db, channel, user, now, config)),
        ]
        if claims.is_quiet(now, config):
            report.deferred = await claims.defer(db, channel, user, now, config)
        else:
            pages.append(("due", partial(claims.due, db, channel, user, now)))
        for step, select in pages:
            after: claims.Cursor | None = None
            while True:  # a page is at most claims.BATCH rows: go on until the last
                page = await select(after)
                if step == "due":
                    metrics.REMINDERS.labels("due").inc(len(page.items))
                for item in page.items:
                    await lanes.put(item.user, (step, item))
                if page.after is None:
                    break
                after = page.after
    if report:
        log.info("reminders channel=%s %s", channel, report)
    for result in ("sent", "nudged", "expired", "deferred", "blocked", "given_up", "failed"):
        metrics.REMINDERS.labels(result).inc(getattr(report, result))
    metrics.RETRIES.labels("reminder").inc(report.retried)
    return report


async def _step(
    runtime: Runtime,
    sender: Sender,
    channel: str,
    step: claims.Step,
    item: claims.Claimed,
    report: DispatchReport,
) -> bool:
    """Take the reminder step with its replies, then deliver the chat. False when it
    failed: the chat's later steps wait for the next pass (logged, counted in `failed`)."""
    event = Event("reminder", text=step if step != "due" else item.kind, arg=str(item.id))
    claim = claims.ReminderClaim(item.id, step, runtime.pathway)
    incoming = Incoming(channel, item.user, event)
    try:
        outcome = await runtime.service.handle(incoming, claim=claim, hold=True)
        if outcome.duplicate:  # another dispatcher (or the patient) took it first
            return True
        delivery = await sender.deliver(channel, item.user, outcome.held)
    except Exception as error:
        kind = type(error).__name__
        log.error("reminder=%s step=%s failed (%s)", item.id, step, kind, exc_info=error)
        report.failed += 1
        return False
    if not outcome.replies:
        delivery.reminders.add(item.id)  # nothing to say: taken as sent in its transaction
    report.retried += delivery.retried
    report.blocked += delivery.blocked
    report.given_up += delivery.failed
    went_out = item.id in delivery.reminders
    if step == "expired":
        log.info("reminder=%s kind=%s patient=%s expired", item.id, item.kind, item.patient_id)
        report.expired += 1
    elif step == "nudge":
        report.nudged += went_out
    elif went_out:
        log.info("reminder=%s kind=%s patient=%s sent", item.id, item.kind, item.patient_id)
        report.sent += 1
    return True
