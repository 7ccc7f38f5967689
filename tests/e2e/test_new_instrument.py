"""Adding an instrument is a flow, a descriptor, catalog entries in both languages and one
scoring function: a yes/no "leg check" from a temporary content folder, scored by a
function of this module, runs end to end without a change in bot/ (issue #12): the
terminal chat, Telegram, `backpath score`, the clinician PDF, the FHIR and CSV exports
and the charts."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pytest
from sqlalchemy import select

from bot.cli import main as backpath
from bot.clinic.exports import export_clinic
from bot.clinic.report import ReportContent, build_report, render_pdf
from bot.clock import FrozenClock
from bot.config import PROJECT_ROOT
from bot.engine.model import Text
from bot.instruments import InstrumentScore
from bot.instruments.model import check_answers
from bot.store.models import Clinic, Patient, Response, Score
from tests.clinic_support import clinic, clinician, invite
from tests.e2e.conftest import running_bot
from tests.e2e.test_chat_cli import EPISODE, NO_RED_FLAGS
from tests.e2e.test_chat_cli import chat as run_chat
from tests.e2e.test_clinic_telegram import DOCTOR, PATIENT, answer_everything
from tests.fake_bot_api import FakeBotApi
from tests.unit.pdf_text import extract_text

ITEMS = {"leg": (0, 1), "night": (0, 1)}


def score_legcheck(answers: Mapping[str, int]) -> InstrumentScore:
    """The new instrument's scoring function: the number of yes answers."""
    check_answers("legcheck", answers, ITEMS)
    total = sum(answers[item] for item in ITEMS)
    return InstrumentScore("legcheck", 1, total, MappingProxyType({}), "some" if total else "none")


def legcheck_driver(item: str, value: int) -> int | None:
    """A yes drives the result (the report's key items)."""
    return value or None


