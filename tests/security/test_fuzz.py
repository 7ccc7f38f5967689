"""Property-based fuzz of the service and the terminal channel (issue #17, "fuzz test").

Hypothesis drives fresh patients with hostile input: random Unicode, control characters,
4,096-character texts, digits of every script, commands and /start arguments with junk,
forged invitation and staff links, forged and over-long button data, button data naming
another patient's reminder, time passing with reminders due, and whole `backpath chat`
sessions. Mixed in are real taps on the buttons just shown, so the fuzz reaches deep
into the flows. For every input:

- nothing raises (the service, the renderer, the terminal channel);
- a patient gets a reply, rendered in the language they chose (`Outcome.language` is the
  stored one once there is one);
- nothing about the other patient (the victim, set up once) changes, the clinic's unused
  invitation stays unused and nobody shares with the clinic: no valid token is ever sent;
- no input text reaches the log, at DEBUG, also through exceptions.

One runtime on one SQLite file serves every example (each example is a new patient), so
the 10,000 inputs take tens of seconds. BACKPATH_FUZZ_INPUTS changes the number.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import shutil
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.chat import Options, parse_line, run_chat
from bot.clock import FrozenClock
from bot.delivery.outbox import Message
from bot.engine import Event
from bot.engine.callbacks import VERSION, kinds
from bot.engine.model import Reply
from bot.i18n.rendering import render_reply
from bot.logging_setup import patient_text_filters
from bot.runtime import Runtime, build_runtime
from bot.scheduler.dispatch import dispatch_due
from bot.service import Attachment, Incoming, Outcome
from bot.store.models import Base, Conversation, Invitation, Patient, Sharing
from tests.clinic_support import clinic, clinician, invite
from tests.conftest import START, make_settings
from tests.integration.test_service import consent_and_no_flags

INPUTS = int(os.environ.get("BACKPATH_FUZZ_INPUTS", "10000"))
EVENTS_PER_PATIENT = 25
VICTIM = "4242"  # the patient of consent_and_no_flags
SHM = Path("/dev/shm")
MARK = "\u24e9"  # Ⓩ: texts carrying it must never show up in the log

# --- strategies -------------------------------------------------------------------------

DIGITS = st.characters(categories=["Nd", "No", "Nl"])  # ٣ ² ① Ⅷ ...
CONTROL = st.characters(categories=["Cc", "Cf", "Zl", "Zp"])
ANY_CHAR = st.characters(codec="utf-8")
WORDS = st.sampled_from(
    ["ja", "nee", "oui", "non", "Ja, ik ga akkoord", "Nederlands", "Français", "stop",
     "ik kan niet meer plassen", "je ne sens plus mes fesses", "koorts", "12/13/2026",
     "31/02/2024", "01/01/1900", "-1", "11", "0", "10", "007", "+3", "3.5", "½", " 7 "]
)  # fmt: skip


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(ANY_CHAR, max_size=40),
        st.text(DIGITS, min_size=1, max_size=6),
        st.text(CONTROL, min_size=1, max_size=6),
        st.builds(lambda c, n: c * n, ANY_CHAR, st.sampled_from([64, 65, 4096])),
        st.builds(lambda a, b: a + b, WORDS, st.text(ANY_CHAR, max_size=4)),
        WORDS,
    )


TEXTS = _texts()
COMMAND_NAMES = [
    "start", "help", "pain", "startback", "orebro", "comi", "back", "cancel", "pause",
    "resume", "language", "about", "flare", "seen", "advice", "mydata", "sharing",
    "newepisode", "progress", "reminders", "stop", "restart", "delete", "nope", "START",
    "start@backpath_bot", "",
]  # fmt: skip
TOKEN_CHARS = string.ascii_letters + string.digits + "_-"
COMMANDS = st.sampled_from(COMMAND_NAMES) | st.text(ANY_CHAR, max_size=8)
HINTS = st.sampled_from(["nl", "fr", "fr-BE", "en", None, "x" * 40])
# mostly real taps; a "time" step (clock moves, reminders due) now and then
KINDS = st.sampled_from(
    ["tap"] * 9 + ["text"] * 3 + ["command"] * 2 + ["start", "data", "data"] + ["time"]
)


def _start_args() -> st.SearchStrategy[str]:
    token = st.text(st.sampled_from(TOKEN_CHARS), min_size=32, max_size=32)
    number = st.integers(-2, 10**12).map(str)
    return st.one_of(
        st.builds("i_{}".format, token),  # a forged invitation token of the right shape
        st.builds("s_{}".format, token),  # a forged staff token
        st.builds("i_{}".format, st.text(ANY_CHAR, max_size=40)),
        st.builds("invite:{}:{}:{}:{}".format, number, number, st.text(max_size=9), TEXTS),
        st.sampled_from(["invite:", "invite:abc", "invite:used", "invite:1:999:nrs:X", "i_"]),
        TEXTS,
    )


START_ARGS = _start_args()


def _forged_data(victim_reminders: list[int]) -> st.SearchStrategy[str]:
    """Button data as an attacker would type it (bot/engine/callbacks.py's format and the
    old one), with question numbers near the real ones and the victim's reminder ids."""
    seq = st.one_of(st.integers(0, 2 * EVENTS_PER_PATIENT).map(str), st.text(DIGITS, max_size=3))
    field_ = st.one_of(st.integers(-1, 30).map(str), st.text(ANY_CHAR, max_size=5))
    theirs = st.sampled_from(victim_reminders or [1]).map(str)
    version = st.sampled_from([VERSION, VERSION, "1", "", "²"])
    prefix = st.sampled_from([*kinds(), "", "zz"])
    return st.one_of(
        st.builds("{}:o:{}:{}".format, version, seq, field_),
        st.builds("{}:{}:{}:{}".format, version, prefix, seq, field_),
        st.builds("{}:z:{}:{}".format, version, theirs, st.sampled_from(["t", "w", "x"])),
        st.builds("{}:t:{}".format, version, st.text(DIGITS | ANY_CHAR, min_size=4, max_size=4)),
        st.builds("{}:x:{}:{}:{}".format, version, seq, field_, st.sampled_from(["0", "1", "2"])),
        st.builds("{}:{}".format, version, st.sampled_from(["f:off", "f:on", "r:ack", "f:", "m"])),
        st.builds("{}:m:{}:{}".format, version, seq, st.text(max_size=12)),
        st.builds(lambda c: f"{VERSION}:o:1:" + c * 300, ANY_CHAR),  # over Telegram's 64 bytes
        st.text(ANY_CHAR, max_size=70),
    )


