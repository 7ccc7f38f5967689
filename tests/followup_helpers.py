"""Drive a patient through the service (no channel) and record what the scheduler sends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, update

from bot.delivery.outbox import Message
from bot.delivery.sender import Blocked, RetryLater, Sender
from bot.engine import Event
from bot.engine.model import Language
from bot.i18n.rendering import Rendered, render_reply
from bot.runtime import Runtime
from bot.scheduler.dispatch import DispatchReport, dispatch_due
from bot.service import Attachment, Claim, Incoming, Outcome
from bot.store.models import Patient, Reminder

CHANNEL = "telegram"


@dataclass
class ServicePatient:
    runtime: Runtime
    user: str = "42"
    language: Language = "nl"
    last: Outcome | None = None
    screen: list[Rendered] = field(default_factory=list)  # what the patient sees now

    async def send(self, event: Event) -> Outcome:
        self.last = await self.runtime.service.handle(Incoming(CHANNEL, self.user, event))
        await RecordingTransport(self.runtime).sender().deliver(CHANNEL, self.user)  # seen
        return self.last

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        if name == "last" and isinstance(value, Outcome):  # what an outcome puts on screen
            catalogs = self.runtime.catalogs
            screen = [render_reply(catalogs, value.language, r) for r in value.replies]
            super().__setattr__("screen", screen)

    def show(self, messages: Sequence[Message]) -> None:
        """The patient sees delivered messages (a reminder the scheduler sent)."""
        self.screen = [m.rendered for m in messages]

    async def command(self, name: str) -> Outcome:
        return await self.send(Event("command", text=name))

    async def tap(self, label: str) -> Outcome:
        for rendered in reversed(self.screen):
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
        no = "Nee" if self.language == "nl" else "Non"
        while any(b.label == no for r in self.screen for row in r.buttons for b in row):
            await self.tap(no)

    def msgids(self) -> list[str]:
        assert self.last is not None
        return [p.key for r in self.last.replies for p in r.parts]


@dataclass
class RecordingTransport:
    """A transport that keeps what it was given; can fail the next sends."""

    runtime: Runtime
    sent: list[Message] = field(default_factory=list)
    fail_with: list[Exception] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)  # message ids whose keyboard went
    files: list[Attachment] = field(default_factory=list)  # the files sent

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append(message)
        if attachment is not None:
            self.files.append(attachment)
        return len(self.sent)

    async def remove_keyboard(self, chat: str, message_id: int, /) -> None:
        self.removed.append(message_id)

    def sender(self) -> Sender:
        return self.runtime.sender(self)

    def count(self, msgid: str) -> int:
        """How many delivered messages start with this catalog text (nl)."""
        head = self.runtime.catalogs.message("nl", msgid).split("{")[0].strip()
        return sum(m.rendered.text.startswith(head) for m in self.sent)

    def to(self, user: str) -> list[Message]:
        return [m for m in self.sent if m.chat == user]


@dataclass
class RecordingSender:
    """Runs the reminder job through a RecordingTransport and keeps what each reminder
    step said (`sent`: (user, Outcome) of the steps whose messages were delivered)."""

    sent: list[tuple[str, Outcome]] = field(default_factory=list)
    fail_with: list[Exception] = field(default_factory=list)

    async def dispatch(self, runtime: Runtime, user: str | None = None) -> DispatchReport:
        transport = RecordingTransport(runtime, fail_with=self.fail_with)
        steps: list[tuple[str, Outcome]] = []
        service = runtime.service

        class Recording:  # the service, keeping each step's outcome
            attachment = service.attachment

            async def handle(
                self, incoming: Incoming, claim: Claim | None = None, hold: bool = False
            ) -> Outcome:
                outcome = await service.handle(incoming, claim=claim, hold=hold)
                if outcome.replies:
                    steps.append((incoming.user, outcome))
                return outcome

        recording: Any = replace(runtime, service=Recording())
        report = await dispatch_due(recording, recording.sender(transport), CHANNEL, user=user)
        delivered = {m.chat for m in transport.sent}
        self.sent += [(u, o) for u, o in steps if u in delivered]
        return report

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
    "RecordingTransport",
    "RetryLater",
    "ServicePatient",
    "only_checkins",
    "patient_row",
    "reminders",
]
