"""The clinic portal in a real browser: Playwright for Python driving Debian's chromium.

Nothing is downloaded at run time: the browser is /usr/bin/chromium (`apt-get install
chromium`; .ci/run installs it). Without it these tests skip locally and fail in CI.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from bot.clock import FrozenClock
from bot.engine.model import Language, Text
from bot.runtime import Runtime, build_runtime
from bot.web.portal import routes
from tests.conftest import make_settings
from tests.portal_support import Scenario, build_scenario, sign_in_link

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _need_browser() -> None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    else:
        missing = (
            "" if CHROMIUM.exists() else f"no browser at {CHROMIUM} (apt-get install chromium)"
        )
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must run the browser tests")
        pytest.skip(missing)


@pytest.fixture
async def portal(
    tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[tuple[Runtime, Scenario, str]]:
    """The portal served by uvicorn on a free local port, in this test's event loop."""
    _need_browser()
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'backpath.db'}",
        tmp_path,
        telegram_bot_username="backpath_test_bot",
    )
    runtime = await build_runtime(settings, clock)
    scenario = await build_scenario(runtime, clock)
    config = uvicorn.Config(
        Starlette(routes=routes(runtime)),
        host="127.0.0.1",
        port=0,
        lifespan="off",
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    # A listening socket of our own: the browser's first request waits in its backlog
    # until uvicorn takes it, so nothing has to wait for the server to be up.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield runtime, scenario, f"http://localhost:{port}"
    finally:
        server.should_exit = True
        await serving
        sock.close()
        await runtime.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    _need_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_a_clinician_works_through_the_portal(
    portal: tuple[Runtime, Scenario, str], browser: Any, language: Language
) -> None:
    runtime, scenario, base = portal

    def t(key: str, **params: object) -> str:
        return runtime.catalogs.render(language, Text(key, params))

    clinician = scenario.doctor if language == "nl" else scenario.medecin
    link = await sign_in_link(runtime, clinician, base)
    context = await browser.new_context(accept_downloads=True, locale=language)
    page = await context.new_page()

    # sign in with the link; the list has the red flag on top
    await page.goto(link)
    await page.click("#signin")
    await page.wait_for_url(f"{base}/portal/")
    assert await page.locator("h1").inner_text() == t("portal.patients_title")
    first = page.locator("table.patients tbody tr").first
    assert "flagged" in (await first.get_attribute("class") or "")
    assert scenario.flagged in await first.inner_text()
    assert t("report.level.urgent") in await first.inner_text()

    # a patient's page: the red flag, then the PDF of the other patient
    await page.click(f"text={scenario.flagged}")
    assert await page.locator("section.alert h2").inner_text() == t("report.red_flags_heading")
    await page.goto(f"{base}/portal/")
    await page.click(f"text={scenario.calm}")
    assert t("report.instrument.startback") in await page.locator(".score").first.inner_text()
    async with page.expect_download() as info:
        await page.click("#download-pdf")
    download = await info.value
    assert download.suggested_filename == f"backpath-{scenario.calm}.pdf"
    pdf = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert pdf.startswith(b"%PDF")

    # create an invitation (link and QR code), then revoke it
    await page.click(f"text={t('portal.nav_invitations')}")
    await page.check("input[value=startback]")
    await page.check("input[value=nrs]")
    await page.fill("textarea[name=note]", "controle")
    await page.click("#create-invitation")
    shown = await page.locator("#invitation-link").inner_text()
    assert shown.startswith("https://t.me/backpath_test_bot?start=i_")
    assert await page.locator("img.qr").count() == 1
    await page.click(f"a:has-text('{t('portal.nav_invitations')}')")
    newest = page.locator("table.invitations tbody tr").first
    assert "controle" in await newest.inner_text()
    assert t("portal.status_open") in await newest.locator("td.status").inner_text()
    await newest.locator("button.danger").click()
    await page.wait_for_url(f"{base}/portal/invitations")
    newest = page.locator("table.invitations tbody tr").first
    assert await newest.locator("td.status").inner_text() == t("portal.status_revoked")

    # sign out: the portal is closed to this browser
    await page.click(f"button:has-text('{t('portal.sign_out')}')")
    assert await page.locator("h1").inner_text() == t("portal.signed_out_title")
    response = await page.goto(f"{base}/portal/")
    assert response is not None and response.status == 401

    # the same sign-in link again: refused
    await page.goto(link)
    await page.click("#signin")
    assert t("portal.link_used") in await page.locator("main").inner_text()
    await context.close()


async def test_another_clinics_clinician_gets_404(
    portal: tuple[Runtime, Scenario, str], browser: Any
) -> None:
    runtime, scenario, base = portal
    page = await browser.new_page()
    await page.goto(await sign_in_link(runtime, scenario.docteur, base))
    await page.click("#signin")
    await page.wait_for_url(f"{base}/portal/")
    assert scenario.elsewhere in await page.locator("table.patients").inner_text()
    for suffix in ("", "/summary.pdf"):
        response = await page.goto(f"{base}/portal/patients/{scenario.calm}{suffix}")
        assert response is not None and response.status == 404
    assert await page.locator("h1").inner_text() == runtime.catalogs.render(
        "fr", Text("portal.not_found_title")
    )
