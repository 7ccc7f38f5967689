"""Durable delivery (issue #17): replies are outbox rows committed with the state, delivered
after commit, in order, after a crash too, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.delivery import outbox
from bot.delivery.sender import Blocked, RetryLater, Undeliverable
from bot.engine import Event
from bot.i18n.rendering import render_reply
from bot.runtime import Runtime, build_runtime
from bot.service import Incoming, Outcome
from bot.store.models import OutboxMessage, Patient, RedFlag
from tests.conftest import make_settings
from tests.followup_helpers import CHANNEL, RecordingTransport


class Crash(Exception):
    """Stands for a kill: the sender stops in the middle and nothing is cleaned up."""


async def say(runtime: Runtime, user: str, event: Event, tapped: int | None = None) -> Outcome:
    return await runtime.service.handle(Incoming(CHANNEL, user, event, message_id=tapped))


def data_of(runtime: Runtime, outcome: Outcome, msgid: str) -> str:
    label = runtime.catalogs.message(outcome.language, msgid)
    for reply in outcome.replies:
        for row in render_reply(runtime.catalogs, outcome.language, reply).buttons:
            for button in row:
                if button.label == label:
                    return button.data
    raise KeyError(msgid)


async def urgent(runtime: Runtime, user: str) -> Outcome:
    """Consent, then "yes" to the first red-flag question (bladder): urgent, call 112."""
    start = await say(runtime, user, Event("start", language_hint="nl"))
    question = await say(
        runtime, user, Event("choice", text=data_of(runtime, start, "onboarding.consent_yes"))
    )
    return await say(runtime, user, Event("choice", text=data_of(runtime, question, "answer.yes")))


async def rows(runtime: Runtime, user: str) -> list[OutboxMessage]:
    async with runtime.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat == user)
        return list((await session.execute(query.order_by(OutboxMessage.id))).scalars())


async def flags(runtime: Runtime) -> list[RedFlag]:
    async with runtime.db.session() as session:
        return list((await session.execute(select(RedFlag).order_by(RedFlag.id))).scalars())


async def restarted(database_url: str, tmp_path: Path, clock: FrozenClock) -> Runtime:
    return await build_runtime(make_settings(database_url, tmp_path), clock)


async def test_replies_are_rows_of_the_events_transaction(runtime: Runtime) -> None:
    outcome = await say(runtime, "11", Event("start", language_hint="nl"))
    queued = await rows(runtime, "11")
    assert [r.status for r in queued] == ["pending"] * len(outcome.replies)
    first = render_reply(runtime.catalogs, "nl", outcome.replies[0])
    assert queued[0].text == first.text
    assert queued[-1].keyboard  # the consent buttons, as [[label, data]] rows


async def test_a_killed_sender_s_replies_go_out_after_a_restart_without_typing(
    database_url: str, runtime: Runtime, clock: FrozenClock, tmp_path: Path
) -> None:
    """Issue #17 item 5: replies committed but not sent were lost until the patient typed."""
    await say(runtime, "12", Event("start", language_hint="nl"))
    committed = [r.text for r in await rows(runtime, "12")]
    dying = RecordingTransport(runtime, fail_with=[Crash()])
    with pytest.raises(Crash):
        await dying.sender().deliver(CHANNEL, "12")
    await runtime.close()
    again = await restarted(database_url, tmp_path, clock)
    try:
        if again.db.is_sqlite:  # what a starting SQLite process does (one per file)
            assert await outbox.release_all(again.db, CHANNEL) == 2
        else:  # on PostgreSQL another worker may be alive: the dead claim's lease must end
            clock.advance(outbox.LEASE)
        transport = RecordingTransport(again)
        done = await transport.sender().drain(CHANNEL)
        assert done.sent == 2 and [m.chat for m in transport.sent] == ["12", "12"]
        assert [m.rendered.text for m in transport.sent] == committed
        assert {r.status for r in await rows(again, "12")} == {"sent"}
        assert {r.text for r in await rows(again, "12")} == {""}  # no text kept once delivered
        assert not (await transport.sender().drain(CHANNEL)).sent  # exactly once
    finally:
        await again.close()