# --- the world the examples share -----------------------------------------------------


@dataclass
class World:
    runtime: Runtime
    clock: FrozenClock
    loop: asyncio.AbstractEventLoop
    victim_reminders: list[int]
    victim_before: Any = None
    inputs: int = 0
    patients: int = 0
    marks: list[str] = field(default_factory=list)

    @cached_property
    def forged(self) -> st.SearchStrategy[str]:
        return _forged_data(self.victim_reminders)

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)


async def _victim_rows(runtime: Runtime) -> Any:
    """Every row about the victim, the clinic's invitations and the sharing count."""
    rows: dict[str, Any] = {}
    async with runtime.db.session() as session:
        victim = (
            await session.execute(select(Patient).where(Patient.external_id == VICTIM))
        ).scalar_one()
        for table in Base.metadata.sorted_tables:
            if "patient_id" in table.c:
                query = select(table).where(table.c.patient_id == victim.id)
                rows[table.name] = sorted(map(tuple, (await session.execute(query)).all()))
        conversation = await session.get(Conversation, victim.id)
        assert conversation is not None
        rows["state"] = conversation.state
        rows["patient"] = (victim.language, victim.consent_status, victim.blocked_at)
        query = select(Invitation.id, Invitation.used_at, Invitation.patient_id)
        rows["invitations"] = sorted(map(tuple, (await session.execute(query)).all()))
        rows["sharing"] = (await session.execute(select(func.count(Sharing.id)))).scalar_one()
    return rows


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    loop = asyncio.new_event_loop()
    clock = FrozenClock(START)
    # in memory when the machine has it: commits need no disk flush, so the fuzz is fast
    folder = Path(tempfile.mkdtemp(dir=SHM)) if SHM.is_dir() else tmp_path
    settings_ = make_settings(f"sqlite+aiosqlite:///{folder / 'fuzz.db'}", tmp_path)
    runtime = loop.run_until_complete(build_runtime(settings_, clock))

    async def setup() -> list[int]:
        clinic_id = await clinic(runtime, "Praktijk De Brug")
        await clinician(runtime, clinic_id, "fr")
        await invite(runtime, clinic_id, ["nrs"])  # unused: the fuzz never has its token
        start = await runtime.service.handle(
            Incoming("telegram", VICTIM, Event("start", language_hint="fr"))
        )
        await consent_and_no_flags(runtime, start)  # waits at the pain question now
        rows = await _victim_rows(runtime)
        return [row[0] for row in rows.get("reminders", [])]

    reminders = loop.run_until_complete(setup())
    made = World(runtime, clock, loop, reminders)
    made.victim_before = loop.run_until_complete(_victim_rows(runtime))
    try:
        yield made
    finally:
        loop.run_until_complete(runtime.close())
        loop.close()
        if folder != tmp_path:
            shutil.rmtree(folder)


# --- one fuzzed patient ---------------------------------------------------------------


def _check(world: World, outcome: Outcome, language: str | None) -> None:
    """Every reply renders, in the patient's own language once they have one."""
    if outcome.duplicate:
        return
    assert outcome.replies, "a patient always gets an answer"
    if language is not None:
        assert outcome.language == language
    for reply in outcome.replies:
        rendered = render_reply(world.runtime.catalogs, outcome.language, reply)
        assert rendered.text.strip()


async def _language(runtime: Runtime, channel: str, user: str) -> str | None:
    async with runtime.db.session() as session:
        query = select(Patient.language).where(
            Patient.channel == channel, Patient.external_id == user
        )
        return (await session.execute(query)).scalar_one_or_none()


def _buttons(outcome: Outcome) -> list[str]:
    return [b.data for r in outcome.replies for row in r.buttons for b in row]


