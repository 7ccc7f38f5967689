"""The service: one database transaction per incoming event around the pure engine.

In one transaction: claim the update id (a duplicate stops here), lock the patient,
load the position, run engine.step, persist answers, scores and the new position.
Replies are returned only after commit: a crash between commit and send is healed on
the next message, which re-asks the current question.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.clock import Clock
from bot.engine import Engine, Event, Reply
from bot.engine.model import Label, Language
from bot.engine.serial import state_from_json, state_to_json
from bot.store import Database, repo
from bot.store.effects import WriteContext, load_writers
from bot.store.effects import apply as apply_effect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    channel: str  # "telegram" or "terminal"
    user: str  # the channel's user id
    event: Event
    update_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    replies: tuple[Reply, ...]
    language: Language
    chosen: Label | None = None
    duplicate: bool = False
    patient_id: int | None = None  # to produce reply attachments (charts) after commit


class Service:
    def __init__(self, db: Database, engine: Engine, clock: Clock) -> None:
        self.db = db
        self.engine = engine
        self.clock = clock
        load_writers()

    async def handle(self, incoming: Incoming) -> Outcome:
        now = self.clock.now()
        async with self.db.session() as session, session.begin():
            if incoming.update_id is not None and not await repo.claim_update(
                session, incoming.update_id, now
            ):
                log.info("duplicate update %s ignored", incoming.update_id)
                return Outcome(replies=(), language="nl", duplicate=True)
            patient = await repo.lock_patient(session, incoming.channel, incoming.user, now)
            state = state_from_json(await repo.load_state(session, patient.id))
            result = self.engine.step(state, incoming.event, now)
            ctx = WriteContext(session, patient, now, incoming.update_id)
            for effect in result.effects:
                await apply_effect(ctx, effect)
            patient.language = result.state.language
            await repo.save_state(session, patient.id, state_to_json(result.state), now)
            log.info(
                "patient=%s event=%s effects=%s replies=%d",
                patient.id,
                incoming.event.kind,
                [type(e).__name__ for e in result.effects],
                len(result.replies),
            )
        language: Language = result.state.language or _hint(incoming.event) or "nl"
        return Outcome(
            replies=result.replies, language=language, chosen=result.chosen, patient_id=patient.id
        )


def _hint(event: Event) -> Language | None:
    hint = (event.language_hint or "").split("-")[0].lower()
    return "fr" if hint == "fr" else "nl" if hint == "nl" else None
