"""The outbox rows: queue an event's replies in its transaction; claim, confirm, retry.

Order: a chat's rows are delivered in id order. The id is taken at insert, and one
patient's events are serialized (the patient row lock on PostgreSQL, the single writer on
SQLite), so a chat's ids follow the order of its commits. A later row never overtakes an
earlier undelivered one: a claim always starts at the chat's oldest pending row (its
head) and takes the run after it, and a chat whose head waits (a retry's backoff, another
sender's lease) waits as a whole.

Held rows: when the chat has nothing pending, the event's transaction queues its rows
already claimed (a token and a lease, as a claim would set them) and the process that
committed them delivers them at once, without a claim transaction of its own (`Held`).
Nothing is older in the chat, so the order is the same; after a crash the lease ends (at
start-up on SQLite) and the rows are claimed like any others.

Claims: the head is locked with FOR UPDATE SKIP LOCKED on PostgreSQL (a second sender
skips the chat instead of queueing behind it) and the claimed rows get a lease
(`claimed_until`) and a claim token. A sender that dies keeps the rows until the lease
ends; then another sender takes them again. The row whose call Telegram accepted just
before the crash is then sent a second time: at most once more per crash, never lost.

Edits in place: a tap that answers the chat's live keyboard, when that message shows a
plain question (`Reply.replaceable`, recorded as `replaceable`) and is the chat's newest
row, makes the step's reply take its place if that reply is one question with buttons
(no red flag, no file, nothing else said): the row records the message it `edits`, and
its text starts with the answer given (`choice.previous`), so the patient still sees what
they chose. It is delivered as one edit instead of the chosen answer's mark plus a new
message. An edit repeated after a crash changes nothing (the channel counts it as
delivered); an edit the channel refuses (the message is gone or too old) goes out as a
new message (bot/telegram/send.py). Anything else keeps the question and its mark.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.model import Label, Language, Reply, Text
from bot.i18n import Catalogs
from bot.i18n.rendering import Rendered, RenderedButton, render_reply
from bot.store import Database
from bot.store.models import OutboxMessage

# How long a claim holds its rows; renewed at every confirmed row of the claim, so it only
# has to cover one call (with PTB's own 429 retries). A dead sender's rows wait this long
# on PostgreSQL (on SQLite a start frees them at once).
LEASE = timedelta(seconds=60)
BATCH = 20  # rows one claim takes from a chat
URGENT, NORMAL = 0, 1  # priorities: a red-flag escalation goes out first
ESCALATION = "escalation."  # message ids of flag messages: escalation.<level>[...]
FLAG_KEYS = {
    "escalation.urgent": "urgent",
    "escalation.semi_urgent": "semi_urgent",
    "escalation.semi_urgent_weakness": "semi_urgent",
    "escalation.note": "note",
}


@dataclass(frozen=True)
class Message:
    """A claimed row, as a transport sends it (one Bot API call)."""

    id: int
    channel: str
    chat: str
    language: Language
    rendered: Rendered
    attachment: str | None
    priority: int
    reminder_id: int | None
    red_flag_id: int | None
    edits: int | None = None  # the channel's message this row is delivered into


@dataclass(frozen=True)
class Replace:
    """The tapped message, a plain question at the chat's end, and the answer chosen on
    it: the step's reply may take its place (see the module's docstring)."""

    message_id: int
    chosen: Label


@dataclass(frozen=True)
class Flag:
    """A red flag raised in the event, to link to the message that shows it."""

    id: int
    level: str
    cluster: str


@dataclass(frozen=True)
class Held:
    """Rows an event queued already claimed by `token` (see the module's docstring)."""

    token: str
    messages: tuple[Message, ...]


def new_token() -> str:
    return secrets.token_hex(8)


# The statements of every update and every delivered row, built once with bound
# parameters: building a statement and its cache key costs more than running it. The
# updates are on the table (no ORM objects of these rows are loaded where they run).
_OUTBOX = cast(Table, OutboxMessage.__table__)
_QUEUE = insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True)
_LATER = _OUTBOX.alias("later")
_KEYBOARD_SETTLED = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.channel == bindparam("in_channel"),
        _OUTBOX.c.chat == bindparam("in_chat"),
        _OUTBOX.c.message_id == bindparam("telegram_id"),
        _OUTBOX.c.keyboard_live.is_(True),
    )
    .values(keyboard_live=False)
    .returning(  # a plain question with nothing after it in the chat: it may be replaced
        _OUTBOX.c.replaceable
        & (
            _OUTBOX.c.id
            == select(func.max(_LATER.c.id))
            .where(
                _LATER.c.channel == bindparam("in_channel"),
                _LATER.c.chat == bindparam("in_chat"),
            )
            .scalar_subquery()
        )
    )
)
# The chat's newest row is asked for by the chat's key, not by columns of the updated row:
# SQLite's RETURNING names columns without their table, so a subquery correlated with the
# updated row compared the later row with itself ("id > id") and never found one.
_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row"), _OUTBOX.c.claim == bindparam("token"))
    .values(
        status="sent",
        sent_at=bindparam("now"),
        message_id=bindparam("telegram_id"),
        keyboard_live=bindparam("live"),
        text="",
        keyboard=None,
        claim=None,
        claimed_until=None,
        last_error=None,
    )
)
_LIVE_KEYBOARDS = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.channel == bindparam("in_channel"),
        _OUTBOX.c.chat == bindparam("in_chat"),
        _OUTBOX.c.keyboard_live.is_(True),
        _OUTBOX.c.id < bindparam("before"),
    )
    .values(keyboard_live=False)
    .returning(_OUTBOX.c.message_id)
)
# The chat has no undelivered row: an event's new rows may be held. Asked with the
# conversation's position, after the patient's lock (bot/service.py): only the chat's own
# events, which that lock orders, add its rows.
IDLE = ~exists().where(
    _OUTBOX.c.status == "pending",
    _OUTBOX.c.channel == bindparam("in_channel"),
    _OUTBOX.c.chat == bindparam("in_chat"),
)
_IS_IDLE = select(IDLE)


