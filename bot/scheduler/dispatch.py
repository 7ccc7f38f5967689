"""dispatch_due: one pass of the reminder job, for one channel.

Every reminder goes through the same path as a patient's message: the service runs
the engine on Event("reminder", text=<kind>, arg=<id>) in one transaction, and the
replies are sent after commit by the channel's Sender. The Sender raises Blocked
(Telegram 403) or RetryLater (rate limit, network); anything else propagates and the
claim's lease decides (see claims.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot import metrics
from bot.engine import Event
from bot.scheduler import claims
from bot.service import Incoming, Outcome

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


class Blocked(Exception):
    """The patient blocked the bot; nothing can be sent any more."""


class RetryLater(Exception):
    """Not delivered; try again later (after `after` seconds when the server said so)."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


class Sender(Protocol):
    async def __call__(self, user: str, outcome: Outcome, /) -> None:
        """Deliver the outcome's replies to the channel user."""


@dataclass
class DispatchReport:
    sent: int = 0
    nudged: int = 0
    deferred: int = 0  # due in quiet hours: moved to the morning
    expired: int = 0
    retried: int = 0
    blocked: int = 0
    recovered: int = 0  # stale claims taken as sent
    given_up: int = 0

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
    report = DispatchReport(recovered=await claims.recover_stale(db, now, config))
    for item in await claims.expire_due(db, channel, user, now):
        log.info("reminder=%s kind=%s patient=%s expired", item.id, item.kind, item.patient_id)
        await _event(runtime, channel, item, "expired")
        report.expired += 1
    for item in await claims.claim_nudges(db, channel, user, now, config):
        await _deliver(runtime, sender, channel, item, now, report)
    while True:  # a claim takes at most claims.BATCH rows: go on until all due are out
        due, deferred = await claims.claim_due(db, channel, user, now, config)
        report.deferred += deferred
        metrics.REMINDERS.labels("due").inc(len(due))
        for item in due:
            await _deliver(runtime, sender, channel, item, now, report)
        if len(due) < claims.BATCH:
            break
    if report:
        log.info("reminders channel=%s %s", channel, report)
    for result in ("sent", "nudged", "expired", "deferred", "blocked", "given_up"):
        metrics.REMINDERS.labels(result).inc(getattr(report, result))
    metrics.RETRIES.labels("reminder").inc(report.retried)
    return report


async def _event(runtime: Runtime, channel: str, item: claims.Claimed, kind: str) -> Outcome:
    event = Event("reminder", text=kind, arg=str(item.id))
    return await runtime.service.handle(Incoming(channel, item.user, event))


async def _deliver(
    runtime: Runtime,
    sender: Sender,
    channel: str,
    item: claims.Claimed,
    now: datetime,
    report: DispatchReport,
) -> None:
    outcome = await _event(runtime, channel, item, item.kind)
    try:
        if outcome.replies:  # a reminder with nothing to ask (no such flow) says nothing
            await sender(item.user, outcome)
    except Blocked:
        await claims.block(runtime.db, item.patient_id, now)
        log.warning("reminder=%s patient=%s blocked the bot", item.id, item.patient_id)
        report.blocked += 1
        return
    except RetryLater as exc:
        if await claims.retry_later(runtime.db, item, now, exc.reason, exc.after):
            log.warning("reminder=%s kind=%s retry later: %s", item.id, item.kind, exc.reason)
            report.retried += 1
        else:
            log.error("reminder=%s kind=%s given up: %s", item.id, item.kind, exc.reason)
            report.given_up += 1
        return
    if item.kind == "nudge":
        log.info("reminder=%s nudged", item.id)
        report.nudged += 1
    else:
        await claims.mark_sent(runtime.db, item.id, now, runtime.pathway)
        log.info(
            "reminder=%s kind=%s patient=%s replies=%d",
            item.id,
            item.kind,
            item.patient_id,
            len(outcome.replies),
        )
        report.sent += 1 if outcome.replies else 0
