"""A clinic with patients for the portal tests: one who finished an invitation, one with an
urgent red flag, and a patient of another clinic; sign-in links for the clinicians."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

from bot.clinic.admin import add_clinician
from bot.clinic.portal_auth import issue_link
from bot.clock import FrozenClock
from bot.runtime import Runtime
from bot.store.models import Clinician
from bot.store.models import Patient as PatientRow
from bot.web.portal import routes
from tests.clinic_support import BOT, Patient, clinic, invite


@dataclass(frozen=True)
class Scenario:
    clinic: int  # "Praktijk De Brug" (nl)
    other_clinic: int  # "Centre du Dos" (fr)
    doctor: int  # clinician of `clinic`, Dutch
    medecin: int  # clinician of `clinic`, French
    docteur: int  # clinician of `other_clinic`, French
    calm: str  # pseudonym of the patient who answered everything
    flagged: str  # pseudonym of the patient with an urgent red flag
    elsewhere: str  # pseudonym of a patient of the other clinic only


async def _ref(runtime: Runtime, user: str) -> str:
    from bot.clinic.access import ensure_ref

    async with runtime.db.transaction() as session:
        patient = (
            await session.execute(select(PatientRow).where(PatientRow.external_id == user))
        ).scalar_one()
        return await ensure_ref(session, patient)


async def add_doctor(runtime: Runtime, clinic_id: int, language: str, name: str) -> int:
    async with runtime.db.transaction() as session:
        made = await add_clinician(session, clinic_id, name, language, BOT, runtime.clock.now())
    return made.id


async def sign_in_link(
    runtime: Runtime, clinician_id: int, base: str = "https://testserver"
) -> str:
    async with runtime.db.transaction() as session:
        clinician = await session.get(Clinician, clinician_id)
        assert clinician is not None
        return await issue_link(session, clinician, base, runtime.clock.now(), "test")


async def build_scenario(runtime: Runtime, clock: FrozenClock) -> Scenario:
    brug = await clinic(runtime, "Praktijk De Brug", "nl")
    dos = await clinic(runtime, "Centre du Dos", "fr")
    doctor = await add_doctor(runtime, brug, "nl", "Dr. Peeters")
    medecin = await add_doctor(runtime, brug, "fr", "Dr. Lambert")
    docteur = await add_doctor(runtime, dos, "fr", "Dr. Dubois")

    calm = Patient(runtime, user="1001", hint="nl")
    await calm.start("i_" + await invite(runtime, brug))
    await calm.answer_all()
    clock.advance(timedelta(hours=1))

    flagged = Patient(runtime, user="1002", hint="fr")
    await flagged.start("i_" + await invite(runtime, brug))
    await flagged.tap("onboarding.consent_yes")
    await flagged.tap("clinic.sharing_yes")
    await flagged.tap("answer.yes")  # the first red-flag question: urgent
    clock.advance(timedelta(hours=1))

    elsewhere = Patient(runtime, user="1003", hint="fr")
    await elsewhere.start("i_" + await invite(runtime, dos, ["nrs"]))
    await elsewhere.answer_all()
    clock.advance(timedelta(minutes=5))
    return Scenario(
        brug,
        dos,
        doctor,
        medecin,
        docteur,
        await _ref(runtime, "1001"),
        await _ref(runtime, "1002"),
        await _ref(runtime, "1003"),
    )


def client(runtime: Runtime) -> httpx.AsyncClient:
    """An HTTPS client of the portal's routes (Secure cookies are kept and sent)."""
    app = Starlette(routes=routes(runtime))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")


def hidden(page: str, name: str) -> str:
    """The value of a hidden form field on a page."""
    match = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert match is not None, f"no hidden field {name}"
    return match.group(1)


async def sign_in(web: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the link and press the button, as a browser would."""
    page = await web.get(link)
    assert page.status_code == 200
    token = link.split("#", 1)[1]  # what the page's script puts into the form
    return await web.post(
        "/portal/signin", data={"token": token, "csrf": hidden(page.text, "csrf")}
    )