async def idle(session: AsyncSession, channel: str, chat: str) -> bool:
    """True when the chat has no undelivered row (the sender, after a batch's last row)."""
    found = await session.execute(_IS_IDLE, {"in_channel": channel, "in_chat": chat})
    return bool(found.scalar())


def flag_of(reply: Reply) -> tuple[str, str] | None:
    """(level, cluster) of a flag's escalation message, else None."""
    if not reply.parts or reply.parts[0].key not in FLAG_KEYS:
        return None
    symptoms = reply.parts[0].params.get("symptoms")
    cluster = getattr(symptoms, "key", "").removeprefix(f"{ESCALATION}cluster.")
    return FLAG_KEYS[reply.parts[0].key], cluster


def _priority(reply: Reply) -> int:
    found = flag_of(reply)
    return URGENT if found is not None and found[0] != "note" else NORMAL


def _replaces(replies: Sequence[Reply]) -> bool:
    """The step said one thing, a question with buttons: it may take the answered
    question's place (never a red flag's message, a file, or more than one message)."""
    if len(replies) != 1:
        return False
    reply = replies[0]
    return bool(reply.buttons) and reply.attachment is None and flag_of(reply) is None


def _keyboard(rendered: Rendered) -> list[list[list[str]]] | None:
    if not rendered.buttons:
        return None
    return [[[b.label, b.data] for b in row] for row in rendered.buttons]