#: The new instrument as it would be added to the content: flows/legcheck.yaml,
#: flows/instruments/legcheck.yaml and the catalog entries of messages/{nl,fr}.po.
ADDED = Path(__file__).parent / "new_instrument"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the content with the leg check added: flow, descriptor, both catalogs."""
    root = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "flows", root / "flows")
    shutil.copytree(PROJECT_ROOT / "messages", root / "messages")
    shutil.copytree(ADDED / "flows", root / "flows", dirs_exist_ok=True)
    for language in ("nl", "fr"):
        entries = (ADDED / "messages" / f"{language}.po").read_text(encoding="utf-8")
        catalog = root / "messages" / language / "LC_MESSAGES" / "messages.po"
        with catalog.open("a", encoding="utf-8") as po:
            po.write(f"\n{entries}")
    return root


def test_backpath_score_and_the_terminal_chat(
    content: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BACKPATH_CONTENT_DIR", str(content))
    assert backpath(["score", "legcheck", "leg=1", "night=0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "instrument": "legcheck",
        "total": 1,
        "category": "some",
    }
    assert backpath(["score", "--help"]) == 0
    help_ = capsys.readouterr().out
    assert "Leg check" in help_ and "leg, night:" in help_ and "1 = yes, 0 = no" in help_

    # The terminal chat, as `backpath chat` runs it, on the same content.
    lines = ["1", "1", *NO_RED_FLAGS, *EPISODE, "8", "/cancel", "/legcheck", "Ja", "Ja"]
    chat = run_chat(tmp_path / "chat.db", lines, data_dir=tmp_path, content=content)
    assert chat.returncode == 0, chat.stderr
    assert "Straalt uw pijn uit tot onder de knie?" in chat.stdout
    assert "Beencheck: 2 van 2. Vertel het uw huisarts." in chat.stdout


async def test_telegram_pdf_fhir_csv_and_charts(
    content: Path, database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    async with running_bot(
        FakeBotApi(), database_url, clock, tmp_path, backpath_content_dir=content
    ) as harness:
        runtime = harness.runtime
        assert "legcheck" in runtime.instruments and "legcheck" in runtime.engine.commands
        clinic_id = await clinic(runtime)
        await harness.say(DOCTOR, f"/start s_{await clinician(runtime, clinic_id, 'nl')}")
        await harness.say(PATIENT, f"/start i_{await invite(runtime, clinic_id, ['legcheck'])}")
        await answer_everything(harness, "nl")  # "no" to both: the invitation's result
        assert "Beencheck: 0 van 2, geen van beide." in harness.texts(PATIENT)
        summaries = [c for c in harness.api.sent(DOCTOR) if c.method == "sendDocument"]
        assert len(summaries) == 1 and summaries[0].files["document"].startswith(b"%PDF")

        await harness.say(PATIENT, "/legcheck")  # its own command, from the descriptor
        assert harness.texts(PATIENT)[-1].endswith("Straalt uw pijn uit tot onder de knie?")
        await harness.tap(PATIENT, "Ja")
        await harness.tap(PATIENT, "Ja")
        assert "Beencheck: 2 van 2. Vertel het uw huisarts." in harness.texts(PATIENT)
        await harness.say(PATIENT, "/progress")
        photos = [c for c in harness.api.sent(PATIENT) if c.method == "sendPhoto"]
        assert photos and photos[-1].files["photo"].startswith(b"\x89PNG")

        report_content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
        now = runtime.clock.now()
        async with runtime.db.session() as session, session.begin():
            patient_id = (
                await session.execute(
                    select(Response.patient_id)
                    .join(Score, Score.response_id == Response.id)
                    .where(Score.instrument == "legcheck")
                    .limit(1)
                )
            ).scalar_one()
            totals = (
                await session.execute(select(Score.total).where(Score.instrument == "legcheck"))
            ).scalars()
            assert sorted(totals) == [0, 2]
            chart = await runtime.charts.progress(session, patient_id, "nl")
            patient = await session.get(Patient, patient_id)
            found = await session.get(Clinic, clinic_id)
            assert patient is not None and found is not None and chart is not None
            charted = [i.id for i in runtime.instruments.charted()]
            assert "legcheck" in charted
            drawn = await session.execute(select(Score.id).where(Score.instrument.in_(charted)))
            assert chart.points == len(drawn.all())  # the leg check's two results among them
            report = await build_report(session, report_content, patient, found, "nl", now)
            exported = {
                fmt: await export_clinic(session, report_content, clinic_id, fmt, None, now, "t")
                for fmt in ("fhir", "csv")
            }

    pdf = extract_text(render_pdf(report_content, report, "nl", compress=False))
    assert "Beencheck: 2/2  –  aanwezig" in pdf
    assert "Uitstraling of nachtpijn." in pdf
    assert "uitstraling onder de knie (1); 's nachts wakker (1)" in pdf

    resources = [e["resource"] for e in json.loads(exported["fhir"])["entry"]]
    responses = [
        r for r in resources if r["resourceType"] == "QuestionnaireResponse"
        and r["questionnaire"].endswith("/Questionnaire/legcheck|1")
    ]  # fmt: skip
    assert len(responses) == 2
    items = {i["linkId"]: i["answer"][0] for i in responses[-1]["item"]}
    assert items["leg"] == {"valueBoolean": True}
    assert items["score.total"] == {"valueDecimal": 2}
    assert items["score.category"]["valueCoding"] == {
        "system": "https://backpath.be/fhir/CodeSystem/legcheck-category",
        "code": "some",
    }
    (questionnaire,) = [
        r for r in resources if r["resourceType"] == "Questionnaire" and r["name"] == "legcheck"
    ]
    assert [(i["linkId"], i["type"]) for i in questionnaire["item"]][:2] == [
        ("leg", "boolean"),
        ("night", "boolean"),
    ]

    rows = [
        r for r in csv.DictReader(io.StringIO(exported["csv"])) if r["instrument"] == "legcheck"
    ]
    assert [(r["total"], r["category"], r["item:legcheck.leg"]) for r in rows] == [
        ("0", "none", "0"),
        ("2", "some", "1"),
    ]
    assert (
        runtime.catalogs.render("fr", Text("report.instrument.legcheck")) == "Contrôle de la jambe"
    )
