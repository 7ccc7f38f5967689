"""The pre-consult invitation on the Telegram path: a patient in one language, the
clinician in the other, who receives the summary PDF in their own language."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.engine.model import Text
from bot.store.models import AuditEntry, RedFlag
from tests.clinic_support import PREFERRED, QUESTION, clinic, clinician, invite
from tests.e2e.conftest import Harness
from tests.fake_bot_api import buttons_of

PATIENT = 5551
DOCTOR = 8001


async def answer_everything(harness: Harness, language: str) -> None:
    render = harness.runtime.catalogs.render
    preferred = [render(language, Text(key)) for key in PREFERRED]  # type: ignore[arg-type]
    done = render(language, Text("clinic.invite_done", {"clinic": "X"})).split("X")[0]  # type: ignore[arg-type]
    for _ in range(80):
        if any(text.startswith(done) for text in harness.texts(PATIENT)):
            return
        labels = [label for label, _ in buttons_of(harness.api.last_message(PATIENT))]
        if not labels:
            await harness.say(PATIENT, QUESTION, language)
            continue
        choice = next((p for p in preferred if p in labels), "5" if "5" in labels else labels[0])
        await harness.tap(PATIENT, choice, language)
    raise AssertionError("the invitation never finished")


@pytest.mark.parametrize(("patient_language", "doctor_language"), [("nl", "fr"), ("fr", "nl")])
async def test_invited_patient_and_clinician_in_the_other_language(
    harness: Harness, patient_language: str, doctor_language: str
) -> None:
    runtime = harness.runtime
    clinic_id = await clinic(runtime, "Centre du Dos", doctor_language)
    staff = await clinician(runtime, clinic_id, doctor_language)
    await harness.say(DOCTOR, f"/start s_{staff}", patient_language)
    welcome = {"fr": "Bienvenue Dr. Test", "nl": "Welkom Dr. Test"}[doctor_language]
    assert harness.texts(DOCTOR) == [harness.texts(DOCTOR)[0]]
    assert harness.texts(DOCTOR)[0].startswith(welcome)

    token = await invite(runtime, clinic_id)
    await harness.say(PATIENT, f"/start i_{token}", patient_language)
    invited = runtime.catalogs.render(
        patient_language,  # type: ignore[arg-type]
        Text("clinic.invited", {"clinic": "Centre du Dos"}),
    )
    assert harness.texts(PATIENT)[0] == invited
    await answer_everything(harness, patient_language)

    documents = [c for c in harness.api.sent(DOCTOR) if c.method == "sendDocument"]
    assert len(documents) == 1
    assert documents[0].files["document"].startswith(b"%PDF")
    caption = {"fr": "Nouveau résumé", "nl": "Nieuwe samenvatting"}[doctor_language]
    assert documents[0].params["caption"].startswith(caption)
    async with runtime.db.session() as session:
        entry = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "report"))
        ).scalar_one()
    assert entry.detail["language"] == doctor_language
    assert entry.actor.startswith("clinician:")
    # the patient only ever got texts, in their own language
    assert not [c for c in harness.api.sent(PATIENT) if c.method == "sendDocument"]


async def test_mydata_arrives_as_a_json_file(harness: Harness) -> None:
    await harness.say(PATIENT, "/start", "nl")
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.no_red_flags(PATIENT)
    await harness.episode_today(PATIENT)
    await harness.tap(PATIENT, "6")
    await harness.say(PATIENT, "/mydata")
    document = [c for c in harness.api.sent(PATIENT) if c.method == "sendDocument"][-1]
    data = json.loads(document.files["document"])
    assert [r["flow"] for r in data["responses"]] == ["redflags", "episode", "nrs"]
    assert "vragenlijsten: 3" in document.params["caption"]  # red flags, episode, NRS


async def test_a_red_flag_reaches_the_clinician_at_once(harness: Harness) -> None:
    """An urgent answer of a sharing patient: the summary goes out with the flag on top."""
    runtime = harness.runtime
    clinic_id = await clinic(runtime, "Praktijk De Brug", "nl")
    staff = await clinician(runtime, clinic_id, "nl")
    await harness.say(DOCTOR, f"/start s_{staff}", "nl")
    token = await invite(runtime, clinic_id)
    await harness.say(PATIENT, f"/start i_{token}", "fr")
    await harness.tap(PATIENT, "Oui, je suis d'accord", "fr")
    share = runtime.catalogs.message("fr", "clinic.sharing_yes")
    await harness.tap(PATIENT, share, "fr")
    await harness.tap(PATIENT, "Oui", "fr")  # urgent: trouble passing urine
    assert "112" in harness.texts(PATIENT)[-1]
    await harness.api.wait_for(
        lambda calls: any(
            c.method == "sendDocument" and c.params.get("chat_id") == DOCTOR for c in calls
        )
    )
    async with runtime.db.session() as session:
        flag = (await session.execute(select(RedFlag))).scalar_one()
    assert flag.clinician_notified_at is not None


async def test_a_summary_that_failed_to_send_is_retried_by_the_periodic_job(
    harness: Harness, clock: FrozenClock
) -> None:
    runtime = harness.runtime
    clinic_id = await clinic(runtime, "Praktijk De Brug", "nl")
    staff = await clinician(runtime, clinic_id, "nl")
    await harness.say(DOCTOR, f"/start s_{staff}", "nl")
    token = await invite(runtime, clinic_id)
    harness.api.fail_next["sendDocument"] = {"error_code": 502, "description": "Bad Gateway"}
    await harness.say(PATIENT, f"/start i_{token}", "nl")
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.tap(PATIENT, runtime.catalogs.message("nl", "clinic.sharing_yes"))
    await harness.tap(PATIENT, "Ja")  # urgent: the summary is queued at once, the send fails

    def documents() -> list[object]:  # delivered ones: the fake answers them with a result
        return [
            c
            for c in harness.api.sent(DOCTOR)
            if c.method == "sendDocument" and "_result" in c.params
        ]

    attempts = [c for c in harness.api.calls if c.method == "sendDocument"]
    assert len(attempts) == 1 and documents() == []
    clock.advance(timedelta(seconds=5))  # the retry's backoff
    done = await harness.app.bot_data["sender"].drain("telegram")  # what the periodic job runs
    assert done.sent == 1
    assert len(documents()) == 1
