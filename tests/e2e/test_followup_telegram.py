"""The follow-up on the Telegram path: the real Application, the fake Bot API, a moved clock."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.scheduler.dispatch import dispatch_due
from bot.store.models import Patient, Reminder
from bot.telegram.app import telegram_sender
from bot.telegram.convert import CHANNEL
from tests.e2e.conftest import Harness
from tests.fake_bot_api import buttons_of
from tests.followup_helpers import only_checkins

PATIENT = 5552
CHECKIN_DUE = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


async def onboard(harness: Harness) -> None:
    """The intake with an episode 1-2 weeks old and NRS 7; the COMI baseline cancelled."""
    await harness.say(PATIENT, "/start", "nl")
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.no_red_flags(PATIENT)
    await harness.tap(PATIENT, "1 tot 2 weken geleden")
    await harness.tap(PATIENT, "Nee, vooral in de rug")
    await harness.tap(PATIENT, "Nee")
    await harness.tap(PATIENT, "7")
    await harness.say(PATIENT, "/cancel")
    await only_checkins(harness.runtime)


async def dispatch(harness: Harness) -> None:
    runtime = harness.runtime
    await dispatch_due(runtime, telegram_sender(runtime, harness.app.bot), CHANNEL)


async def reminder_statuses(harness: Harness) -> dict[str, set[str]]:
    async with harness.runtime.db.session() as session:
        rows = (await session.execute(select(Reminder))).scalars()
        result: dict[str, set[str]] = {}
        for row in rows:
            result.setdefault(row.kind, set()).add(row.status)
        return result


async def test_check_in_end_to_end(harness: Harness, clock: FrozenClock) -> None:
    await onboard(harness)
    clock.set(CHECKIN_DUE)
    before = len(harness.texts(PATIENT))
    await dispatch(harness)
    new = harness.texts(PATIENT)[before:]
    assert new[0].startswith("Tijd voor een korte opvolging")
    assert new[1].startswith("Eerst een paar korte veiligheidsvragen")  # red flags first
    intro = harness.api.sent(PATIENT)[before].params["_result"]
    assert [label for label, _ in buttons_of(intro)] == ["Morgen", "Volgende week"]
    await dispatch(harness)  # a second run sends nothing
    assert len(harness.texts(PATIENT)) == before + 3
    await harness.no_red_flags(PATIENT)
    # the pain question in place of the last red-flag one, under the answer given
    assert harness.texts(PATIENT)[-1].startswith("Uw vorige antwoord: ✓ Nee\n\nVraag 1/1")
    await harness.tap(PATIENT, "4")
    await harness.tap(PATIENT, "Beter")
    summary = next(t for t in harness.texts(PATIENT) if t.startswith("Dank u om dit in te"))
    assert "Uw pijn ging van 7 naar 4 sinds 2 maart 2026." in summary
    photos = [c for c in harness.api.calls if c.method == "sendPhoto"]
    assert len(photos) == 1 and photos[0].files["photo"].startswith(PNG)
    statuses = await reminder_statuses(harness)
    assert "answered" in statuses["checkin"]


async def test_progress_sends_a_photo_in_french(harness: Harness) -> None:
    await harness.say(PATIENT, "/start", "fr")
    await harness.tap(PATIENT, "Oui, je suis d'accord", "fr")
    await harness.no_red_flags(PATIENT, "fr")
    await harness.episode_today(PATIENT, "fr")
    await harness.tap(PATIENT, "6", "fr")
    await harness.say(PATIENT, "/progress", "fr")  # during the COMI baseline
    summary, photo = harness.api.sent(PATIENT)[-3:-1]
    assert summary.params["text"].startswith("Encore trop peu de scores")
    assert photo.method == "sendPhoto" and photo.files["photo"].startswith(PNG)


async def test_a_blocked_bot_stops_the_schedule(harness: Harness, clock: FrozenClock) -> None:
    await onboard(harness)
    clock.set(CHECKIN_DUE)
    harness.api.fail_next["sendMessage"] = {
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    await dispatch(harness)
    async with harness.runtime.db.session() as session:
        patient = (await session.execute(select(Patient))).scalar_one()
    assert patient.blocked_at is not None
    assert set().union(*(await reminder_statuses(harness)).values()) == {"cancelled"}


async def test_reminder_commands_are_listed(harness: Harness) -> None:
    calls = [c for c in harness.api.calls if c.method == "setMyCommands"]
    names = {c["command"] for c in calls[0].params["commands"]}
    assert {"newepisode", "progress", "reminders", "stop", "restart"} <= names
