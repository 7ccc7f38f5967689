"""Invitations, sharing, summaries, exports and access control, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import func, select

from bot.clinic.exports import export_clinic
from bot.clinic.notify import notify_clinicians_of_flag
from bot.clinic.report import (
    ReportContent,
    ReportDenied,
    build_report,
    clinician_report,
    clinician_summary,
)
from bot.clinic.report_texts import report_texts
from bot.clinic.tokens import new_token
from bot.clock import FrozenClock
from bot.reports.csv_export import FIXED_COLUMNS
from bot.reports.pdf import render_summary_pdf
from bot.runtime import Runtime
from bot.store.models import (
    AuditEntry,
    Clinic,
    Clinician,
    Conversation,
    Invitation,
    Notification,
    Patient,
    RedFlag,
    Sharing,
)
from tests.clinic_support import QUESTION, clinic, clinician, instruments, invite, keys
from tests.clinic_support import Patient as Talker
from tests.instrument_support import INSTRUMENTS
from tests.unit.pdf_text import extract_text


def content(runtime: Runtime) -> ReportContent:
    return ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)


async def count(runtime: Runtime, model: type) -> int:
    async with runtime.db.session() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def completed_patient(
    runtime: Runtime, clinic_id: int, user: str = "4242", hint: str = "nl"
) -> Patient:
    token = await invite(runtime, clinic_id)
    talker = Talker(runtime, user, hint)
    await talker.start(f"i_{token}")
    await talker.answer_all()
    async with runtime.db.session() as session:
        query = select(Patient).where(Patient.external_id == user)
        return (await session.execute(query)).scalar_one()


# --- invitation lifecycle --------------------------------------------------------------


async def test_a_valid_invitation_links_the_patient_once(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime)
    token = await invite(runtime, clinic_id, ["nrs"])
    first = Talker(runtime, "1")
    opened = await first.start(f"i_{token}")
    assert keys(opened)[0] == "clinic.invited"
    assert opened.replies[0].parts[0].params["clinic"] == "Praktijk De Brug"
    async with runtime.db.session() as session:
        invitation = (await session.execute(select(Invitation))).scalar_one()
        patient = (await session.execute(select(Patient))).scalar_one()
        state = json.dumps((await session.execute(select(Conversation.state))).scalar_one())
    assert invitation.used_at is not None and invitation.patient_id == patient.id
    assert token not in state and '"clinic.invite"' in state  # the id, never the token

    second = Talker(runtime, "2")
    again = await second.start(f"i_{token}")
    assert keys(again)[0] == "clinic.invite_used"
    async with runtime.db.session() as session:
        invitation = (await session.execute(select(Invitation))).scalar_one()
    assert invitation.patient_id == patient.id  # unchanged


async def test_expired_and_forged_invitations_change_nothing(
    runtime: Runtime, clock: FrozenClock
) -> None:
    clinic_id = await clinic(runtime)
    token = await invite(runtime, clinic_id, ["nrs"], days=1)
    clock.advance(timedelta(days=2))
    expired = await Talker(runtime, "1").start(f"i_{token}")
    assert keys(expired)[0] == "clinic.invite_expired"
    forged = await Talker(runtime, "2").start(f"i_{new_token()}")
    assert keys(forged)[0] == "clinic.invite_invalid"
    mangled = await Talker(runtime, "3").start("i_short")
    assert keys(mangled)[0] == "clinic.invite_invalid"
    # each still gets the ordinary onboarding
    assert "onboarding.welcome" in keys(forged)
    async with runtime.db.session() as session:
        invitation = (await session.execute(select(Invitation))).scalar_one()
    assert invitation.used_at is None and invitation.patient_id is None
    assert await count(runtime, Sharing) == 0


async def test_the_staff_link_links_a_clinician_not_a_patient(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime, "Cabinet Sainte-Anne", "fr")
    token = await clinician(runtime, clinic_id, "fr")
    linked = await Talker(runtime, "900", hint="nl").start(f"s_{token}")
    assert keys(linked) == ["clinician.linked"] and linked.language == "fr"
    again = await Talker(runtime, "901").start(f"s_{token}")
    assert keys(again) == ["clinician.link_invalid"]
    assert await count(runtime, Patient) == 0
    async with runtime.db.session() as session:
        doctor = (await session.execute(select(Clinician))).scalar_one()
    assert doctor.telegram_user_id == "900" and doctor.linked_at is not None


# --- the pre-consult flow and the summary ---------------------------------------------


async def test_completing_an_invitation_shares_and_queues_the_summary(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime)
    await Talker(runtime, "900").start(f"s_{await clinician(runtime, clinic_id, 'fr')}")
    patient = await completed_patient(runtime, clinic_id)
    async with runtime.db.session() as session:
        invitation = (await session.execute(select(Invitation))).scalar_one()
        sharing = (await session.execute(select(Sharing))).scalar_one()
        notification = (await session.execute(select(Notification))).scalar_one()
    assert invitation.completed_at is not None
    assert (sharing.patient_id, sharing.clinic_id, sharing.withdrawn_at) == (
        patient.id,
        clinic_id,
        None,
    )
    assert (notification.patient_id, notification.reason) == (patient.id, "completed")
    assert patient.ref is not None and patient.ref.startswith("P-")


async def test_refusing_to_share_sends_nothing(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime)
    await Talker(runtime, "900").start(f"s_{await clinician(runtime, clinic_id, 'nl')}")
    talker = Talker(runtime, "5")
    await talker.start(f"i_{await invite(runtime, clinic_id, ['nrs'])}")
    await talker.tap("onboarding.consent_yes")
    await talker.tap("clinic.sharing_no")
    await talker.answer_all()
    assert "clinic.question_offer" not in talker.seen
    assert await count(runtime, Sharing) == 0
    assert await count(runtime, Notification) == 0


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_the_pdf_comes_from_the_database_in_the_clinicians_language(
    runtime: Runtime, language: str
) -> None:
    clinic_id = await clinic(runtime)
    patient = await completed_patient(runtime, clinic_id, hint="fr" if language == "nl" else "nl")
    async with runtime.db.session() as session, session.begin():
        patient = await session.merge(patient)
        clinic_row = await session.get(Clinic, clinic_id)
        assert clinic_row is not None
        report = await build_report(
            session,
            content(runtime),
            patient,
            clinic_row,
            language,
            runtime.clock.now(),  # type: ignore[arg-type]
        )
    assert report.patient_question == QUESTION
    assert {r.instrument for r in report.results} == {
        runtime.engine.flows[i].instrument for i in instruments(runtime)
    }
    texts = report_texts(runtime.catalogs, language)  # type: ignore[arg-type]
    pdf = render_summary_pdf(report, texts, None, INSTRUMENTS, compress=False)
    assert pdf.startswith(b"%PDF")
    text = extract_text(pdf)
    for heading in (texts.title, texts.scores_heading, texts.question_heading):
        assert heading in text
    assert report.patient_ref in text
    other = report_texts(runtime.catalogs, "fr" if language == "nl" else "nl")
    assert other.question_heading not in text


async def test_the_summary_is_audited_without_answers(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime)
    patient = await completed_patient(runtime, clinic_id)
    async with runtime.db.session() as session, session.begin():
        patient = await session.merge(patient)
        report = await clinician_report(
            session, content(runtime), patient, clinic_id, "nl", runtime.clock.now(), "cli"
        )
    summary = await clinician_summary(content(runtime), report, "nl")
    assert summary.pdf.startswith(b"%PDF")
    async with runtime.db.session() as session:
        entry = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "report"))
        ).scalar_one()
    assert (entry.actor, entry.patient_id, entry.detail["clinic"]) == ("cli", patient.id, clinic_id)
    assert QUESTION not in json.dumps(entry.detail)
    assert set(entry.detail) == {"clinic", "language", "results", "red_flags"}


# --- exports and access control -------------------------------------------------------


async def test_fhir_and_csv_exports(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime)
    patient = await completed_patient(runtime, clinic_id)
    now = runtime.clock.now()
    async with runtime.db.session() as session, session.begin():
        fhir = await export_clinic(session, content(runtime), clinic_id, "fhir", None, now, "cli")
        table = await export_clinic(session, content(runtime), clinic_id, "csv", None, now, "cli")
    bundle = Bundle.model_validate(json.loads(fhir))
    assert bundle.type == "collection"
    scored = [
        e.resource
        for e in bundle.entry or []
        if e.resource.get_resource_type() == "QuestionnaireResponse"
        and str(e.resource.questionnaire).split("/")[-1].split("|")[0] in instruments(runtime)
    ]
    assert len(scored) == len(instruments(runtime))
    rows = list(csv.reader(io.StringIO(table)))
    assert tuple(rows[0][: len(FIXED_COLUMNS)]) == FIXED_COLUMNS
    assert "item:nrs.pain" in rows[0]
    assert {row[0] for row in rows[1:]} == {patient.ref}
    assert len(rows) - 1 == len(instruments(runtime))
    async with runtime.db.session() as session:
        entries = (
            (await session.execute(select(AuditEntry).where(AuditEntry.action == "export")))
            .scalars()
            .all()
        )
    assert [e.detail["format"] for e in entries] == ["fhir", "csv"]
    assert all(e.patient_id is None and e.detail["patients"] == 1 for e in entries)


async def test_a_clinic_sees_only_its_own_patients(runtime: Runtime) -> None:
    first = await clinic(runtime, "Praktijk A")
    second = await clinic(runtime, "Praktijk B")
    alice = await completed_patient(runtime, first, user="1")
    await completed_patient(runtime, second, user="2")
    now = runtime.clock.now()
    async with runtime.db.session() as session, session.begin():
        table = await export_clinic(session, content(runtime), first, "csv", None, now, "cli")
        alice = await session.merge(alice)
        with pytest.raises(ReportDenied):
            await clinician_report(session, content(runtime), alice, second, "nl", now, "cli")
    refs = {row[0] for row in list(csv.reader(io.StringIO(table)))[1:]}
    assert refs == {alice.ref}


async def test_withdrawing_sharing_hides_the_patient(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime)
    await completed_patient(runtime, clinic_id, user="7")
    talker = Talker(runtime, "7")
    asked = await talker.command("sharing")
    assert keys(asked) == ["sharing.confirm"]
    await talker.tap("sharing.stop")
    assert "sharing.stopped" in talker.seen
    again = await talker.command("sharing")
    assert keys(again)[0] == "sharing.none"
    now = runtime.clock.now()
    async with runtime.db.session() as session, session.begin():
        table = await export_clinic(session, content(runtime), clinic_id, "csv", None, now, "cli")
        sharing = (await session.execute(select(Sharing))).scalar_one()
    assert sharing.withdrawn_at is not None
    assert len(list(csv.reader(io.StringIO(table)))) == 1  # the header only


async def test_a_red_flag_is_queued_at_once_and_tops_the_summary(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime)
    await Talker(runtime, "900").start(f"s_{await clinician(runtime, clinic_id, 'fr')}")
    patient = await completed_patient(runtime, clinic_id)
    now = runtime.clock.now()
    async with runtime.db.session() as session, session.begin():
        flag = RedFlag(
            patient_id=patient.id,
            level="urgent",
            cluster="neuro",
            answers={"saddle": True},
            source="screen",
            raised_at=now,
            shown_at=now,
        )
        session.add(flag)
        await session.flush()
        assert await notify_clinicians_of_flag(session, patient.id, flag.id, now) == 1
        patient = await session.merge(patient)
        clinic_row = await session.get(Clinic, clinic_id)
        assert clinic_row is not None
        report = await build_report(session, content(runtime), patient, clinic_row, "fr", now)
    (record,) = report.red_flags
    assert (record.level, record.cluster) == ("urgent", "neuro")
    assert [(a.item_id, a.answer) for a in record.answers] == [("saddle", "Oui")]
    async with runtime.db.session() as session:
        reasons = (await session.execute(select(Notification.reason))).scalars().all()
    assert sorted(reasons) == ["completed", "red_flag"]


async def test_a_rate_limited_or_crashed_summary_is_sent_later(
    runtime: Runtime, clock: FrozenClock
) -> None:
    """Summaries are outbox rows: a 429 keeps them for a retry, a crash after the claim
    leaves them for the next sender after the lease; the PDF is made at delivery."""
    from bot.delivery import outbox
    from bot.delivery.sender import RetryLater
    from tests.followup_helpers import RecordingTransport

    clinic_id = await clinic(runtime)
    await Talker(runtime, "900").start(f"s_{await clinician(runtime, clinic_id, 'nl')}")
    await completed_patient(runtime, clinic_id)  # queues the summary
    transport = RecordingTransport(runtime, fail_with=[RetryLater("retry_after", 5)])
    sender = transport.sender()
    assert (await sender.deliver("telegram", "900")).retried == 1
    clock.advance(timedelta(seconds=5))
    files = (await sender.deliver("telegram", "900")).sent
    assert files >= 1 and transport.sent[-1].attachment == "summary:1"
    assert transport.files[-1].data.startswith(b"%PDF")

    class Crash(Exception):
        pass

    await completed_patient(runtime, clinic_id, user="8")  # a second summary
    dying = RecordingTransport(runtime, fail_with=[Crash()])
    with pytest.raises(Crash):
        await dying.sender().deliver("telegram", "900")
    assert not (await sender.deliver("telegram", "900")).sent  # held by the dead claim
    clock.advance(outbox.LEASE)
    assert (await sender.deliver("telegram", "900")).sent == 1
    assert [m.attachment for m in transport.sent if m.attachment] == ["summary:1", "summary:2"]
