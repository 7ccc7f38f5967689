"""The clinic portal over HTTP on SQLite and PostgreSQL: signing in with a link, once;
another clinic's clinician gets 404. (More portal tests: test_portal.py, on SQLite.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clinic.sign_in_failures import MAX_FAILURES, WINDOW, address_hash
from bot.clock import FrozenClock
from bot.runtime import Runtime, build_runtime
from bot.store.models import AuditEntry, Invitation, SignInFailure
from bot.web.portal.security import SESSION_COOKIE
from tests.clinic_support import QUESTION
from tests.conftest import make_settings
from tests.portal_support import Scenario, build_scenario, client, hidden, sign_in, sign_in_link


@pytest.fixture
async def scenario(runtime: Runtime, clock: FrozenClock) -> Scenario:
    return await build_scenario(runtime, clock)


async def test_a_link_signs_in_once_and_the_list_shows_red_flags_first(
    runtime: Runtime, scenario: Scenario
) -> None:
    link = await sign_in_link(runtime, scenario.doctor)
    async with client(runtime) as web:
        await web.get(link)  # a link preview or a second look does not use the link up
        signed = await sign_in(web, link)
        assert signed.status_code == 303 and signed.headers["location"] == "/portal/"
        cookie = next(c for c in signed.headers.get_list("set-cookie") if SESSION_COOKIE in c)
        assert {"Secure", "HttpOnly", "SameSite=lax"} <= {p.strip() for p in cookie.split(";")}
        page = await web.get("/portal/")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    text = page.text
    assert scenario.flagged in text and scenario.calm in text
    assert text.index(scenario.flagged) < text.index(scenario.calm)  # red flag on top
    assert "Dringend" in text and "Laag risico" in text
    assert scenario.elsewhere not in text  # another clinic's patient
    assert QUESTION not in text  # answers stay on the patient's page


async def test_a_reused_link_is_refused(runtime: Runtime, scenario: Scenario) -> None:
    link = await sign_in_link(runtime, scenario.doctor)
    async with client(runtime) as web:
        assert (await sign_in(web, link)).status_code == 303
    async with client(runtime) as other:
        again = await sign_in(other, link)
        assert again.status_code == 403
        assert "al gebruikt" in again.text
        assert SESSION_COOKIE not in again.headers.get("set-cookie", "")
        assert (await other.get("/portal/")).status_code == 401
    async with runtime.db.session() as session:
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert "portal_link_reused" in actions


async def test_another_clinics_clinician_gets_404_for_the_patient_and_files(
    runtime: Runtime, scenario: Scenario
) -> None:
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.docteur))
        listing = await web.get("/portal/")
        assert scenario.elsewhere in listing.text and scenario.calm not in listing.text
        for suffix in ("", "/summary.pdf", "/fhir.json", "/data.csv"):
            response = await web.get(f"/portal/patients/{scenario.calm}{suffix}")
            assert response.status_code == 404, suffix
            assert "Introuvable" in response.text  # in the clinician's language
        assert (await web.get("/portal/patients/P-NONE-NONE")).status_code == 404
        page = await web.get("/portal/invitations")
        revoke = await web.post(
            "/portal/invitations/1/revoke", data={"csrf": hidden(page.text, "csrf")}
        )
        assert revoke.status_code == 404  # an invitation of the other clinic
    async with runtime.db.session() as session:
        invitation = await session.get(Invitation, 1)
    assert invitation is not None and invitation.revoked_at is None


async def test_failed_sign_ins_count_across_workers_and_are_forgotten_after_the_window(
    runtime: Runtime, scenario: Scenario, clock: FrozenClock, database_url: str, tmp_path: Path
) -> None:
    """Two workers on one database: the failures counted by one block the other, the
    database keeps only a hash of the address, and nothing after the window."""
    other_worker = await build_runtime(make_settings(database_url, tmp_path / "w2"), clock)
    try:
        async with client(runtime) as web:
            for n in range(MAX_FAILURES):
                refused = await sign_in(web, f"https://testserver/portal/signin#wrong{n}")
                assert refused.status_code == 403
        good = await sign_in_link(runtime, scenario.doctor)
        async with client(other_worker) as web:
            assert (await sign_in(web, good)).status_code == 429
        async with runtime.db.session() as session:
            stored = set((await session.execute(select(SignInFailure.address_hash))).scalars())
        assert stored == {address_hash("127.0.0.1")} and "127.0.0.1" not in stored
        clock.advance(WINDOW)
        good = await sign_in_link(runtime, scenario.doctor)  # links last 15 minutes too
        async with client(other_worker) as web:
            assert (await sign_in(web, good)).status_code == 303
            assert (await sign_in(web, "https://testserver/portal/signin#wrong")).status_code == 403
        async with runtime.db.session() as session:
            left = (await session.execute(select(SignInFailure.failed_at))).scalars().all()
        assert left == [clock.now()]  # the old window's failures are gone
    finally:
        await other_worker.close()