async def test_the_urgent_message_is_shown_when_delivered_and_goes_first(
    database_url: str, runtime: Runtime, clock: FrozenClock, tmp_path: Path
) -> None:
    """Issue #17 item 4: `shown_at` was set at commit, so a message lost in a crash
    counted as shown. Now it is set when the message is delivered, and after a restart
    the chats with an urgent message are served first."""
    await say(runtime, "21", Event("start", language_hint="nl"))  # waiting, not urgent
    await urgent(runtime, "22")
    [flag] = await flags(runtime)
    assert flag.level == "urgent" and flag.shown_at is None  # committed, not delivered
    queued = [r for r in await rows(runtime, "22") if r.red_flag_id == flag.id]
    assert len(queued) == 1 and queued[0].priority == outbox.URGENT
    assert "112" in queued[0].text
    await runtime.close()
    again = await restarted(database_url, tmp_path, clock)
    try:
        transport = RecordingTransport(again)
        clock.advance(timedelta(seconds=1))
        await transport.sender().drain(CHANNEL)
        assert transport.sent[0].chat == "22"  # the urgent chat before the older one
        urgent_texts = [m.rendered.text for m in transport.sent if m.red_flag_id == flag.id]
        assert len(urgent_texts) == 1 and "112" in urgent_texts[0]
        [flag] = await flags(again)
        assert flag.shown_at == clock.now()
    finally:
        await again.close()


async def test_a_later_row_never_overtakes_an_earlier_undelivered_one(
    runtime: Runtime, clock: FrozenClock
) -> None:
    await say(runtime, "31", Event("start", language_hint="nl"))  # two rows
    transport = RecordingTransport(runtime, fail_with=[RetryLater("retry_after", 30)])
    sender = transport.sender()
    done = await sender.deliver(CHANNEL, "31")
    assert (done.sent, done.retried) == (0, 1)
    await say(runtime, "31", Event("command", text="help"))  # more rows behind them
    assert not (await sender.deliver(CHANNEL, "31")).sent  # the head waits: all wait
    clock.advance(timedelta(seconds=30))
    await sender.deliver(CHANNEL, "31")
    queued = await rows(runtime, "31")
    assert [m.id for m in transport.sent] == [r.id for r in queued]  # in order, each once
    assert queued[0].attempts == 1


async def test_a_refused_message_fails_alone_and_a_blocked_patient_is_remembered(
    runtime: Runtime,
) -> None:
    await say(runtime, "41", Event("start", language_hint="nl"))
    transport = RecordingTransport(runtime, fail_with=[Undeliverable("BadRequest")])
    done = await transport.sender().deliver(CHANNEL, "41")
    assert (done.failed, done.sent) == (1, 1)
    assert [r.status for r in await rows(runtime, "41")] == ["failed", "sent"]
    await say(runtime, "41", Event("command", text="help"))
    blocked = RecordingTransport(runtime, fail_with=[Blocked()])
    assert (await blocked.sender().deliver(CHANNEL, "41")).blocked == 1
    assert {r.status for r in await rows(runtime, "41")} == {"failed", "sent"}
    async with runtime.db.session() as session:
        patient = (
            await session.execute(select(Patient).where(Patient.external_id == "41"))
        ).scalar_one()
    assert patient.blocked_at is not None


async def test_one_live_keyboard_per_chat(runtime: Runtime) -> None:
    """Issue #16: a new keyboard removes the previous one, unless its tap removed it."""
    transport = RecordingTransport(runtime)
    sender = transport.sender()
    start = await say(runtime, "51", Event("start", language_hint="nl"))
    await sender.deliver(CHANNEL, "51")
    consent_message = len(transport.sent)  # the recording transport's message id
    await say(runtime, "51", Event("command", text="language"))  # a new keyboard
    await sender.deliver(CHANNEL, "51")
    assert transport.removed == [consent_message]
    # a tap on the current keyboard: the channel removes it, the sender need not
    language_message = len(transport.sent)
    nl = data_of(runtime, start, "onboarding.consent_yes")
    await say(runtime, "51", Event("choice", text=nl), tapped=language_message)
    await sender.deliver(CHANNEL, "51")
    assert transport.removed == [consent_message]


@pytest.mark.postgres
async def test_concurrent_senders_never_send_a_row_twice(
    database_url: str, runtime: Runtime
) -> None:
    if runtime.db.is_sqlite:
        pytest.skip("SQLite runs one sending process")
    for user in ("61", "62", "63"):
        await say(runtime, user, Event("start", language_hint="nl"))
    transport = RecordingTransport(runtime)
    senders = [transport.sender() for _ in range(4)]
    await asyncio.gather(*(s.drain(CHANNEL) for s in senders))
    ids = [m.id for m in transport.sent]
    assert len(ids) == len(set(ids)) == 6
