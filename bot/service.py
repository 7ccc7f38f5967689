"""The service: one database transaction per incoming event around the pure engine.

In one transaction: mark the update processed in the inbox (bot/delivery/inbox.py) and
claim its id (a duplicate stops here), lock the patient,
load the position, run engine.step, persist answers, scores and the new position, and
queue the rendered replies in the outbox (bot/delivery/outbox.py). What the engine says
is stored with the state it belongs to: the channel's sender delivers it after commit,
and after a crash, without the patient having to type. With `hold` the rows of a chat with
nothing else pending are queued already claimed, for the caller to deliver at once
(outbox.Held: no claim transaction of its own).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.clinic.links import link_clinician, resolve_invitation
from bot.clinic.mydata import mydata_attachment
from bot.clinic.staff import clinician_turn
from bot.clock import Clock
from bot.config import DEFAULT_PORTAL_URL
from bot.delivery import inbox, outbox
from bot.engine import Engine, Event, Reply
from bot.engine.features.data_rights import MYDATA_ATTACHMENT
from bot.engine.features.triage import FlagRaised
from bot.engine.model import Label, Language, Text, language_from_hint
from bot.engine.serial import state_from_json, state_to_json
from bot.files import PatientFiles
from bot.i18n import Catalogs
from bot.store import Database, repo
from bot.store.effects import WriteContext, load_writers
from bot.store.effects import apply as apply_effect
from bot.store.models import Patient, RedFlag

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    channel: str  # "telegram" or "terminal"
    user: str  # the channel's user id
    event: Event
    update_id: int | None = None
    message_id: int | None = None  # the channel's message whose button was tapped


@dataclass(frozen=True)
class Attachment:
    """A file for a reply's `attachment`, made in the event's transaction."""

    filename: str
    data: bytes
    caption: Text | None = None


@dataclass(frozen=True)
class Outcome:
    """What the event's transaction committed: the replies (queued in the outbox, which
    the channel's sender delivers), their language, the chosen answer's label."""

    replies: tuple[Reply, ...]
    language: Language
    chosen: Label | None = None
    duplicate: bool = False  # nothing done: a duplicate update, or a reminder taken already
    others: frozenset[str] = frozenset()  # other chats it queued for (clinicians' summaries)
    held: outbox.Held | None = None  # rows queued claimed for the caller (handle(hold=True))
    replaced: bool = False  # the reply is delivered into the tapped message (outbox.Replace)


class Claim(Protocol):
    """Something an event takes in its own transaction (a due reminder, bot/scheduler):
    the engine runs only when `take` succeeds; the queued replies carry `reminder`."""

    @property
    def reminder(self) -> int: ...

    async def take(self, session: AsyncSession, now: datetime) -> bool: ...

    async def settle(self, session: AsyncSession, now: datetime) -> None:
        """Called when the step queued nothing to deliver."""


# (file name, bytes, caption or None), or None when there is nothing to attach
Producer = Callable[
    [AsyncSession, Patient, datetime], Awaitable[tuple[str, bytes, Text | None] | None]
]
# "kind:<id>" attachment (an outbox row only, such as a clinician's summary) -> its file
Referenced = Callable[[int, datetime], Awaitable["Attachment | None"]]
# Reply.attachment name -> what makes the file (more can be given to the Service).
ATTACHMENTS: dict[str, Producer] = {MYDATA_ATTACHMENT: mydata_attachment}
# The conversation's position and whether the chat has nothing undelivered (the event's
# rows may then be held), read in one statement after the patient's lock.
_POSITION = select(repo.STATE, outbox.IDLE)


class Service:
    def __init__(
        self,
        db: Database,
        engine: Engine,
        catalogs: Catalogs,
        clock: Clock,
        files: PatientFiles,
        producers: Mapping[str, Producer] | None = None,
        portal_url: str = DEFAULT_PORTAL_URL,
        referenced: Mapping[str, Referenced] | None = None,
    ) -> None:
        self.db = db
        self.portal_url = portal_url  # base of the clinic portal's sign-in links
        self.engine = engine
        self.catalogs = catalogs  # replies are rendered when queued
        self.clock = clock
        self.files = files  # files made for patients (charts saved by `backpath chat`)
        self.producers = {**ATTACHMENTS, **(producers or {})}
        self.referenced = dict(referenced or {})  # "kind:<id>" attachments
        load_writers()

    async def handle(
        self, incoming: Incoming, claim: Claim | None = None, hold: bool = False
    ) -> Outcome:
        started = time.perf_counter()  # a duration for the metrics, not the event's time
        now = self.clock.now()
        channel, user = incoming.channel, incoming.user
        async with self.db.transaction() as session:
            if incoming.update_id is not None:
                # the inbox row is processed when this commits (one commit per update) and
                # is the duplicate check; an update the inbox never had keeps its id apart
                marked = await inbox.mark_processed(session, incoming.update_id, now)
                if marked == "repeat" or (
                    marked == "not_stored"
                    and not await repo.claim_update(session, incoming.update_id, now)
                ):
                    log.info("duplicate update %s ignored", incoming.update_id)
                    metrics.UPDATES.labels(channel, "duplicate").inc()
                    return Outcome(replies=(), language="nl", duplicate=True)
            replaceable = incoming.message_id is not None and await outbox.keyboard_settled(
                session, channel, user, incoming.message_id
            )  # the tapped message's keyboard is gone (or the next question takes its place)
            staff = await link_clinician(session, incoming.event, channel, user, now)
            known = None
            if staff is None:
                known = await repo.lock_known_patient(session, channel, user)
                if known is None or known[1]:  # a new account, or a linked clinician's
                    staff = await clinician_turn(
                        session, incoming.event, user, now, self.portal_url
                    )
            if staff is not None:  # a clinician: no patient, no engine
                log.info("clinician update handled update=%s", incoming.update_id)
                await self._queue(session, channel, user, staff[1], (staff[0],), now)
                return Outcome(replies=(staff[0],), language=staff[1])
            patient = known[0] if known else await repo.add_patient(session, channel, user, now)
            if claim is not None and not await claim.take(session, now):
                return Outcome(replies=(), language="nl", duplicate=True)
            event = await resolve_invitation(session, incoming.event, now)
            where = {"patient": patient.id, "in_channel": channel, "in_chat": user}
            stored, idle = (await session.execute(_POSITION, where)).one()
            state = state_from_json(stored)
            result = self.engine.step(state, event, now)
            ctx = WriteContext(session, patient, now, incoming.update_id)
            for effect in result.effects:
                await apply_effect(ctx, effect)
            erased = inspect(patient).was_deleted  # /delete: nothing left to save or attach
            if erased:  # files first: once the erasure commits, nothing of theirs is left
                self.files.erase(channel, user)
                await outbox.forget_chat(session, channel, user)
            else:
                if patient.language != result.state.language:
                    patient.language = result.state.language
                position = state_to_json(result.state)
                await repo.save_state(session, patient.id, stored is not None, position, now)
            language: Language = (
                result.state.language or language_from_hint(incoming.event.language_hint) or "nl"
            )
            raised = [e for e in result.effects if isinstance(e, FlagRaised)]
            flags = await _new_flags(session, patient.id, now) if raised and not erased else []
            # /delete removed the chat's rows (idle now)
            held = hold and bool(result.replies) and (idle or erased)
            replace = (
                outbox.Replace(incoming.message_id, result.chosen)
                if replaceable and incoming.message_id is not None and result.chosen is not None
                else None
            )
            token = outbox.new_token() if held else None
            queued = await self._queue(
                session,
                channel,
                user,
                language,
                result.replies,
                now,
                reminder=claim.reminder if claim is not None else None,
                flags=flags,
                hold=token,
                replace=replace,
            )
            if claim is not None and not queued:
                await claim.settle(session, now)
            others = outbox.queued_elsewhere(session, channel, user)
            log.info(
                "patient=%s event=%s effects=%s replies=%d",
                patient.id,
                incoming.event.kind,
                [type(e).__name__ for e in result.effects],
                len(result.replies),
            )
        metrics.UPDATES.labels(channel, "handled").inc()
        metrics.UPDATE_SECONDS.labels(channel).observe(time.perf_counter() - started)
        metrics.red_flags_raised(e.level for e in raised)
        delivery = outbox.Held(token, tuple(queued)) if token is not None else None  # committed
        replaced = any(row.edits is not None for row in queued)
        return Outcome(
            result.replies, language, result.chosen, others=others, held=delivery, replaced=replaced
        )

    async def _queue(
        self,
        session: AsyncSession,
        channel: str,
        user: str,
        language: Language,
        replies: tuple[Reply, ...],
        now: datetime,
        reminder: int | None = None,
        flags: list[outbox.Flag] | None = None,
        hold: str | None = None,
        replace: outbox.Replace | None = None,
    ) -> list[outbox.Message]:
        rows = await outbox.queue(
            session,
            self.catalogs,
            channel,
            user,
            language,
            replies,
            now,
            reminder_id=reminder,
            flags=flags or (),
            hold=hold,
            replace=replace,
        )
        metrics.OUTBOX_QUEUED.labels(channel).inc(len(rows))
        return rows

    async def attachment(
        self, channel: str, user: str, name: str, now: datetime
    ) -> Attachment | None:
        """Make a reply's file (a chart, a data export) when it is delivered, from what is
        committed then: the rendering never holds the write lock other patients' messages
        wait for. None when there is nothing to attach (no such producer, the patient
        erased, no chart yet)."""
        kind, _, ref = name.partition(":")
        if ref:  # a file about someone else than the chat's patient (a clinician's summary)
            referenced = self.referenced.get(kind)
            return await referenced(int(ref), now) if referenced is not None else None
        producer = self.producers.get(name)
        if producer is None:
            return None
        async with self.db.session() as session:
            patient = (
                await session.execute(
                    select(Patient).where(Patient.channel == channel, Patient.external_id == user)
                )
            ).scalar_one_or_none()
            made = await producer(session, patient, now) if patient is not None else None
        return Attachment(*made) if made is not None else None


async def _new_flags(session: AsyncSession, patient_id: int, now: datetime) -> list[outbox.Flag]:
    """The red flags this event raised, to link each to the message that shows it."""
    rows = await session.execute(
        select(RedFlag.id, RedFlag.level, RedFlag.cluster)
        .where(RedFlag.patient_id == patient_id, RedFlag.raised_at == now)
        .order_by(RedFlag.id)
    )
    return [outbox.Flag(i, level, cluster) for i, level, cluster in rows]