async def queue(
    session: AsyncSession,
    catalogs: Catalogs,
    channel: str,
    chat: str,
    language: Language,
    replies: Sequence[Reply],
    now: datetime,
    *,
    reminder_id: int | None = None,
    flags: Iterable[Flag] = (),
    hold: str | None = None,
    replace: Replace | None = None,
) -> list[Message]:
    """Add the replies as rows (an attachment is a row of its own: one call each), the
    red-flag escalations first, claimed by `hold` when given (only when the chat is
    `IDLE`); with `replace`, a lone question is delivered into the tapped message (the
    module's docstring). One INSERT on the table; returns the rows added, as the sender
    takes them."""
    edits, mark = None, ""
    if replace is not None and _replaces(replies):  # the answer given, above the question
        chosen = Text("choice.previous", {"choice": catalogs.render(language, replace.chosen)})
        edits, mark = replace.message_id, catalogs.render(language, chosen) + "\n\n"
    unlinked = list(flags)
    added: list[tuple[Message, bool]] = []  # each row (its id still to come), replaceable
    for reply in sorted(replies, key=_priority):  # stable: the engine's order otherwise
        found = flag_of(reply)
        flag = next((f for f in unlinked if found == (f.level, f.cluster)), None)
        if flag is not None:
            unlinked.remove(flag)
        rendered = render_reply(catalogs, language, reply)
        shown = Rendered(mark + rendered.text, rendered.buttons, rendered.expects)
        flag_id, priority = (flag.id if flag is not None else None), _priority(reply)
        row = Message(
            0, channel, chat, language, shown, None, priority, reminder_id, flag_id, edits
        )
        added.append((row, reply.replaceable))
        if reply.attachment:
            file = Rendered("", (), None)
            row = Message(
                0, channel, chat, language, file, reply.attachment, priority, reminder_id, None
            )
            added.append((row, False))
    if not added:
        return []
    claimed_until = now + LEASE if hold is not None else None
    values = [
        {
            "channel": m.channel,
            "chat": m.chat,
            "language": m.language,
            "priority": m.priority,
            "text": m.rendered.text,
            "keyboard": _keyboard(m.rendered),
            "expects": m.rendered.expects,
            "attachment": m.attachment,
            "reminder_id": m.reminder_id,
            "red_flag_id": m.red_flag_id,
            "status": "pending",
            "created_at": now,
            "attempts": 0,
            "keyboard_live": False,
            "replaceable": replaceable,
            "edits": m.edits,
            "claim": hold,
            "claimed_until": claimed_until,
        }
        for m, replaceable in added
    ]
    ids = (await session.execute(_QUEUE, values)).scalars().all()
    return [dataclasses.replace(m, id=i) for (m, _), i in zip(added, ids, strict=True)]


OTHER_CHATS = "outbox_chats"  # session.info key: chats that queue_file added rows for


def queued_elsewhere(session: AsyncSession, channel: str, chat: str) -> frozenset[str]:
    """Chats of `channel` other than `chat` that this transaction queued files for."""
    added: set[tuple[str, str]] = session.info.get(OTHER_CHATS, set())
    return frozenset(c for ch, c in added if ch == channel and c != chat)


def queue_file(
    session: AsyncSession,
    channel: str,
    chat: str,
    language: Language,
    attachment: str,
    now: datetime,
    *,
    urgent: bool = False,
) -> None:
    """A row that is only a file, made by the named producer when it is delivered (a
    clinician's summary, bot/clinic/summaries.py). The chat is noted in the session
    (`queued_elsewhere`), so the channel can deliver it right after commit."""
    session.info.setdefault(OTHER_CHATS, set()).add((channel, chat))
    session.add(
        OutboxMessage(
            channel=channel,
            chat=chat,
            language=language,
            priority=URGENT if urgent else NORMAL,
            text="",
            attachment=attachment,
            status="pending",
            created_at=now,
            attempts=0,
            keyboard_live=False,
        )
    )


async def forget_chat(session: AsyncSession, channel: str, chat: str) -> None:
    """/delete: the chat's rows go (undelivered texts are about the patient too)."""
    await session.execute(
        delete(OutboxMessage).where(OutboxMessage.channel == channel, OutboxMessage.chat == chat)
    )


async def keyboard_settled(session: AsyncSession, channel: str, chat: str, message_id: int) -> bool:
    """A tap on this message: its keyboard is no longer live (the channel marks or replaces
    it). True when it was the chat's live keyboard on a plain question with nothing after
    it: the step's reply may take its place (`Replace`)."""
    where = {"in_channel": channel, "in_chat": chat, "telegram_id": message_id}
    return bool((await session.execute(_KEYBOARD_SETTLED, where)).scalar())


