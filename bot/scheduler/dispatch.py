"""dispatch_due: one pass of the reminder job, for one channel.

Every reminder goes through the same path as a patient's message: the service takes the
reminder and runs the engine on Event("reminder", text=<kind>, arg=<id>) in one
transaction that also queues the replies in the outbox, linked to the reminder
(bot/scheduler/claims.py). The channel's Sender then delivers them; the reminder is
`sent` when its message is delivered. A step the sender could not deliver yet stays in
the outbox and is retried by the sender (never queued twice, so never said twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING

from bot import metrics
from bot.delivery.sender import Delivery, Sender
from bot.engine import Event
from bot.scheduler import claims
from bot.service import Incoming

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    sent: int = 0  # reminders delivered in this pass
    nudged: int = 0
    deferred: int = 0  # due in quiet hours: moved to the morning
    expired: int = 0
    retried: int = 0  # messages left for a later try (the sender's backoff)
    blocked: int = 0
    given_up: int = 0  # messages the channel refused for good

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
    for item in await claims.expiries(db, channel, user, now):
        if await _step(runtime, sender, channel, item, "expired", report) is not None:
            log.info("reminder=%s kind=%s patient=%s expired", item.id, item.kind, item.patient_id)
            report.expired += 1
    for item in await claims.nudges(db, channel, user, now, config):
        delivery = await _step(runtime, sender, channel, item, "nudge", report)
        report.nudged += 1 if delivery is not None and item.id in delivery.reminders else 0
    while True:  # a selection takes at most claims.BATCH rows: go on until all due are out
        due, deferred = await claims.due(db, channel, user, now, config)
        report.deferred += deferred
        metrics.REMINDERS.labels("due").inc(len(due))
        taken = 0
        for item in due:
            delivery = await _step(runtime, sender, channel, item, "due", report)
            taken += delivery is not None
            if delivery is not None and item.id in delivery.reminders:
                log.info("reminder=%s kind=%s patient=%s sent", item.id, item.kind, item.patient_id)
                report.sent += 1
        if len(due) < claims.BATCH or not taken:
            break
    if report:
        log.info("reminders channel=%s %s", channel, report)
    for result in ("sent", "nudged", "expired", "deferred", "blocked", "given_up"):
        metrics.REMINDERS.labels(result).inc(getattr(report, result))
    metrics.RETRIES.labels("reminder").inc(report.retried)
    return report


async def _step(
    runtime: Runtime,
    sender: Sender,
    channel: str,
    item: claims.Claimed,
    step: claims.Step,
    report: DispatchReport,
) -> Delivery | None:
    """Take the reminder step with its replies, then deliver the chat; None when another
    dispatcher (or the patient) took the reminder first."""
    event = Event("reminder", text=step if step != "due" else item.kind, arg=str(item.id))
    claim = claims.ReminderClaim(item.id, step, runtime.pathway)
    incoming = Incoming(channel, item.user, event)
    outcome = await runtime.service.handle(incoming, claim=claim, hold=True)
    if outcome.duplicate:
        return None
    delivery = await sender.deliver(channel, item.user, outcome.held)
    if not outcome.replies:
        delivery.reminders.add(item.id)  # nothing to say: taken as sent in its transaction
    report.retried += delivery.retried
    report.blocked += delivery.blocked
    report.given_up += delivery.failed
    return delivery
