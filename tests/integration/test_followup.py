"""Episodes, reminder rows and the dispatcher on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.delivery.sender import Blocked, RetryLater
from bot.runtime import Runtime, build_runtime
from bot.scheduler.dispatch import dispatch_due
from bot.store.models import Episode, OutboxMessage, Reminder
from tests.conftest import make_settings
from tests.followup_helpers import (
    CHANNEL,
    RecordingTransport,
    ServicePatient,
    only_checkins,
    patient_row,
    reminders,
)

CHECKIN_DUE = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 2 weeks after START, 10:00 Brussels
PNG = b"\x89PNG\r\n\x1a\n"


def by_kind(rows: list[Reminder], kind: str) -> list[Reminder]:
    return [r for r in rows if r.kind == kind]


async def first_checkin(runtime: Runtime) -> Reminder:
    return by_kind(await reminders(runtime), "checkin")[0]


@pytest.fixture
async def patient(runtime: Runtime) -> ServicePatient:
    p = ServicePatient(runtime)
    await p.onboard_with_episode()
    return p


@pytest.fixture
async def checkins_only(runtime: Runtime, patient: ServicePatient) -> None:
    await only_checkins(runtime)


async def test_episode_plans_reminder_rows(runtime: Runtime, patient: ServicePatient) -> None:
    rows = await reminders(runtime)
    assert {r.status for r in rows} == {"planned"}
    assert {"risk_questionnaire", "checkin", "comi", "review_multimodal"} <= {r.kind for r in rows}
    assert (await first_checkin(runtime)).due_at == CHECKIN_DUE
    async with runtime.db.session() as session:
        episode = (await session.execute(select(Episode))).scalar_one()
    assert (episode.pain_type, str(episode.onset), episode.followup) == (
        "back",
        "2026-02-20",
        "active",
    )
    assert {r.episode_id for r in rows} == {episode.id}


async def test_new_episode_cancels_the_old_schedule(
    runtime: Runtime, patient: ServicePatient
) -> None:
    old = {r.id for r in await reminders(runtime)}
    await patient.command("newepisode")
    await patient.tap("Vandaag")
    await patient.tap("Ja, tot onder de knie")
    await patient.tap("Nee")
    rows = await reminders(runtime)
    assert {r.status for r in rows if r.id in old} == {"cancelled"}
    assert {r.status for r in rows if r.id not in old} == {"planned"}


@pytest.mark.usefixtures("checkins_only")
async def test_two_dispatch_runs_send_once(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    transport = RecordingTransport(runtime)
    sender = transport.sender()
    first = await dispatch_due(runtime, sender, CHANNEL)
    second = await dispatch_due(runtime, sender, CHANNEL)
    assert (first.sent, second.sent) == (1, 0)
    assert transport.count("reminder.checkin") == 1
    rows = await reminders(runtime)
    checkin = by_kind(rows, "checkin")[0]
    assert (checkin.status, checkin.attempts) == ("sent", 1)
    assert (checkin.expires_at or CHECKIN_DUE) == CHECKIN_DUE + timedelta(hours=48)


@pytest.mark.usefixtures("checkins_only")
async def test_quiet_hours_at_dispatch_move_to_the_morning(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 3, 16, 21, 30, tzinfo=UTC))  # 22:30 in Brussels
    transport = RecordingTransport(runtime)
    sender = transport.sender()
    report = await dispatch_due(runtime, sender, CHANNEL)
    assert report.deferred == 1 and not transport.sent
    morning = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)  # 10:00, the preferred time
    assert (await first_checkin(runtime)).due_at == morning
    clock.set(morning)
    assert (await dispatch_due(runtime, sender, CHANNEL)).sent == 1


@pytest.mark.usefixtures("checkins_only")
async def test_one_nudge_then_expiry_and_a_late_answer_counts(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    transport = RecordingTransport(runtime)
    sender = transport.sender()
    await dispatch_due(runtime, sender, CHANNEL)
    checkin = len(transport.sent)
    clock.advance(timedelta(hours=24))
    assert (await dispatch_due(runtime, sender, CHANNEL)).nudged == 1
    assert (await dispatch_due(runtime, sender, CHANNEL)).nudged == 0
    assert transport.count("reminder.nudge") == 1
    clock.advance(timedelta(hours=24))
    assert (await dispatch_due(runtime, sender, CHANNEL)).expired == 1
    assert (await first_checkin(runtime)).status == "expired"
    patient.show(transport.sent[checkin:])  # the nudge asks the question again
    await patient.no_red_flags()
    await patient.tap("4")
    await patient.tap("Slechter")
    assert (await first_checkin(runtime)).status == "answered"


@pytest.mark.usefixtures("checkins_only")
async def test_answering_the_check_in_marks_it_answered(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    transport = RecordingTransport(runtime)
    await dispatch_due(runtime, transport.sender(), CHANNEL)
    patient.show(transport.sent)
    await patient.no_red_flags()
    await patient.tap("5")
    await patient.tap("Beter")
    row = await first_checkin(runtime)
    assert row.status == "answered" and (row.answered_at or START) == CHECKIN_DUE


@pytest.mark.usefixtures("checkins_only")
async def test_snooze_tomorrow(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    transport = RecordingTransport(runtime)
    sender = transport.sender()
    await dispatch_due(runtime, sender, CHANNEL)
    patient.show(transport.sent)
    await patient.tap("Morgen")
    row = await first_checkin(runtime)
    tomorrow = CHECKIN_DUE + timedelta(days=1)
    assert (row.status, row.due_at) == ("planned", tomorrow)
    assert not await dispatch_due(runtime, sender, CHANNEL)
    clock.set(tomorrow)
    assert (await dispatch_due(runtime, sender, CHANNEL)).sent == 1


async def test_stop_and_restart(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    await patient.command("stop")
    assert {r.status for r in await reminders(runtime)} == {"cancelled"}
    assert (await patient_row(runtime)).reminders_enabled is False
    clock.set(CHECKIN_DUE - timedelta(days=1))
    sender = RecordingTransport(runtime).sender()
    assert not await dispatch_due(runtime, sender, CHANNEL)
    await patient.command("restart")
    planned = [r for r in await reminders(runtime) if r.status == "planned"]
    assert planned and all(r.due_at > clock.now() for r in planned)
    assert (await patient_row(runtime)).reminders_enabled is True
    clock.set(CHECKIN_DUE)
    assert (await dispatch_due(runtime, sender, CHANNEL)).sent == 1


@pytest.mark.usefixtures("checkins_only")
async def test_blocked_bot_stops_the_schedule(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    sender = RecordingTransport(runtime, fail_with=[Blocked()]).sender()
    assert (await dispatch_due(runtime, sender, CHANNEL)).blocked == 1
    assert (await patient_row(runtime)).blocked_at is not None
    assert {r.status for r in await reminders(runtime)} <= {"cancelled"}
    clock.advance(timedelta(days=30))
    assert not await dispatch_due(runtime, sender, CHANNEL)


@pytest.mark.usefixtures("checkins_only")
async def test_failed_send_is_retried_later(
    runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    clock.set(CHECKIN_DUE)
    transport = RecordingTransport(runtime, fail_with=[RetryLater("NetworkError")])
    sender = transport.sender()
    assert (await dispatch_due(runtime, sender, CHANNEL)).retried == 1
    row = await first_checkin(runtime)
    assert (row.status, row.attempts) == ("sending", 1)  # queued once, not delivered yet
    async with runtime.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.reminder_id == row.id)
        intro = (await session.execute(query.order_by(OutboxMessage.id))).scalars().first()
    assert intro is not None and (intro.status, intro.attempts) == ("pending", 1)
    assert intro.last_error == "NetworkError"
    assert not (await dispatch_due(runtime, sender, CHANNEL)).sent
    assert not (await sender.drain(CHANNEL)).sent  # backing off
    clock.advance(timedelta(seconds=6))
    assert (await sender.drain(CHANNEL)).reminders == {row.id}
    assert transport.count("reminder.checkin") == 1  # the intro once: queued only once
    row = await first_checkin(runtime)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, clock.now())


@pytest.mark.usefixtures("checkins_only")
async def test_a_crash_after_the_claim_still_delivers_once(
    database_url: str, runtime: Runtime, patient: ServicePatient, clock: FrozenClock, tmp_path: Path
) -> None:
    """Issue #17: reminders claimed before a crash were marked sent though nothing went
    out. The claim and the queued message now commit together; a sender that dies before
    delivering leaves the message, which the next process delivers (after the lease)."""
    clock.set(CHECKIN_DUE)

    class Crash(Exception):
        pass

    dying = RecordingTransport(runtime, fail_with=[Crash()])
    assert (await dispatch_due(runtime, dying.sender(), CHANNEL)).failed == 1
    assert (await first_checkin(runtime)).status == "sending"
    await runtime.close()
    again = await build_runtime(make_settings(database_url, tmp_path), clock)
    try:
        transport = RecordingTransport(again)
        sender = transport.sender()
        assert not await dispatch_due(again, sender, CHANNEL)  # never queued twice
        assert not (await sender.drain(CHANNEL)).sent  # the dead sender's lease holds it
        clock.advance(timedelta(minutes=5))
        assert (await sender.drain(CHANNEL)).sent == 3  # intro, red-flag intro, question
        assert transport.count("reminder.checkin") == 1
        assert (await first_checkin(again)).status == "sent"
    finally:
        await again.close()


@pytest.mark.usefixtures("checkins_only")
async def test_schedule_survives_a_restart(
    database_url: str, runtime: Runtime, patient: ServicePatient, clock: FrozenClock, tmp_path: Path
) -> None:
    await runtime.close()
    again = await build_runtime(make_settings(database_url, tmp_path), clock)
    try:
        clock.set(CHECKIN_DUE)
        sender = RecordingTransport(again).sender()
        assert (await dispatch_due(again, sender, CHANNEL)).sent == 1
    finally:
        await again.close()


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_progress_chart(runtime: Runtime, clock: FrozenClock, language: str) -> None:
    patient = ServicePatient(runtime, user="77", language=language)  # type: ignore[arg-type]
    await patient.onboard_with_episode()
    for score in ("5", "3"):
        clock.advance(timedelta(days=7))
        await patient.command("pain")
        await patient.tap(score)
    outcome = await patient.command("progress")
    reply = outcome.replies[0]
    assert reply.attachment == "progress"
    # two ratings of the moment (/pain) are compared with each other, not with the weekly one
    assert patient.msgids()[:2] == ["progress.went_now", "progress.better"]
    png = await runtime.service.attachment(CHANNEL, "77", "progress", clock.now())
    assert png is not None
    assert png.filename == "progress.png" and png.data.startswith(PNG)
    row = await patient_row(runtime, "77")
    async with runtime.db.session() as session:
        chart = await runtime.charts.progress(session, row.id, outcome.language)
    assert chart is not None and chart.points == 3 and chart.png.startswith(PNG)


@pytest.mark.postgres
@pytest.mark.usefixtures("checkins_only")
async def test_concurrent_dispatchers_send_once(
    database_url: str, runtime: Runtime, patient: ServicePatient, clock: FrozenClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one dispatcher process")
    clock.set(CHECKIN_DUE)
    transport = RecordingTransport(runtime)
    senders = [transport.sender() for _ in range(3)]
    await asyncio.gather(*(dispatch_due(runtime, s, CHANNEL) for s in senders))
    assert transport.count("reminder.checkin") == 1
    assert len(transport.sent) == 3  # intro, red-flag intro, question: each once


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_one_job_run_sends_every_due_reminder_beyond_a_batch(
    runtime: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claims take a batch at a time; one run goes on until all due reminders are out."""
    from bot.scheduler import claims

    for user in ("41", "42", "43"):
        await ServicePatient(runtime, user=user).onboard_with_episode()
    await only_checkins(runtime)
    monkeypatch.setattr(claims, "BATCH", 2)
    clock.set(CHECKIN_DUE)
    transport = RecordingTransport(runtime)
    sender = transport.sender()
    report = await dispatch_due(runtime, sender, CHANNEL)
    assert report.sent == 3
    assert sorted({m.chat for m in transport.sent}) == ["41", "42", "43"]
    assert (await dispatch_due(runtime, sender, CHANNEL)).sent == 0