def _message(row: OutboxMessage) -> Message:
    buttons = tuple(
        tuple(RenderedButton(label, data) for label, data in line) for line in row.keyboard or ()
    )
    language: Language = "fr" if row.language == "fr" else "nl"
    return Message(
        row.id,
        row.channel,
        row.chat,
        language,
        Rendered(row.text, buttons, row.expects),
        row.attachment,
        row.priority,
        row.reminder_id,
        row.red_flag_id,
        row.edits,
    )


def _pending(channel: str, chat: str) -> Any:
    return (
        OutboxMessage.status == "pending",
        OutboxMessage.channel == channel,
        OutboxMessage.chat == chat,
    )


async def claim(db: Database, channel: str, chat: str, now: datetime) -> tuple[str, list[Message]]:
    """Take the chat's oldest pending rows (up to BATCH) for LEASE; ([]) when the chat has
    none, another sender holds them, or its head waits for a retry."""
    token = new_token()
    where = _pending(channel, chat)
    async with db.transaction() as session:
        query = select(OutboxMessage).where(*where).order_by(OutboxMessage.id).limit(BATCH)
        rows = list((await session.execute(query.with_for_update(skip_locked=True))).scalars())
        if not rows or _busy(rows[0], now):
            return token, []
        if not db.is_sqlite:  # a head locked by another claim was skipped: not ours
            head = select(func.min(OutboxMessage.id)).where(*where)
            if (await session.execute(head)).scalar() != rows[0].id:
                return token, []
        taken = [rows[0]]
        for row in rows[1:]:
            if _busy(row, now):
                break  # keep the order: nothing after a row we cannot take
            taken.append(row)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([r.id for r in taken]))
            .values(claimed_until=now + LEASE, claim=token)
            .execution_options(synchronize_session=False)
        )
        return token, [_message(r) for r in taken]


def _busy(row: OutboxMessage, now: datetime) -> bool:
    leased = row.claimed_until is not None and row.claimed_until > now
    return leased or (row.next_attempt_at is not None and row.next_attempt_at > now)


async def sent(
    session: AsyncSession, message: Message, token: str, now: datetime, message_id: int | None
) -> bool:
    """Confirm one delivered row (text and keyboard blanked); False when the claim was lost
    meanwhile (the lease ended and another sender took the row)."""
    live = bool(message.rendered.buttons) and message_id is not None
    values = {"row": message.id, "token": token, "now": now, "telegram_id": message_id}
    result = await session.execute(_SENT, {**values, "live": live})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def renew(session: AsyncSession, message: Message, token: str, now: datetime) -> None:
    """The claim is alive: its remaining rows (in `message`'s chat: a claim takes one
    chat's) are held for another LEASE."""
    await session.execute(
        update(OutboxMessage)
        .where(*_pending(message.channel, message.chat), OutboxMessage.claim == token)
        .values(claimed_until=now + LEASE)
    )


async def live_keyboards(session: AsyncSession, channel: str, chat: str, before: int) -> list[int]:
    """Message ids of the chat's delivered keyboards older than row `before`; they are
    taken as removed from here on."""
    where = {"in_channel": channel, "in_chat": chat, "before": before}
    ids = await session.execute(_LIVE_KEYBOARDS, where)
    return [i for i in ids.scalars() if i is not None]


async def failed(db: Database, message: Message, token: str, reason: str) -> None:
    """A row the channel refuses for good (a bad request): kept as failed, the chat goes on."""
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.claim == token)
            .values(status="failed", last_error=reason[:64], claim=None, claimed_until=None)
        )


