"""Shared helpers for the clinic tests: clinics, links, and a patient who answers everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.clinic.admin import add_clinic, add_clinician, create_invitation
from bot.engine.model import Event, Raw, Reply, Text
from bot.runtime import Runtime
from bot.service import Attachment, Incoming, Outcome

BOT = "backpath_test_bot"
QUESTION = "Mag ik nog fietsen? Ik ben bang dat het erger wordt."
# What the test patient picks when it is offered (else the first button, 5 on a scale).
PREFERRED = (
    "onboarding.consent_yes",
    "clinic.sharing_yes",
    "clinic.question_write",
    "answer.no",
)
DONE = {"clinic.invite_done"}


def token_of(link: str) -> str:
    return link.split("?start=", 1)[1][2:]


async def clinic(runtime: Runtime, name: str = "Praktijk De Brug", language: str = "nl") -> int:
    async with runtime.db.session() as session, session.begin():
        return (await add_clinic(session, name, language, runtime.clock.now())).id


async def clinician(runtime: Runtime, clinic_id: int, language: str) -> str:
    """A clinician of the clinic; returns the staff token."""
    async with runtime.db.session() as session, session.begin():
        made = await add_clinician(
            session, clinic_id, "Dr. Test", language, BOT, runtime.clock.now()
        )
    return token_of(made.link)


def instruments(runtime: Runtime) -> list[str]:
    """Whichever of the usual pre-consult instruments exist as flows now."""
    wanted = ("startback", "orebro", "comi", "nrs")
    return [i for i in wanted if i in runtime.engine.flows]


async def invite(
    runtime: Runtime, clinic_id: int, which: list[str] | None = None, days: int = 14
) -> str:
    """An invitation; returns the token."""
    async with runtime.db.session() as session, session.begin():
        made = await create_invitation(
            session,
            clinic_id,
            which or instruments(runtime),
            runtime.engine.flows,
            timedelta(days=days),
            None,
            BOT,
            runtime.clock.now(),
        )
    return token_of(made.link)


def keys(outcome: Outcome) -> list[str]:
    return [p.key for r in outcome.replies for p in r.parts]


def pick(reply: Reply) -> str | None:
    """The button data the test patient taps on this reply, or None to type."""
    buttons = [b for row in reply.buttons for b in row]
    if not buttons:
        return None
    for key in PREFERRED:
        for button in buttons:
            if isinstance(button.label, Text) and button.label.key == key:
                return button.data
    for button in buttons:
        if isinstance(button.label, Raw) and button.label.value == "5":
            return button.data
    return buttons[0].data


@dataclass
class Patient:
    """Drives the service like a Telegram user."""

    runtime: Runtime
    user: str = "4242"
    hint: str = "nl"
    last: Outcome | None = None
    seen: list[str] = field(default_factory=list)

    async def send(self, event: Event) -> Outcome:
        self.last = await self.runtime.service.handle(Incoming("telegram", self.user, event))
        self.seen += keys(self.last)
        return self.last

    async def start(self, arg: str = "") -> Outcome:
        return await self.send(Event("start", arg=arg, language_hint=self.hint))

    async def attachment(self, name: str) -> Attachment:
        """The file a reply names, as the sender makes it when the reply is delivered."""
        made = await self.runtime.service.attachment(
            "telegram", self.user, name, self.runtime.clock.now()
        )
        assert made is not None
        return made

    async def command(self, name: str) -> Outcome:
        return await self.send(Event("command", text=name, language_hint=self.hint))

    async def tap(self, key: str) -> Outcome:
        assert self.last is not None
        for reply in self.last.replies:
            for row in reply.buttons:
                for button in row:
                    if isinstance(button.label, Text) and button.label.key == key:
                        return await self.send(Event("choice", text=button.data))
        raise AssertionError(f"no button {key} in {keys(self.last)}")

    async def answer_all(self, limit: int = 80) -> None:
        """Answer every question until the invitation is done."""
        for _ in range(limit):
            assert self.last is not None
            if DONE & set(keys(self.last)):
                return
            reply = self.last.replies[-1]
            data = pick(reply)
            if data is not None:
                await self.send(Event("choice", text=data))
            elif reply.expects == "text":
                await self.send(Event("text", text=QUESTION))
            else:
                raise AssertionError(f"stuck at {keys(self.last)}")
        raise AssertionError("the invitation never finished")