def _event(data: st.DataObject, world: World, real: list[str]) -> Event | None:
    """The next input: a real tap (often), hostile input, or None for "time passes"."""
    hint = data.draw(HINTS)
    kind = data.draw(KINDS)
    if kind == "tap" and real:
        return Event("choice", text=data.draw(st.sampled_from(real)), language_hint=hint)
    if kind == "time":
        return None
    if kind == "command":
        name = data.draw(COMMANDS)
        return Event("command", text=name, arg=data.draw(TEXTS), language_hint=hint)
    if kind == "start":
        return Event("start", arg=data.draw(START_ARGS), language_hint=hint)
    if kind == "data":
        forged = data.draw(world.forged)
        return Event("choice", text=forged, language_hint=hint)
    text = data.draw(TEXTS)
    if data.draw(st.booleans()):
        text = f"{MARK}{world.inputs:06d}{text}"
        world.marks.append(f"{MARK}{world.inputs:06d}")
    return Event("text", text=text, language_hint=hint)


@dataclass
class Collected:
    """A transport that keeps the messages the scheduler delivers."""

    messages: list[Message] = field(default_factory=list)

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        self.messages.append(message)
        return None

    async def remove_keyboard(self, chat: str, message_id: int, /) -> None:
        """Nothing is on a screen here."""


async def _service_patient(data: st.DataObject, world: World) -> None:
    runtime, user = world.runtime, f"fuzz-{world.patients}"
    channel = data.draw(st.sampled_from(["telegram", "terminal"]))
    real: list[str] = []  # the button data on screen
    waiting: Options | None = None
    for _ in range(EVENTS_PER_PATIENT):
        event = _event(data, world, real)
        world.inputs += 1
        if event is None:
            world.clock.advance(timedelta(hours=data.draw(st.integers(1, 24 * 20))))
            collected = Collected()
            await dispatch_due(runtime, runtime.sender(collected), channel, user=user)
            language = await _language(runtime, channel, user)
            said = [m for m in collected.messages if m.reminder_id is not None]
            for message in said:  # what a reminder said renders, in the patient's language
                assert message.rendered.text.strip() or message.attachment
                assert language is None or message.language == language
            if said:
                real = [b.data for m in said for row in m.rendered.buttons for b in row]
            continue
        if channel == "terminal" and event.kind in ("text", "command"):
            line = event.text if event.kind == "text" else f"/{event.text} {event.arg}"
            if not line.strip():
                continue
            event = parse_line(line, waiting)  # what `backpath chat` makes of the line
        # update ids of this patient only (a replayed example meets the same duplicates)
        drawn = data.draw(st.none() | st.integers(0, 30))
        update_id = None if drawn is None else world.patients * 100 + drawn
        outcome = await runtime.service.handle(Incoming(channel, user, event, update_id))
        tap = event.kind == "choice" and event.text in real
        _check(world, outcome, None if tap else await _language(runtime, channel, user))
        if outcome.replies:
            real = _buttons(outcome)
            replies: tuple[Reply, ...] = outcome.replies
            waiting = Options(scale=any(r.expects == "scale" for r in replies))
            for reply in replies:  # numbered as `backpath chat` shows them
                waiting.add(render_reply(runtime.catalogs, outcome.language, reply))


async def _chat_patient(data: st.DataObject, world: World) -> None:
    """A whole `backpath chat` session from piped lines: it must end cleanly at EOF."""
    lines = data.draw(
        st.lists(st.one_of(TEXTS, st.integers(0, 12).map(str), st.just("/delete")), max_size=12)
    )
    stdin = io.StringIO("".join(line.replace("\n", " ") + "\n" for line in lines))
    stdout = io.StringIO()
    language = data.draw(st.sampled_from(["nl", "fr", None]))
    await run_chat(world.runtime, f"chat-{world.patients}", language, stdin, stdout)
    world.inputs += len(lines) + 1
    assert stdout.getvalue().rstrip().endswith(">")


def test_hostile_input_never_crashes_leaks_or_touches_another_patient(world: World) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for guard in patient_text_filters():  # what configure_logging puts on its handler
        handler.addFilter(guard)
    root, ours = logging.getLogger(), logging.getLogger("bot")
    root.addHandler(handler)
    ours.setLevel(logging.DEBUG)  # (libraries' debug records are dropped by the filter)
    examples = INPUTS * 11 // (10 * EVENTS_PER_PATIENT) + 20  # chat sessions are shorter

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def one_patient(data: st.DataObject) -> None:
        world.patients += 1  # a new patient each time, at the same moment: examples replay
        world.clock.set(START)
        if data.draw(st.integers(0, 9)) == 0:
            world.run(_chat_patient(data, world))
        else:
            world.run(_service_patient(data, world))

    try:
        one_patient()
    finally:
        root.removeHandler(handler)
        ours.setLevel(logging.NOTSET)
    assert world.inputs >= INPUTS
    assert world.run(_victim_rows(world.runtime)) == world.victim_before
    logged = stream.getvalue()
    assert world.marks and not [m for m in world.marks if m in logged]
