"""`backpath clinic|clinician|invite|report|export` against a real database."""

from __future__ import annotations

import io
import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from bot.cli import build_parser
from bot.clinic.commands import run
from bot.clock import FrozenClock
from bot.runtime import build_runtime
from tests.clinic_support import BOT, Patient, token_of
from tests.conftest import make_settings


async def backpath(
    argv: list[str], database_url: str, tmp_path: Path, clock: FrozenClock
) -> tuple[int, str, str]:
    settings = make_settings(database_url, tmp_path, telegram_bot_username=BOT)
    out, err = io.StringIO(), io.StringIO()
    code = await run(build_parser().parse_args(argv), settings, clock, out, err)
    return code, out.getvalue().strip(), err.getvalue().strip()


async def test_the_clinic_commands_end_to_end(
    database_url: str, tmp_path: Path, clock: FrozenClock
) -> None:
    async def cli(*argv: str) -> tuple[int, str, str]:
        return await backpath(list(argv), database_url, tmp_path, clock)

    code, clinic_id, _ = await cli("clinic", "add", "Praktijk De Brug", "--language", "nl")
    assert code == 0 and clinic_id.isdigit()
    code, staff, _ = await cli(
        "clinician", "add", "--clinic", clinic_id, "Dr. Peeters", "--language", "fr"
    )
    assert code == 0 and staff.startswith(f"https://t.me/{BOT}?start=s_")
    qr = tmp_path / "invite.png"
    code, link, _ = await cli(
        "invite", "--clinic", clinic_id, "--instruments", "nrs", "--expires", "7d", "--qr", str(qr)
    )
    assert code == 0 and link.startswith(f"https://t.me/{BOT}?start=i_")
    assert len(link.split("start=")[1]) <= 64
    assert qr.read_bytes().startswith(b"\x89PNG")

    code, _, err = await cli("invite", "--clinic", clinic_id, "--instruments", "nrs,nope")
    assert code == 2 and "nope" in err
    code, _, err = await cli("invite", "--clinic", "999", "--instruments", "nrs")
    assert code == 2 and "999" in err

    runtime = await build_runtime(make_settings(database_url, tmp_path), clock)
    try:
        patient = Patient(runtime, "31")
        await patient.start(f"i_{token_of(link)}")
        await patient.answer_all()
        await patient.command("mydata")
        data = json.loads((await patient.attachment("mydata")).data)
    finally:
        await runtime.close()
    ref = data["patient"]["ref"]

    pdf = tmp_path / "summary.pdf"
    code, out, _ = await cli("report", ref, "--pdf", str(pdf))
    assert code == 0 and out == str(pdf) and pdf.read_bytes().startswith(b"%PDF")
    code, _, err = await cli("report", "P-NONE-NONE")
    assert code == 2 and "P-NONE-NONE" in err

    export = tmp_path / "export.json"
    code, _, _ = await cli(
        "export",
        "--clinic",
        clinic_id,
        "--format",
        "fhir",
        "--since",
        "2026-01-01",
        "--out",
        str(export),
    )
    assert code == 0
    bundle = Bundle.model_validate(json.loads(export.read_text()))
    responses = [
        str(e.resource.questionnaire)
        for e in bundle.entry or []
        if e.resource.get_resource_type() == "QuestionnaireResponse"
    ]
    assert [r for r in responses if "/nrs|" in r] == [
        "https://backpath.be/fhir/Questionnaire/nrs|1"
    ]
    code, table, _ = await cli(
        "export", "--clinic", clinic_id, "--format", "csv", "--since", "2027-01-01"
    )
    assert code == 0 and table.splitlines()[0].startswith("patient_ref,instrument")
    assert len(table.splitlines()) == 1
    for fmt in ("csv", "fhir"):
        code, out, err = await cli("export", "--clinic", "9", "--format", fmt)
        assert (code, out) == (2, "")
        assert err == "no clinic with id 9"


async def test_links_need_the_bot_username(
    database_url: str, tmp_path: Path, clock: FrozenClock
) -> None:
    settings = make_settings(database_url, tmp_path)
    out, err = io.StringIO(), io.StringIO()
    await run(
        build_parser().parse_args(["clinic", "add", "X", "--language", "fr"]),
        settings,
        clock,
        out,
        err,
    )
    args = build_parser().parse_args(["invite", "--clinic", "1", "--instruments", "nrs"])
    assert await run(args, settings, clock, out, err) == 2
    assert "TELEGRAM_BOT_USERNAME" in err.getvalue()
