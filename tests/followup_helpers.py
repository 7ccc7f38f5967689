"""Drive a patient through the service (no channel) and record what the scheduler sends."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from bot.engine import Event
from bot.engine.model import Language
from bot.i18n.rendering import render_reply
from bot.runtime import Runtime
from bot.scheduler import Blocked, RetryLater
from bot.service import Incoming, Outcome
from bot.store.models import Patient, Reminder

CHANNEL = "telegram"


@dataclass
class ServicePatient:
    runtime: Runtime
    user: str = "42"
    language: Language = "nl"
    last: Outcome | None = None

    async def send(self, event: Event) -> Outcome:
        self.last = await self.runtime.service.handle(Incoming(CHANNEL, self.user, event))
        return self.last

    async def command(self, name: str) -> Outcome:
        return await self.send(Event("command", text=name))

    async def tap(self, label: str) -> Outcome:
        assert self.last is not None
        for reply in reversed(self.last.replies):
            rendered = render_reply(self.runtime.catalogs, self.language, reply)
            for row in rendered.buttons:
                for button in row:
                    if button.label == label:
                        return await self.send(Event("choice", text=button.data))
        raise KeyError(label)

    async def onboard_with_episode(self, radicular: bool = False) -> None:
        """The intake: consent, no red flags, the episode (1-2 weeks ago), NRS 7; the COMI
        baseline is cancelled so that the patient idles."""
        nl = self.language == "nl"
        await self.send(Event("start", language_hint=self.language))
        await self.tap("Ja, ik ga akkoord" if nl else "Oui, je suis d'accord")
        await self.no_red_flags()
        await self.tap("1 tot 2 weken geleden" if nl else "Il y a 1 à 2 semaines")
        leg = ("Ja, tot onder de knie", "Nee, vooral in de rug")
        if not nl:
            leg = ("Oui, jusque sous le genou", "Non, surtout dans le dos")
        await self.tap(leg[0] if radicular else leg[1])
        await self.tap("Nee" if nl else "Non")
        await self.tap("7")
        await self.command("cancel")

    async def no_red_flags(self) -> None:
        """Answer "no" to each red-flag question (the check-in starts with them) and to
        the radicular re-check that follows them for a back-pain episode."""
        while any(k.startswith(("redflags.", "radicular_check.below")) for k in self.msgids()):
            await self.tap("Nee" if self.language == "nl" else "Non")

    def msgids(self) -> list[str]:
        assert self.last is not None
        return [p.key for r in self.last.replies for p in r.parts]


@dataclass
class RecordingSender:
    """A Sender that keeps what it was given; can fail the next sends."""

    sent: list[tuple[str, Outcome]] = field(default_factory=list)
    fail_with: list[Exception] = field(default_factory=list)

    async def __call__(self, user: str, outcome: Outcome, /) -> None:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append((user, outcome))

    def message_keys(self) -> list[list[str]]:
        return [[p.key for r in o.replies for p in r.parts] for _, o in self.sent]


async def only_checkins(runtime: Runtime) -> None:
    """Cancel the planned moments other than check-ins, so a test sees one reminder."""
    async with runtime.db.session() as session, session.begin():
        await session.execute(
            update(Reminder).where(Reminder.kind != "checkin").values(status="cancelled")
        )


async def reminders(runtime: Runtime) -> list[Reminder]:
    async with runtime.db.session() as session:
        return list((await session.execute(select(Reminder).order_by(Reminder.id))).scalars())


async def patient_row(runtime: Runtime, user: str = "42") -> Patient:
    async with runtime.db.session() as session:
        query = select(Patient).where(Patient.external_id == user)
        return (await session.execute(query)).scalar_one()


__all__ = [
    "Blocked",
    "RecordingSender",
    "RetryLater",
    "ServicePatient",
    "only_checkins",
    "patient_row",
    "reminders",
]
