"""The clinician summary and exports from the database: screen status, episode and note
for an invited patient, red flags in the CSV and in FHIR (validated)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from bot.clinic.admin import create_invitation
from bot.clinic.exports import export_clinic
from bot.clinic.report import ReportContent, build_report, render_pdf
from bot.config import PROJECT_ROOT
from bot.engine.flows import load_flow
from bot.engine.model import Language
from bot.runtime import Runtime
from bot.store.models import Clinic, Patient, RedFlag, Response
from tests.clinic_support import BOT, clinic, instruments, token_of
from tests.clinic_support import Patient as Talker
from tests.history_support import ANSWERS, SIGNALS
from tests.unit.pdf_text import extract_text

NOTE = "Lage rugpijn sinds val, graag STarT Back vooraf."


async def invited_patient(runtime: Runtime, clinic_id: int, user: str = "77") -> Patient:
    async with runtime.db.session() as session, session.begin():
        made = await create_invitation(
            session,
            clinic_id,
            instruments(runtime),
            runtime.engine.flows,
            timedelta(days=14),
            NOTE,
            BOT,
            runtime.clock.now(),
        )
    talker = Talker(runtime, user, "nl")
    await talker.start(f"i_{token_of(made.link)}")
    await talker.answer_all()
    assert "episode.onset" in talker.seen  # the invitation asked the episode
    async with runtime.db.session() as session:
        query = select(Patient).where(Patient.external_id == user)
        return (await session.execute(query)).scalar_one()


async def test_an_invited_patients_summary_has_screen_episode_and_note(runtime: Runtime) -> None:
    content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
    clinic_id = await clinic(runtime)
    patient = await invited_patient(runtime, clinic_id)
    async with runtime.db.session() as session, session.begin():
        patient = await session.merge(patient)
        clinic_row = await session.get(Clinic, clinic_id)
        assert clinic_row is not None
        report = await build_report(
            session, content, patient, clinic_row, "nl", runtime.clock.now()
        )
    assert report.screen is not None and report.screen.all_negative
    assert report.episode is not None
    assert report.invitation_note == NOTE
    lines = extract_text(render_pdf(content, report, "nl", compress=False)).splitlines()
    assert any(
        line.startswith("Rode-vlaggenscreening: alle antwoorden negatief (") for line in lines
    )
    assert any(line.startswith("Episode: begonnen op ") for line in lines)
    assert f"Notitie bij de uitnodiging: {NOTE}" in lines


async def test_red_flags_reach_the_csv_and_fhir_linked_to_the_screen(runtime: Runtime) -> None:
    content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
    clinic_id = await clinic(runtime)
    patient = await invited_patient(runtime, clinic_id)
    now = runtime.clock.now()
    async with runtime.db.session() as session, session.begin():
        screen = (
            await session.execute(
                select(Response).where(
                    Response.patient_id == patient.id, Response.flow == "redflags"
                )
            )
        ).scalar_one()
        session.add(
            RedFlag(
                patient_id=patient.id,
                response_id=screen.id,
                level="semi_urgent",
                cluster="infection",
                answers={"infection_fever": True},
                source="screen",
                raised_at=now,
                shown_at=now,
            )
        )
    async with runtime.db.session() as session, session.begin():
        fhir = await export_clinic(session, content, clinic_id, "fhir", None, now, "cli")
        table = await export_clinic(session, content, clinic_id, "csv", None, now, "cli")

    rows = list(csv.DictReader(io.StringIO(table)))
    (red,) = [row for row in rows if row["instrument"] == "red_flag"]
    assert (red["red_flag_level"], red["red_flag_cluster"]) == ("semi_urgent", "infection")
    assert red["red_flag_raised_at"] and red["red_flag_shown_at"]

    data = json.loads(fhir)
    Bundle.model_validate(data)
    resources = [entry["resource"] for entry in data["entry"]]
    for resource in resources:  # every exported resource validates on its own
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    by_type: dict[str, list[dict[str, object]]] = {}
    for resource in resources:
        by_type.setdefault(resource["resourceType"], []).append(resource)
    (observation,) = by_type["Observation"]
    (flag,) = by_type["Flag"]
    responses = {r["id"]: r for r in by_type["QuestionnaireResponse"]}
    screen_id = observation["derivedFrom"][0]["reference"].removeprefix("urn:uuid:")  # type: ignore[index]
    redflags = load_flow(PROJECT_ROOT / "flows" / "redflags.yaml")
    assert str(responses[screen_id]["questionnaire"]).endswith(f"/redflags|{redflags.version}")
    assert flag["status"] == "active"
    published = {f"{q['url']}|{q['version']}" for q in by_type["Questionnaire"]}
    assert {str(r["questionnaire"]) for r in responses.values()} <= published


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_the_history_and_its_signals_are_on_the_summary(
    runtime: Runtime, language: Language
) -> None:
    content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
    clinic_id = await clinic(runtime)
    patient = await invited_patient(runtime, clinic_id)
    talker = Talker(runtime, "77", "nl")
    await talker.command("history")
    for _, key in ANSWERS:
        await talker.tap(key)
    assert "history.done" in talker.seen
    assert "clinic.question_offer" in talker.seen[-2:]  # it shares: the question follows
    async with runtime.db.session() as session, session.begin():
        patient = await session.merge(patient)
        clinic_row = await session.get(Clinic, clinic_id)
        assert clinic_row is not None
        now = runtime.clock.now()
        report = await build_report(session, content, patient, clinic_row, language, now)
    history = report.patient_history
    assert history is not None
    assert [s.key for s in history.signals] == SIGNALS
    message = runtime.catalogs.message
    text = extract_text(render_pdf(content, report, language, compress=False))

    def flat(value: str) -> str:  # lines wrap at spaces and hyphens
        return "".join(value.split())

    assert flat(message(language, "report.background_heading")) in flat(text)
    for key in SIGNALS:
        assert flat(message(language, f"report.signal.{key}")) in flat(text)
        assert flat(message(language, f"report.signal.{key}.why")) in flat(text)
    async with runtime.db.session() as session, session.begin():
        fhir = await export_clinic(session, content, clinic_id, "fhir", None, now, "cli")
    bundle = json.loads(fhir)
    Bundle.model_validate(bundle)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Questionnaire", "QuestionnaireResponse"} <= kinds
    *_, history_qr = [  # the invitation's history (offered), then this /history
        e["resource"]
        for e in bundle["entry"]
        if str(e["resource"].get("questionnaire", "")).endswith("/history|1")
    ]
    answers = {i["linkId"]: i["answer"][0] for i in history_qr["item"]}
    assert answers["med_opioid"]["valueCoding"]["code"] == "daily"
    assert answers["working"] == {"valueBoolean": True}
    assert any(e["resource"].get("id") == "history" for e in bundle["entry"])
    opioid = f"{message(language, 'report.history.med_opioid')}: "
    assert flat(opioid + message(language, "history.how_often.daily")) in flat(text)
