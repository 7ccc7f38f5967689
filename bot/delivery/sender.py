"""Deliver a chat's pending outbox rows, in order, through a channel's transport.

One row is one call (a message, a file, or the next question edited into the tapped one:
`Message.edits`, bot/delivery/outbox.py). The row is confirmed only after the channel
accepted it (Telegram's 200), in a transaction that also records what the delivery means:
a red flag's `shown_at`, a reminder's `sent` status. A failure keeps the row and
everything after it in the chat:

- RetryLater (429, network): the row is tried again after a backoff (the server's
  retry_after when it gave one), by the next `deliver` or the periodic `drain`;
- Blocked (403): the patient blocked the bot; their pending rows fail, the patient is
  marked blocked and their schedule cancelled (bot/scheduler/claims.py);
- Undeliverable (a bad request): this row fails and the chat goes on.

Exactly once where the channel allows it: a row is never confirmed before the channel
accepted it, and never sent again after it was confirmed. A sender that dies between
the channel's 200 and the confirmation leaves the row pending; it is sent once more after
the lease (bot/delivery/outbox.py). When a message with a keyboard is delivered, the
chat's previous live keyboard is removed: one question to answer on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy import update

from bot import metrics
from bot.clock import Clock
from bot.delivery import outbox
from bot.delivery.limits import Limiter
from bot.delivery.outbox import Message
from bot.pathway.config import PathwayConfig
from bot.scheduler import claims
from bot.service import Attachment
from bot.store import Database
from bot.store.models import RedFlag

log = logging.getLogger(__name__)

GIVE_UP_LOG = 8  # attempts after which a retried row is logged as an error (still retried)


class Blocked(Exception):
    """The patient blocked the bot; nothing can be sent any more."""


class RetryLater(Exception):
    """Not delivered; try again later (after `after` seconds when the server said so)."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


class Undeliverable(Exception):
    """The channel refuses this message for good (a bad request)."""


class NotEditable(Exception):
    """The channel will not edit the message a row `edits` (gone, too old): send it anew."""


class Transport(Protocol):
    """A channel's side of delivery: one call per message."""

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        """Deliver; the channel's id of the new message (None when it has none), or of the
        message it `edits`. Raises Blocked, RetryLater, Undeliverable or NotEditable."""

    async def remove_keyboard(self, chat: str, message_id: int, /) -> None:
        """Take the buttons off an earlier message (best effort)."""


# after one row: stop the chat here (retry later, blocked), go on with the next row, or
# stop because the chat has nothing left (asked in the last row's confirmation)
Step = Literal["stop", "next", "idle"]

# (channel, chat, producer name, now) -> the file, or None when there is nothing to attach
MakeAttachment = Callable[[str, str, str, datetime], Awaitable[Attachment | None]]


@dataclass
class Delivery:
    """What one `deliver` or `drain` did."""

    sent: int = 0
    reminders: set[int] = field(default_factory=set)  # reminders whose message went out
    retried: int = 0
    failed: int = 0
    blocked: int = 0

    def add(self, other: Delivery) -> None:
        self.sent += other.sent
        self.reminders |= other.reminders
        self.retried += other.retried
        self.failed += other.failed
        self.blocked += other.blocked


