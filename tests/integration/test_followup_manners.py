"""Follow-up manners on a real database with a frozen clock (nl and fr): the patient is
told when the next check-in comes and sees the next moments in /reminders; a
questionnaire completed shortly before its reminder is not asked again; a new time of
day keeps a "tomorrow" snooze."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FrozenClock
from bot.engine import Event
from bot.i18n.rendering import render_reply
from bot.runtime import Runtime
from bot.service import Outcome
from tests.followup_helpers import (
    RecordingSender,
    ServicePatient,
    only_checkins,
    reminders,
)

CHECKIN_DUE = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 2 weeks after START, 10:00 Brussels
RISK_DUE = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)  # onset 20 Feb + 14 days, 10:00 Brussels
LANGUAGES = ("nl", "fr")
NEXT_CHECKIN = {"nl": "6 april 2026", "fr": "6 avril 2026"}  # 16 March + 21 days


def texts(runtime: Runtime, outcome: Outcome) -> list[str]:
    return [render_reply(runtime.catalogs, outcome.language, r).text for r in outcome.replies]


async def patient_in(runtime: Runtime, language: str) -> ServicePatient:
    patient = ServicePatient(runtime, language=language)  # type: ignore[arg-type]
    await patient.onboard_with_episode()
    return patient


async def answer_with_first_buttons(patient: ServicePatient) -> None:
    """Tap the first option of each question until the questionnaire's result comes."""
    while True:
        assert patient.last is not None
        keys = patient.msgids()
        if any(k.startswith("result.") for k in keys):
            return
        reply = patient.last.replies[-1]
        await patient.send(Event("choice", text=reply.buttons[0][0].data))


async def checkin_delivered(runtime: Runtime, clock: FrozenClock, language: str) -> ServicePatient:
    """A patient whose only reminders are check-ins, the first one just delivered."""
    patient = await patient_in(runtime, language)
    await only_checkins(runtime)
    clock.set(CHECKIN_DUE)
    sender = RecordingSender()
    await sender.dispatch(runtime)
    patient.last = sender.sent[-1][1]
    return patient


@pytest.mark.parametrize("language", LANGUAGES)
async def test_after_a_check_in_the_patient_hears_when_the_next_one_comes(
    runtime: Runtime, clock: FrozenClock, language: str
) -> None:
    patient = await checkin_delivered(runtime, clock, language)
    await patient.no_red_flags()
    await patient.tap("4")
    await patient.tap("Beter" if language == "nl" else "Mieux")
    assert patient.last is not None
    said = "\n".join(texts(runtime, patient.last))
    expected = {
        "nl": f"De volgende korte opvolging komt op {NEXT_CHECKIN['nl']}.",
        "fr": f"Le prochain court suivi arrive le {NEXT_CHECKIN['fr']}.",
    }[language]
    assert expected in said
    rows = [r for r in await reminders(runtime) if r.kind == "checkin" and r.status == "planned"]
    assert min(r.due_at for r in rows) == datetime(2026, 4, 6, 8, 0, tzinfo=UTC)  # 10:00 CEST


@pytest.mark.parametrize("language", LANGUAGES)
async def test_reminders_shows_the_next_moments(runtime: Runtime, language: str) -> None:
    patient = await patient_in(runtime, language)
    outcome = await patient.command("reminders")
    said = texts(runtime, outcome)[0]
    if language == "nl":
        assert "Wat komt er:\n• 6 maart 2026 om 10:00: korte vragenlijst over uw rugpijn" in said
        assert "• 16 maart 2026 om 10:00: korte opvolging" in said
    else:
        assert "Ce qui vient :\n• le 6 mars 2026 à 10:00 : court questionnaire" in said
        assert "• le 16 mars 2026 à 10:00 : court suivi" in said
    assert said.count("•") == 3
    await patient.command("stop")
    said = texts(runtime, await patient.command("reminders"))[0]
    assert "•" not in said


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_risk_questionnaire_done_an_hour_before_is_not_asked_again(
    runtime: Runtime, clock: FrozenClock, language: str
) -> None:
    patient = await patient_in(runtime, language)
    clock.set(RISK_DUE - timedelta(hours=1))
    await patient.command("startback")
    await answer_with_first_buttons(patient)
    await patient.command("cancel")  # whatever else the agenda holds
    clock.set(RISK_DUE)
    sender = RecordingSender()
    await sender.dispatch(runtime)
    assert sender.sent == []  # nothing to say: no intro, no questionnaire
    (risk,) = [r for r in await reminders(runtime) if r.kind == "risk_questionnaire"]
    assert risk.status == "answered"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_new_time_of_day_keeps_a_tomorrow_snooze(
    runtime: Runtime, clock: FrozenClock, language: str
) -> None:
    patient = await checkin_delivered(runtime, clock, language)
    first = min((r for r in await reminders(runtime) if r.status == "sent"), key=lambda r: r.id)
    await patient.tap("Morgen" if language == "nl" else "Demain")
    await patient.command("reminders")
    await patient.tap("14:00")
    (snoozed,) = [r for r in await reminders(runtime) if r.id == first.id]
    tomorrow_at_two = datetime(2026, 3, 17, 13, 0, tzinfo=UTC)  # 14:00 Brussels
    assert (snoozed.status, snoozed.due_at) == ("planned", tomorrow_at_two)
    listing = texts(runtime, await patient.command("reminders"))[0]
    assert ("17 maart 2026 om 14:00" if language == "nl" else "17 mars 2026 à 14:00") in listing
    clock.set(tomorrow_at_two)
    sender = RecordingSender()
    assert (await sender.dispatch(runtime)).sent == 1
    assert sender.message_keys()[0][0] == "reminder.checkin"
