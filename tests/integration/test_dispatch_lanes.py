"""A dispatch pass serves several chats at once (bot/scheduler/lanes.py), on SQLite and
PostgreSQL: each chat's messages in order, the limiter setting the pace, a failing chat
leaving the others alone, pages by key, and an idle pass of three selections."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.clock import FrozenClock
from bot.delivery.limits import LocalLimiter
from bot.delivery.outbox import Message
from bot.runtime import Runtime
from bot.scheduler import claims
from bot.scheduler.dispatch import dispatch_due
from bot.service import Attachment
from tests.followup_helpers import (
    CHANNEL,
    RecordingTransport,
    ServicePatient,
    only_checkins,
    reminders,
)

CHECKIN_DUE = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 10:00 in Brussels
USERS = ("41", "42", "43", "44")
MESSAGES = 3  # a check-in: its intro, the red-flag intro, the first question
DEADLOCK = 60  # seconds: only a dispatch that serves one chat at a time waits this long


@pytest.fixture
async def patients(runtime: Runtime) -> tuple[str, ...]:
    for user in USERS:
        await ServicePatient(runtime, user=user).onboard_with_episode()
    await only_checkins(runtime)
    return USERS


def in_order(transport: RecordingTransport) -> dict[str, bool]:
    """Per chat: its messages went out in the order they were queued."""
    ids: dict[str, list[int]] = {}
    for message in transport.sent:
        ids.setdefault(message.chat, []).append(message.id)
    return {chat: got == sorted(got) for chat, got in ids.items()}


@dataclass
class WaitsForAnotherChat(RecordingTransport):
    """The first chat's messages wait until another chat's message went out: a dispatch
    that served one chat after another would never get there."""

    first: str = USERS[0]
    other_went: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        if message.chat == self.first:
            await self.other_went.wait()
        sent = await super().send(message, attachment)
        self.other_went.set()
        return sent


async def test_chats_go_out_at_once_each_in_order(
    runtime: Runtime, patients: tuple[str, ...], clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    transport = WaitsForAnotherChat(runtime)
    async with asyncio.timeout(DEADLOCK):
        report = await dispatch_due(runtime, transport.sender(), CHANNEL)
    assert report.sent == len(patients) and not report.failed
    assert transport.sent[0].chat != USERS[0]
    assert {chat: len(transport.to(chat)) for chat in patients} == dict.fromkeys(patients, MESSAGES)
    assert in_order(transport) == dict.fromkeys(patients, True)
    assert transport.count("reminder.checkin") == len(patients)
    assert (await dispatch_due(runtime, transport.sender(), CHANNEL)).sent == 0


@dataclass
class FakeTime:
    """The limiter's clock: only its own waits move it."""

    now: float = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class Timed(RecordingTransport):
    """Records when (on the limiter's clock) each Bot API call was made."""

    time: FakeTime = field(default_factory=FakeTime)
    calls: list[float] = field(default_factory=list)

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        self.calls.append(self.time.now)
        return await super().send(message, attachment)

    async def remove_keyboard(self, chat: str, message_id: int, /) -> None:
        self.calls.append(self.time.now)
        await super().remove_keyboard(chat, message_id)


async def test_the_limiter_sets_the_pace_of_all_chats_together(
    runtime: Runtime, patients: tuple[str, ...], clock: FrozenClock
) -> None:
    rate = 10.0
    fake = FakeTime()
    limiter = LocalLimiter(rate, burst=1, monotonic=fake.monotonic, sleep=fake.sleep)
    paced = replace(runtime, limiter=limiter)
    clock.set(CHECKIN_DUE)
    transport = Timed(paced, time=fake)
    report = await dispatch_due(paced, transport.sender(), CHANNEL)
    assert report.sent == len(patients)
    assert len(transport.calls) >= MESSAGES * len(patients)
    gaps = [b - a for a, b in zip(transport.calls, transport.calls[1:], strict=False)]
    # one call a slot, all lanes together: never faster than the rate
    assert gaps == pytest.approx([1 / rate] * len(gaps))


class Crash(Exception):
    pass


@dataclass
class CrashesOneChat(RecordingTransport):
    chat: str = USERS[1]

    async def send(self, message: Message, attachment: Attachment | None, /) -> int | None:
        if message.chat == self.chat:
            raise Crash()
        return await super().send(message, attachment)


async def test_a_failing_chat_does_not_stop_the_others(
    runtime: Runtime, patients: tuple[str, ...], clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    transport = CrashesOneChat(runtime)
    report = await dispatch_due(runtime, transport.sender(), CHANNEL)
    assert (report.sent, report.failed) == (len(patients) - 1, 1)
    assert sorted({m.chat for m in transport.sent}) == [u for u in patients if u != USERS[1]]
    taken = sorted(r.status for r in await reminders(runtime) if r.status in ("sending", "sent"))
    assert taken == ["sending"] + ["sent"] * (len(patients) - 1)
    # queued once: its message goes out when the sender's claim runs out, not again
    assert (await dispatch_due(runtime, transport.sender(), CHANNEL)).sent == 0
    clock.advance(timedelta(minutes=5))
    delivered = await RecordingTransport(runtime).sender().drain(CHANNEL)
    assert delivered.sent == MESSAGES and len(delivered.reminders) == 1


async def test_quiet_hours_move_every_due_reminder_page_by_page(
    runtime: Runtime,
    patients: tuple[str, ...],
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(claims, "BATCH", 3)
    clock.set(datetime(2026, 3, 16, 21, 30, tzinfo=UTC))  # 22:30 in Brussels
    transport = RecordingTransport(runtime)
    report = await dispatch_due(runtime, transport.sender(), CHANNEL)
    assert report.deferred == len(patients) and not transport.sent
    morning = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
    assert {r.due_at for r in await reminders(runtime) if r.status == "planned"} >= {morning}
    clock.set(morning)
    assert (await dispatch_due(runtime, transport.sender(), CHANNEL)).sent == len(patients)


async def test_pages_by_key_select_each_reminder_once(
    runtime: Runtime,
    patients: tuple[str, ...],
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Four due, pages of three: two selections of the due reminders (the second is
    short, so the last), whatever the lanes have taken meanwhile; the idle pass after
    it selects three times (expiries, nudges, due) and does nothing else."""
    monkeypatch.setattr(claims, "BATCH", 3)
    clock.set(CHECKIN_DUE)
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()))

    event.listen(runtime.db.engine.sync_engine, "before_cursor_execute", record)
    transport = RecordingTransport(runtime)
    assert (await dispatch_due(runtime, transport.sender(), CHANNEL)).sent == len(patients)
    due = [s for s in statements if s.startswith("SELECT") and "reminders.status =" in s]
    pages = [s for s in due if "ORDER BY reminders.due_at" in s]
    assert len(pages) == 1 + 1 + 2  # expiries, nudges, the due ones in two pages
    statements.clear()
    assert not await dispatch_due(runtime, transport.sender(), CHANNEL)
    assert len(statements) == 3 and all(s.startswith("SELECT") for s in statements)
