"""The clinic portal over HTTP (on SQLite): sign-in links, sessions, CSRF, rate limit,
the patient's page and files, invitations, audit. Sign-in and access per clinic on
PostgreSQL too: test_portal_access.py."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.clinic.sign_in_failures import MAX_FAILURES
from bot.clock import FrozenClock
from bot.engine.model import Event
from bot.runtime import Runtime
from bot.service import Incoming
from bot.store.models import AuditEntry, Invitation, Sharing
from bot.web.portal.security import SESSION_COOKIE
from tests.clinic_support import QUESTION, keys
from tests.portal_support import Scenario, build_scenario, client, hidden, sign_in, sign_in_link


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only here: the scenario is a few whole conversations, built for every test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'backpath.db'}"


@pytest.fixture
async def scenario(runtime: Runtime, clock: FrozenClock) -> Scenario:
    return await build_scenario(runtime, clock)


async def test_an_expired_or_unknown_link_is_refused(
    runtime: Runtime, scenario: Scenario, clock: FrozenClock
) -> None:
    link = await sign_in_link(runtime, scenario.doctor)
    clock.advance(timedelta(minutes=16))
    async with client(runtime) as web:
        expired = await sign_in(web, link)
        assert expired.status_code == 403 and "verlopen" in expired.text
        unknown = await sign_in(web, link[:-4] + "AAAA")
        assert unknown.status_code == 403 and "werkt niet" in unknown.text


async def test_failed_sign_ins_are_rate_limited(
    runtime: Runtime, scenario: Scenario, clock: FrozenClock
) -> None:
    good = await sign_in_link(runtime, scenario.doctor)
    async with client(runtime) as web:
        for n in range(MAX_FAILURES):
            refused = await sign_in(web, f"https://testserver/portal/signin#wrong{n}")
            assert refused.status_code == 403
        blocked = await sign_in(web, good)
        assert blocked.status_code == 429  # even a good link, until the window passes
        clock.advance(timedelta(minutes=15))
        good = await sign_in_link(runtime, scenario.doctor)
        assert (await sign_in(web, good)).status_code == 303


async def test_the_sign_in_form_needs_its_csrf_value(runtime: Runtime, scenario: Scenario) -> None:
    link = await sign_in_link(runtime, scenario.doctor)
    token = link.split("#", 1)[1]
    async with client(runtime) as web:
        forged = await web.post("/portal/signin", data={"token": token, "csrf": "forged"})
        assert forged.status_code == 403
        assert (await sign_in(web, link)).status_code == 303  # the link was not used up


async def test_sessions_expire_when_idle_and_after_twelve_hours(
    runtime: Runtime, scenario: Scenario, clock: FrozenClock
) -> None:
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.doctor))
        clock.advance(timedelta(minutes=59))
        assert (await web.get("/portal/")).status_code == 200  # activity keeps it open
        clock.advance(timedelta(minutes=61))
        idle = await web.get("/portal/")
        assert idle.status_code == 401 and "/portal" in idle.text
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.doctor))
        for _ in range(13):
            clock.advance(timedelta(minutes=55))
            assert (await web.get("/portal/")).status_code == 200
        clock.advance(timedelta(minutes=55))  # 12 h 50 min after signing in
        assert (await web.get("/portal/")).status_code == 401


async def test_sign_out_ends_the_session_on_the_server(
    runtime: Runtime, scenario: Scenario
) -> None:
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.doctor))
        token = web.cookies[SESSION_COOKIE]
        page = await web.get("/portal/")
        out = await web.post("/portal/signout", data={"csrf": hidden(page.text, "csrf")})
        assert out.status_code == 200 and "afgemeld" in out.text
        assert (await web.get("/portal/")).status_code == 401
    async with client(runtime) as replay:  # the old cookie is worthless
        replay.cookies.set(SESSION_COOKIE, token, domain="testserver")
        assert (await replay.get("/portal/")).status_code == 401


async def test_every_form_needs_the_sessions_csrf_token(
    runtime: Runtime, scenario: Scenario
) -> None:
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.doctor))
        form = {"instruments": "nrs", "expires": "14d"}
        for path, data in [
            ("/portal/invitations", form),
            ("/portal/invitations/1/revoke", {}),
            ("/portal/signout", {}),
        ]:
            for csrf in (None, "forged"):
                sent = dict(data, **({"csrf": csrf} if csrf else {}))
                assert (await web.post(path, data=sent)).status_code == 403, path
        assert (await web.get("/portal/")).status_code == 200  # still signed in
    async with runtime.db.session() as session:
        invitation = await session.get(Invitation, 1)
        count = len((await session.execute(select(Invitation))).scalars().all())
    assert invitation is not None and invitation.revoked_at is None
    assert count == 3  # nothing was created


async def test_a_patient_who_stops_sharing_is_gone_from_the_portal(
    runtime: Runtime, scenario: Scenario
) -> None:
    async with runtime.db.transaction() as session:
        for sharing in (await session.execute(select(Sharing))).scalars():
            sharing.withdrawn_at = runtime.clock.now()
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.doctor))
        assert scenario.calm not in (await web.get("/portal/")).text
        assert (await web.get(f"/portal/patients/{scenario.calm}")).status_code == 404


async def test_the_patient_page_and_downloads_are_audited_without_answers(
    runtime: Runtime, scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    link = await sign_in_link(runtime, scenario.doctor)
    async with client(runtime) as web:
        await sign_in(web, link)
        assert (await web.get("/portal/")).status_code == 200
        page = await web.get(f"/portal/patients/{scenario.calm}")
        assert page.status_code == 200
        text = page.text
        for shown in ("STarT Back", "Laag risico", QUESTION, "data:image/png;base64,"):
            assert shown in text
        flagged = await web.get(f"/portal/patients/{scenario.flagged}")
        assert "Dringend" in flagged.text and "Neurologisch" in flagged.text
        pdf = await web.get(f"/portal/patients/{scenario.calm}/summary.pdf")
        assert (
            pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
        )
        fhir = await web.get(f"/portal/patients/{scenario.calm}/fhir.json")
        assert fhir.json()["resourceType"] == "Bundle"
        assert scenario.calm in fhir.text and scenario.flagged not in fhir.text
        csv = await web.get(f"/portal/patients/{scenario.calm}/data.csv")
        assert csv.text.startswith("patient_ref,") and scenario.calm in csv.text
    async with runtime.db.session() as session:
        entries = (await session.execute(select(AuditEntry))).scalars().all()
    mine = [e for e in entries if e.actor == f"clinician:{scenario.doctor}"]
    actions = [e.action for e in mine]
    assert actions.count("portal_patient") == 2
    assert {"portal_signin", "portal_list", "report", "export"} <= set(actions)
    exports = [e for e in mine if e.action == "export"]
    assert {e.detail["format"] for e in exports} == {"fhir", "csv"}
    assert all(e.patient_id is not None for e in exports)
    assert all(QUESTION not in str(e.detail) for e in entries)
    logged = caplog.text
    assert link.split("#", 1)[1] not in logged and QUESTION not in logged


async def test_invitations_are_created_listed_and_revoked(
    runtime: Runtime, scenario: Scenario
) -> None:
    runtime.settings.telegram_bot_username = "backpath_test_bot"
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.doctor))
        page = await web.get("/portal/invitations")
        assert page.text.count('class="status-') == 2  # the two of the scenario
        csrf = hidden(page.text, "csrf")
        made = await web.post(
            "/portal/invitations",
            data={
                "csrf": csrf,
                "instruments": ["startback", "nrs"],
                "expires": "7d",
                "note": "knie ook?",
            },
        )
        assert made.status_code == 200
        link = hidden_link(made.text)
        assert "data:image/png;base64," in made.text
        listing = await web.get("/portal/invitations")
        assert "knie ook?" in listing.text and "status-open" in listing.text
        async with runtime.db.session() as session:
            newest = (
                (await session.execute(select(Invitation).order_by(Invitation.id.desc())))
                .scalars()
                .first()
            )
        assert newest is not None and newest.instruments == {"instruments": ["startback", "nrs"]}
        revoked = await web.post(f"/portal/invitations/{newest.id}/revoke", data={"csrf": csrf})
        assert revoked.status_code == 303
        listing = await web.get("/portal/invitations")
        assert "status-revoked" in listing.text and "ingetrokken" in listing.text
    token = link.split("?start=", 1)[1]
    opened = await runtime.service.handle(
        Incoming("telegram", "7777", Event("start", arg=token, language_hint="nl"))
    )
    assert keys(opened)[0] == "clinic.invite_invalid"  # refused in Telegram too


def hidden_link(page: str) -> str:
    start = page.index("https://t.me/")
    return page[start : page.index("<", start)]


async def test_creating_an_invitation_needs_an_instrument(
    runtime: Runtime, scenario: Scenario
) -> None:
    runtime.settings.telegram_bot_username = "backpath_test_bot"
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.medecin))
        page = await web.get("/portal/invitations")
        assert "Invitations" in page.text  # the French clinician gets French
        empty = await web.post("/portal/invitations", data={"csrf": hidden(page.text, "csrf")})
        assert empty.status_code == 400 and "au moins un questionnaire" in empty.text


async def test_charts_and_pdfs_are_drawn_after_the_commit(
    runtime: Runtime, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawing holds no write lock: a patient's message could commit meanwhile."""
    from bot.clinic import report as report_module
    from bot.web.portal import patients

    drawn: list[bool] = []  # per drawing: could another transaction start now?

    def watched(draw: Any) -> Any:
        def drawing(*args: Any, **kwargs: Any) -> Any:
            drawn.append(not runtime.db._writer.locked())  # type: ignore[union-attr]
            return draw(*args, **kwargs)

        return drawing

    monkeypatch.setattr(patients, "report_chart", watched(patients.report_chart))
    monkeypatch.setattr(report_module, "render_pdf", watched(report_module.render_pdf))
    async with client(runtime) as web:
        await sign_in(web, await sign_in_link(runtime, scenario.doctor))
        assert (await web.get(f"/portal/patients/{scenario.calm}")).status_code == 200
        pdf = await web.get(f"/portal/patients/{scenario.calm}/summary.pdf")
        assert pdf.content.startswith(b"%PDF")
    assert drawn == [True, True]
