"""A linked clinician in Telegram: clinician help and /portal, never the patient flows;
`backpath clinician link` and `clinician add --portal` print sign-in links."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clinic.portal_auth import Opened, redeem_link
from bot.clock import FrozenClock
from bot.engine.model import Event
from bot.runtime import Runtime
from bot.service import Incoming, Outcome
from bot.store.models import Patient
from tests.clinic_support import clinic, clinician, keys
from tests.integration.test_clinic_cli import backpath

DOCTOR = "8001"


async def say(runtime: Runtime, event: Event) -> Outcome:
    return await runtime.service.handle(Incoming("telegram", DOCTOR, event))


def text_of(runtime: Runtime, outcome: Outcome) -> str:
    part = outcome.replies[0].parts[0]
    return runtime.catalogs.render(outcome.language, part)


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_a_linked_clinician_gets_clinician_help_and_never_onboarding(
    runtime: Runtime, language: str
) -> None:
    clinic_id = await clinic(runtime, "Praktijk De Brug", "nl")
    staff = await clinician(runtime, clinic_id, language)
    linked = await say(runtime, Event("start", arg=f"s_{staff}", language_hint="nl"))
    assert keys(linked) == ["clinician.linked"]
    for event in (
        Event("command", text="help", language_hint="nl"),
        Event("start", language_hint="nl"),
        Event("text", text="hallo", language_hint="nl"),
        Event("command", text="pain", language_hint="nl"),
        Event("choice", text="1:3:0", language_hint="nl"),
    ):
        outcome = await say(runtime, event)
        assert keys(outcome) == ["clinician.help"], event
        assert outcome.language == language
        assert "/portal" in text_of(runtime, outcome)
    async with runtime.db.session() as session:
        patients = (await session.execute(select(func.count()).select_from(Patient))).scalar()
    assert patients == 0  # a clinician never becomes a patient


async def test_portal_sends_a_single_use_sign_in_link(runtime: Runtime, clock: FrozenClock) -> None:
    clinic_id = await clinic(runtime, "Centre du Dos", "fr")
    staff = await clinician(runtime, clinic_id, "fr")
    await say(runtime, Event("start", arg=f"s_{staff}", language_hint="fr"))
    outcome = await say(runtime, Event("command", text="portal", language_hint="fr"))
    assert keys(outcome) == ["clinician.portal_link"]
    text = text_of(runtime, outcome)
    assert "15 minutes" in text
    link = next(w for w in text.split() if w.startswith("http"))
    assert link.startswith(f"{runtime.settings.backpath_portal_url}/portal/signin#")
    token = link.split("#", 1)[1]
    async with runtime.db.transaction() as session:
        assert isinstance(await redeem_link(session, token, clock.now()), Opened)
    async with runtime.db.transaction() as session:
        assert await redeem_link(session, token, clock.now()) == "used"


async def test_an_unlinked_user_is_still_a_patient(runtime: Runtime) -> None:
    outcome = await say(runtime, Event("command", text="portal", language_hint="nl"))
    assert "clinician.portal_link" not in keys(outcome)
    assert "clinician.help" not in keys(outcome)


async def test_the_cli_prints_sign_in_links(
    database_url: str, tmp_path: Path, clock: FrozenClock
) -> None:
    code, clinic_id, _ = await backpath(
        ["clinic", "add", "Praktijk De Brug", "--language", "nl"], database_url, tmp_path, clock
    )
    code, out, _ = await backpath(
        ["clinician", "add", "--clinic", clinic_id, "Dr. Peeters", "--language", "nl", "--portal"],
        database_url,
        tmp_path,
        clock,
    )
    staff, signin = out.splitlines()
    assert code == 0 and "?start=s_" in staff and "/portal/signin#" in signin
    code, again, _ = await backpath(["clinician", "link", "1"], database_url, tmp_path, clock)
    assert code == 0 and "/portal/signin#" in again and again != signin
    code, _, err = await backpath(["clinician", "link", "99"], database_url, tmp_path, clock)
    assert code == 2 and "99" in err
