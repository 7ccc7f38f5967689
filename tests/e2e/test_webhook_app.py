"""The worker's ASGI app (bot/web/app.py) with the real PTB Application and the fake Bot API:
the webhook's secret, 200 only for a stored update, duplicates, health, readiness, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import REGISTRY

from bot.clock import FrozenClock
from bot.runtime import Runtime, build_runtime
from bot.telegram.app import build_application
from bot.web.app import SECRET_HEADER, build_app
from tests.conftest import make_settings
from tests.e2e.conftest import TOKEN, _request
from tests.fake_bot_api import FakeBotApi

SECRET = "webhook-Secret_123"
PATIENT = 4242


@dataclass
class Worker:
    api: FakeBotApi
    client: httpx.AsyncClient
    runtime: Runtime

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        response = await self.client.post("/telegram", json=update, headers=headers)
        return response.status_code


@asynccontextmanager
async def worker(
    database_url: str, clock: FrozenClock, tmp_path: Path, migrate: bool = True
) -> AsyncIterator[Worker]:
    api = FakeBotApi()
    settings = make_settings(
        database_url,
        tmp_path,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://fake-telegram/bot",
        telegram_webhook_secret=SECRET,
    )
    runtime = await build_runtime(settings, clock, migrate=migrate)
    app = build_app(runtime, build_application(settings, runtime=runtime, request=_request(api)))
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            # the Application is started only on a migrated database (as `backpath serve` does)
            app.router.lifespan_context(app) if migrate else nullcontext(),
            httpx.AsyncClient(transport=transport, base_url="http://worker") as client,
        ):
            yield Worker(api, client, runtime)
    finally:
        await runtime.close()


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_webhook_refuses_a_wrong_secret_and_takes_a_stored_update_once(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    async with worker(database_url, clock, tmp_path) as w:
        start = w.api.text_update(PATIENT, "/start")
        start["update_id"] = w.api.new_update_id()
        assert await w.post(start, secret=None) == 403
        assert await w.post(start, secret="webhook-Secret_124") == 403
        assert w.api.sent(PATIENT) == []
        assert (
            await w.client.post("/telegram", content=b"{", headers={SECRET_HEADER: SECRET})
        ).status_code == 400

        handled = metric("backpath_updates_total", channel="telegram", result="handled")
        assert await w.post(start) == 200
        await w.api.wait_for(lambda _: len(w.api.sent(PATIENT)) >= 2)
        welcome = [c.params["text"] for c in w.api.sent(PATIENT)]
        assert welcome[0].startswith("Hallo! Ik ben BackPath")
        assert metric("backpath_updates_total", channel="telegram", result="handled") == handled + 1

        assert await w.post(dict(start)) == 200  # Telegram delivering it again
        assert [c.params["text"] for c in w.api.sent(PATIENT)] == welcome
        assert w.api.webhook["url"] == ""  # the app never registers itself (`webhook set` does)


async def test_health_readiness_and_metrics(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    async with worker(database_url, clock, tmp_path) as w:
        assert (await w.client.get("/healthz")).json() == {"status": "up"}
        assert (await w.client.get("/readyz")).status_code == 200
        start = w.api.text_update(PATIENT, "/start")
        start["update_id"] = w.api.new_update_id()
        assert await w.post(start) == 200
        await w.api.wait_for(lambda _: len(w.api.sent(PATIENT)) >= 2)
        page = (await w.client.get("/metrics")).text
        assert 'backpath_bot_api_calls_total{method="sendMessage",outcome="ok"}' in page
        assert "backpath_update_seconds_bucket" in page
        assert "backpath_replies_sent_total" in page
        assert 'backpath_inbox_updates_total{step="stored"}' in page
        assert "backpath_inbox_backlog " in page and "backpath_inbox_lease_expiries_total" in page
        assert TOKEN not in page and "Hallo" not in page


async def test_not_ready_on_a_database_that_was_never_migrated(
    clock: FrozenClock, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    async with worker(url, clock, tmp_path, migrate=False) as w:
        assert (await w.client.get("/healthz")).status_code == 200
        ready = await w.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "schema not current"}