async def retry(
    db: Database, message: Message, token: str, now: datetime, reason: str, after: float | None
) -> int:
    """Put the row back with a backoff and release the rest of the claim; returns the
    row's attempts so far."""
    async with db.transaction() as session:
        row = await session.get(OutboxMessage, message.id)
        attempts = 0
        if row is not None and row.claim == token:
            row.attempts = attempts = row.attempts + 1
            backoff = after if after is not None else min(5 * 2 ** (row.attempts - 1), 3600)
            row.next_attempt_at = now + timedelta(seconds=backoff)
            row.last_error = reason[:64]
        await _release(session, token)
        return attempts


async def release(db: Database, token: str) -> None:
    async with db.transaction() as session:
        await _release(session, token)


async def _release(session: AsyncSession, token: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claim == token, OutboxMessage.status == "pending")
        .values(claim=None, claimed_until=None)
    )


async def give_up_chat(session: AsyncSession, channel: str, chat: str, reason: str) -> None:
    """The patient blocked the bot: nothing pending can reach them any more."""
    await session.execute(
        update(OutboxMessage)
        .where(*_pending(channel, chat))
        .values(status="failed", last_error=reason, claim=None, claimed_until=None)
    )


async def release_all(db: Database, channel: str) -> int:
    """At start-up on SQLite (one serving process holds the file): every lease left is a
    dead process's, so its rows are free again at once."""
    async with db.transaction() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.channel == channel, OutboxMessage.claim.is_not(None))
            .values(claim=None, claimed_until=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


async def waiting_chats(db: Database, channel: str, now: datetime, limit: int = 500) -> list[str]:
    """Chats with a deliverable head, the ones with a pending escalation first."""
    free = (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until <= now)
    due = (OutboxMessage.next_attempt_at.is_(None)) | (OutboxMessage.next_attempt_at <= now)
    query = (
        select(OutboxMessage.chat)
        .where(OutboxMessage.status == "pending", OutboxMessage.channel == channel, free, due)
        .group_by(OutboxMessage.chat)
        .order_by(func.min(OutboxMessage.priority), func.min(OutboxMessage.id))
        .limit(limit)
    )
    async with db.session() as session:
        return list((await session.execute(query)).scalars())


PRUNE_BATCH = 1000  # rows a prune transaction deletes at most (SQLite's writer is held)
_LIVE = _OUTBOX.alias("live")
_PRUNABLE = (
    select(_OUTBOX.c.id)
    .where(
        _OUTBOX.c.created_at < bindparam("cutoff"),
        _OUTBOX.c.status != "pending",  # sent, or failed for good
        _OUTBOX.c.keyboard_live.is_(False),
        # a live keyboard's "nothing came after it" needs the rows after it
        ~exists().where(
            _LIVE.c.channel == _OUTBOX.c.channel,
            _LIVE.c.chat == _OUTBOX.c.chat,
            _LIVE.c.keyboard_live.is_(True),
            _LIVE.c.id < _OUTBOX.c.id,
        ),
    )
    .order_by(_OUTBOX.c.created_at)
    .limit(bindparam("batch", type_=Integer))
)
_PRUNE = delete(_OUTBOX).where(_OUTBOX.c.id.in_(_PRUNABLE))


async def prune(db: Database, cutoff: datetime, batch: int = PRUNE_BATCH) -> int:
    """Delete the rows delivered (or refused) before `cutoff`, `batch` rows a transaction;
    a row still pending is never touched, nor a live keyboard or a row after one in its
    chat. Returns how many went."""
    pruned = 0
    while True:
        async with db.transaction() as session:
            result = await session.execute(_PRUNE, {"cutoff": cutoff, "batch": batch})
        deleted = int(result.rowcount)  # type: ignore[attr-defined]
        pruned += deleted
        if deleted < batch:
            return pruned


async def backlog(db: Database) -> int:
    """Rows not delivered yet (all channels)."""
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    async with db.session() as session:
        return int((await session.execute(query)).scalar_one())


async def pending(db: Database, channel: str, chat: str) -> list[Message]:
    """The chat's undelivered rows in order (the terminal numbers a screen's options)."""
    query = select(OutboxMessage).where(*_pending(channel, chat)).order_by(OutboxMessage.id)
    async with db.session() as session:
        return [_message(r) for r in (await session.execute(query)).scalars()]
