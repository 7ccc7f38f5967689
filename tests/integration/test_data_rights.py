"""/mydata, /delete and consent versions, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.engine import Event, consent
from bot.runtime import Runtime
from bot.store.models import AuditEntry, Base, Patient, Response
from tests.clinic_support import QUESTION, clinic, clinician, invite, keys
from tests.clinic_support import Patient as Talker


async def invited_patient(runtime: Runtime, user: str = "4242") -> Talker:
    clinic_id = await clinic(runtime)
    await Talker(runtime, "900").start(f"s_{await clinician(runtime, clinic_id, 'nl')}")
    talker = Talker(runtime, user)
    await talker.start(f"i_{await invite(runtime, clinic_id)}")
    await talker.answer_all()
    return talker


async def test_mydata_sends_everything_as_json_with_a_summary(runtime: Runtime) -> None:
    talker = await invited_patient(runtime)
    outcome = await talker.command("mydata")
    assert keys(outcome)[0] == "mydata.sent"
    attachment = await talker.attachment("mydata")
    assert attachment.filename.endswith(".json")
    data = json.loads(attachment.data)
    assert data["patient"]["external_id"] == "4242"
    flows = {r["flow"] for r in data["responses"]}
    assert {"nrs", "clinic_sharing", "clinic_question"} <= flows
    question = next(r for r in data["responses"] if r["flow"] == "clinic_question")
    assert QUESTION in [a["value"] for a in question["answers"]]
    nrs = next(r for r in data["responses"] if r["flow"] == "nrs")
    assert nrs["score"]["total"] == 5
    assert [s["clinic_id"] for s in data["sharing"]] and data["invitations"]
    for table in ("red_flags", "reminders", "episodes", "advice_log", "conversations"):
        assert table in data
    assert attachment.caption is not None and attachment.caption.key == "mydata.summary"
    assert attachment.caption.params["sharing"] == "Praktijk De Brug"
    async with runtime.db.session() as session:
        entry = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "mydata"))
        ).scalar_one()
    assert entry.patient_id == data["patient"]["id"]


async def test_delete_erases_every_row_about_the_patient(runtime: Runtime) -> None:
    talker = await invited_patient(runtime)
    await talker.send(Event("text", text="x"))  # a menu reply: the patient is idle
    async with runtime.db.session() as session:
        patient = (
            await session.execute(select(Patient).where(Patient.external_id == "4242"))
        ).scalar_one()
        response_ids = list(
            (await session.execute(select(Response.id).where(Response.patient_id == patient.id)))
            .scalars()
            .all()
        )
    assert response_ids
    asked = await talker.command("delete")
    assert keys(asked) == ["delete.confirm"]
    kept = await talker.tap("delete.no")
    assert keys(kept)[0] == "delete.kept"
    await talker.command("delete")
    done = await talker.tap("delete.yes")
    assert keys(done) == ["delete.done"] and done.language == "nl"

    async with runtime.db.session() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).mappings().all()
            for row in rows:
                if table.name == Patient.__tablename__:
                    assert row["id"] != patient.id
                if "patient_id" in table.c:
                    assert row["patient_id"] != patient.id, table.name
                if "response_id" in table.c:
                    assert row["response_id"] not in response_ids, table.name
                if "external_id" in table.c:
                    assert row["external_id"] != "4242", table.name
        erasure = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "erasure"))
        ).scalar_one()
        assert erasure.patient_id is None and "4242" not in json.dumps(erasure.detail)

    again = await talker.start()
    assert "onboarding.welcome" in keys(again)  # forgotten: a fresh onboarding


async def test_consent_is_asked_again_after_the_privacy_text_changed(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    talker = Talker(runtime, "11")
    await talker.start()
    asked = await talker.tap("onboarding.consent_yes")
    assert "redflags.neuro_bladder" in keys(asked)
    monkeypatch.setattr(consent, "CONSENT_VERSION", 2)
    again = await talker.send(Event("text", text="4"))
    assert keys(again)[:2] == ["consent.updated", "onboarding.privacy"]
    resumed = await talker.tap("onboarding.consent_yes")
    assert "redflags.neuro_bladder" in keys(resumed)  # the question below is asked again
    async with runtime.db.session() as session:
        patient = (await session.execute(select(Patient))).scalar_one()
        answers = (await session.execute(select(Response))).scalars().all()
    assert (patient.consent_status, patient.consent_version) == ("given", 2)
    assert answers == []  # the "4" typed before re-consent was not taken as an answer