class Sender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        transport: Transport,
        limiter: Limiter,
        attachments: MakeAttachment,
        pathway: PathwayConfig,
    ) -> None:
        self.db, self.clock, self.transport, self.limiter = db, clock, transport, limiter
        self.attachments, self.pathway = attachments, pathway

    async def deliver(self, channel: str, chat: str, held: outbox.Held | None = None) -> Delivery:
        """Send the chat's pending rows in order until none is left or one must wait,
        starting with the rows the caller's event `held` (claimed when queued)."""
        done = Delivery()
        while True:
            if held is not None:
                token, batch, held = held.token, list(held.messages), None
            else:
                token, batch = await outbox.claim(self.db, channel, chat, self.clock.now())
            if not batch:
                return done
            for number, message in enumerate(batch, 1):
                step = await self._one(message, token, done, more=number < len(batch))
                if step == "stop":
                    await outbox.release(self.db, token)
                    return done
                if step == "idle":  # nothing queued meanwhile: no claim to look for more
                    return done

    async def drain(self, channel: str) -> Delivery:
        """Every chat of the channel with something to deliver, escalations first (at
        start-up and in the periodic job: nobody has to type to get a lost reply)."""
        done = Delivery()
        for chat in await outbox.waiting_chats(self.db, channel, self.clock.now()):
            done.add(await self.deliver(channel, chat))
        metrics.OUTBOX_BACKLOG.set(await outbox.backlog(self.db))
        return done

    async def _one(self, message: Message, token: str, done: Delivery, more: bool) -> Step:
        """Send one row (`more`: the batch has rows after it)."""
        now = self.clock.now()
        attachment = None
        if message.attachment is not None:
            made = await self.attachments(message.channel, message.chat, message.attachment, now)
            if made is None:  # nothing to attach any more (erased, no chart): done
                return (await self._confirm(message, token, None, more))[1]
            attachment = made
        try:
            message_id = await self._call(message, attachment)
        except Blocked:
            await self._blocked(message, now)
            done.blocked += 1
            return "stop"
        except RetryLater as exc:
            attempts = await outbox.retry(self.db, message, token, now, exc.reason, exc.after)
            metrics.RETRIES.labels("outbox").inc()
            level = logging.ERROR if attempts >= GIVE_UP_LOG else logging.WARNING
            log.log(level, "outbox=%s attempt %d retry later: %s", message.id, attempts, exc.reason)
            done.retried += 1
            return "stop"
        except Undeliverable as exc:
            await outbox.failed(self.db, message, token, str(exc) or type(exc).__name__)
            log.error("outbox=%s refused by the channel", message.id)
            done.failed += 1
            return "next"
        old_keyboards, step = await self._confirm(message, token, message_id, more)
        done.sent += 1
        if message.reminder_id is not None:
            done.reminders.add(message.reminder_id)
        for old in old_keyboards:  # an edit is a call too: it takes its turn
            await self.limiter.acquire(message.chat)
            await self.transport.remove_keyboard(message.chat, old)
        return step

    async def _call(self, message: Message, attachment: Attachment | None) -> int | None:
        """One call at the send rate; an edit the channel refuses, a new message instead."""
        await self.limiter.acquire(message.chat)
        try:
            return await self.transport.send(message, attachment)
        except NotEditable:
            await self.limiter.acquire(message.chat)
            return await self.transport.send(replace(message, edits=None), attachment)

    async def _confirm(
        self, message: Message, token: str, message_id: int | None, more: bool
    ) -> tuple[list[int], Step]:
        """Record the delivery and what it means (and hold the claim's other rows for
        another lease); returns the keyboards to remove now, and whether the chat is idle
        after the batch's last row (asked here rather than in a claim of its own)."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            if not await outbox.sent(session, message, token, now, message_id):
                log.warning("outbox=%s delivered after its claim was lost", message.id)
                return [], "next"
            if more:
                await outbox.renew(session, message, token, now)
            metrics.OUTBOX_DELIVERED.labels(message.channel).inc()
            if message.red_flag_id is not None:  # shown means delivered (issue #17)
                await session.execute(
                    update(RedFlag)
                    .where(RedFlag.id == message.red_flag_id, RedFlag.shown_at.is_(None))
                    .values(shown_at=now)
                )
            if message.reminder_id is not None:
                await claims.delivered(session, message.reminder_id, now, self.pathway)
            idle = not more and await outbox.idle(session, message.channel, message.chat)
            step: Step = "idle" if idle else "next"
            if message_id is None or not message.rendered.buttons:
                return [], step
            old = await outbox.live_keyboards(session, message.channel, message.chat, message.id)
            return old, step

    async def _blocked(self, message: Message, now: datetime) -> None:
        async with self.db.transaction() as session:
            await claims.block_chat(session, message.channel, message.chat, now)
            await outbox.give_up_chat(session, message.channel, message.chat, "blocked")
        log.warning("outbox=%s the patient blocked the bot", message.id)
