"""The service: one database transaction per incoming event around the pure engine.

In one transaction: claim the update id (a duplicate stops here), lock the patient,
load the position, run engine.step, persist answers, scores and the new position.
Replies are returned only after commit: a crash between commit and send is healed on
the next message, which re-asks the current question.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.clinic.links import link_clinician, resolve_invitation
from bot.clinic.mydata import mydata_attachment
from bot.clinic.staff import clinician_turn
from bot.clock import Clock
from bot.config import DEFAULT_PORTAL_URL
from bot.engine import Engine, Event, Reply
from bot.engine.features.data_rights import MYDATA_ATTACHMENT
from bot.engine.features.triage import FlagRaised
from bot.engine.model import Label, Language, Text, language_from_hint
from bot.engine.serial import state_from_json, state_to_json
from bot.files import PatientFiles
from bot.store import Database, repo
from bot.store.effects import WriteContext, load_writers
from bot.store.effects import apply as apply_effect
from bot.store.models import Patient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    channel: str  # "telegram" or "terminal"
    user: str  # the channel's user id
    event: Event
    update_id: int | None = None


@dataclass(frozen=True)
class Attachment:
    """A file for a reply's `attachment`, made in the event's transaction."""

    filename: str
    data: bytes
    caption: Text | None = None


@dataclass(frozen=True)
class Outcome:
    replies: tuple[Reply, ...]
    language: Language
    chosen: Label | None = None
    duplicate: bool = False
    attachments: Mapping[str, Attachment] = field(default_factory=dict)


# (file name, bytes, caption or None), or None when there is nothing to attach
Producer = Callable[
    [AsyncSession, Patient, datetime], Awaitable[tuple[str, bytes, Text | None] | None]
]
# Reply.attachment name -> what makes the file (more can be given to the Service).
ATTACHMENTS: dict[str, Producer] = {MYDATA_ATTACHMENT: mydata_attachment}


class Service:
    def __init__(
        self,
        db: Database,
        engine: Engine,
        clock: Clock,
        files: PatientFiles,
        producers: Mapping[str, Producer] | None = None,
        portal_url: str = DEFAULT_PORTAL_URL,
    ) -> None:
        self.db = db
        self.portal_url = portal_url  # base of the clinic portal's sign-in links
        self.engine = engine
        self.clock = clock
        self.files = files  # files made for patients (charts saved by `backpath chat`)
        self.producers = {**ATTACHMENTS, **(producers or {})}
        load_writers()

    async def handle(self, incoming: Incoming) -> Outcome:
        started = time.perf_counter()  # a duration for the metrics, not the event's time
        now = self.clock.now()
        async with self.db.transaction() as session:
            if incoming.update_id is not None and not await repo.claim_update(
                session, incoming.update_id, now
            ):
                log.info("duplicate update %s ignored", incoming.update_id)
                metrics.UPDATES.labels(incoming.channel, "duplicate").inc()
                return Outcome(replies=(), language="nl", duplicate=True)
            staff = await link_clinician(
                session, incoming.event, incoming.channel, incoming.user, now
            )
            if staff is None:  # a linked clinician: clinician help and /portal
                staff = await clinician_turn(
                    session, incoming.event, incoming.user, now, self.portal_url
                )
            if staff is not None:  # a clinician: no patient, no engine
                log.info("clinician update handled update=%s", incoming.update_id)
                return Outcome(replies=(staff[0],), language=staff[1])
            patient = await repo.lock_patient(session, incoming.channel, incoming.user, now)
            event = await resolve_invitation(session, incoming.event, now)
            conversation = await repo.load_conversation(session, patient.id)
            state = state_from_json(conversation.state if conversation else None)
            result = self.engine.step(state, event, now)
            ctx = WriteContext(session, patient, now, incoming.update_id)
            for effect in result.effects:
                await apply_effect(ctx, effect)
            erased = inspect(patient).was_deleted  # /delete: nothing left to save or attach
            if erased:  # files first: once the erasure commits, nothing of theirs is left
                self.files.erase(incoming.channel, incoming.user)
            else:
                patient.language = result.state.language
                repo.save_state(session, patient.id, conversation, state_to_json(result.state), now)
            log.info(
                "patient=%s event=%s effects=%s replies=%d",
                patient.id,
                incoming.event.kind,
                [type(e).__name__ for e in result.effects],
                len(result.replies),
            )
        metrics.UPDATES.labels(incoming.channel, "handled").inc()
        metrics.UPDATE_SECONDS.labels(incoming.channel).observe(time.perf_counter() - started)
        metrics.red_flags_raised(e.level for e in result.effects if isinstance(e, FlagRaised))
        language: Language = (
            result.state.language or language_from_hint(incoming.event.language_hint) or "nl"
        )
        wanted = [
            r.attachment for r in result.replies if r.attachment and r.attachment in self.producers
        ]
        attachments = {} if erased or not wanted else await self._attach(patient.id, wanted, now)
        return Outcome(result.replies, language, result.chosen, attachments=attachments)

    async def _attach(
        self, patient_id: int, names: list[str], now: datetime
    ) -> dict[str, Attachment]:
        """Make files (charts, data exports) after commit, from what was committed: the
        rendering never holds the write lock other patients' messages wait for."""
        attachments: dict[str, Attachment] = {}
        async with self.db.session() as session:
            patient = await session.get(Patient, patient_id)
            if patient is None:
                return attachments
            for name in names:
                made = await self.producers[name](session, patient, now)
                if made is not None:
                    attachments[name] = Attachment(*made)
        return attachments
