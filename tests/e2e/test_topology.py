"""The deployed topology without containers: `backpath migrate`, then three `backpath serve`
worker processes on one PostgreSQL database behind a round-robin proxy; a fake Bot API
(an HTTP server here) that delivers updates to the webhook as Telegram does (again until it
gets a 2xx) and takes the bots' calls; 30 patients talking at once; one worker SIGKILLed in
the middle. Nothing may be lost, doubled or reordered, and every patient gets their next
question."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import PROJECT_ROOT
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.store.models import Answer, Patient
from bot.store.models import Response as ResponseRow
from tests.conftest import _reset_postgres
from tests.e2e.conftest import TOKEN
from tests.fake_bot_api import FakeBotApi, WebhookDelivery, buttons_of, serve_http

pytestmark = pytest.mark.postgres

SECRET = "topology-Secret_1"
PATIENTS = 30
WORKERS = 3
LEASE = 3  # seconds before the killed worker's claimed updates are taken over


def red_flag_questions(engine: Engine) -> int:
    """Questions of the red-flag screen a patient answering "no" throughout is asked (the
    follow-up questions of a group come only after a "yes")."""
    steps = engine.flows["redflags"].steps
    return sum(1 for step in steps if step.when is None and step.answer.type != "info")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def http_server(app: Starlette) -> AsyncIterator[str]:
    """Serve `app` in this event loop on a local socket (listening before this yields)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    config = uvicorn.Config(app, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def round_robin_proxy(backends: list[str], client: httpx.AsyncClient) -> Starlette:
    """The load balancer: each request to the next backend; 502 when it cannot be reached
    (a POST is not retried elsewhere: the sender does that)."""
    turn = itertools.cycle(backends)

    async def forward(request: Request) -> Response:
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        try:
            answer = await client.request(
                request.method,
                f"{next(turn)}{request.url.path}",
                headers=headers,
                content=await request.body(),
            )
        except httpx.TransportError:
            return Response(status_code=502)
        return Response(answer.content, answer.status_code)

    return Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST"])])


def environment(database_url: str, api_url: str) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BACKPATH_", "DATABASE_", "TELEGRAM_", "LOG_"))
    }
    return {
        **clean,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"{api_url}/bot",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        # the periodic job also delivers the outbox rows a killed worker had claimed, once
        # their lease has run out
        "BACKPATH_REMINDER_INTERVAL": "1",
        "BACKPATH_SEND_RATE": "1000",  # Telegram's 30/s is not what this test measures
        "BACKPATH_INBOX_LEASE": str(LEASE),
        "LOG_LEVEL": "WARNING",
    }


@contextmanager
def workers(
    env: dict[str, str], ports: list[int], logs: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    processes = []
    try:
        for number, port in enumerate(ports):
            log = (logs / f"worker{number}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "serve"],
                    env={**env, "BACKPATH_PORT": str(port)},
                    cwd=logs,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_ready(client: httpx.AsyncClient, url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):  # up to about 2 minutes on a loaded machine
        assert process.poll() is None, "a worker exited at start"
        try:
            if (await client.get(f"{url}/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never became ready")


class Patients:
    """Patients who answer each question once they see it (as people do)."""

    def __init__(
        self, api: FakeBotApi, telegram: WebhookDelivery, catalogs: Catalogs, kill_after: int
    ) -> None:
        self.api, self.telegram, self.kill_after = api, telegram, kill_after
        self.yes = catalogs.message("nl", "onboarding.consent_yes")
        self.no = catalogs.message("nl", "answer.no")
        self.onset = catalogs.message("nl", "episode.onset_today")
        self.delivered = 0
        self.killed = asyncio.Event()
        self.taps: dict[int, list[int]] = {}  # patient -> update ids of their taps, in order

    async def _send(self, update: dict[str, Any]) -> int:
        update_id = await self.telegram.deliver(update)
        self.delivered += 1
        if self.delivered == self.kill_after:
            self.killed.set()
        return update_id

    async def _question_after(self, user: int, seen: int) -> tuple[int, dict[str, Any]]:
        """The first message with buttons the bot sent this patient after the first `seen`."""

        def found(_: object) -> bool:
            return any(c.params.get("reply_markup") for c in self.api.sent(user)[seen:])

        await self.api.wait_for(found, limit=90)
        for index, call in enumerate(self.api.sent(user)[seen:], start=seen):
            if call.params.get("reply_markup"):
                return index + 1, call.params["_result"]
        raise AssertionError("unreachable")

    async def _tap(self, user: int, message: dict[str, Any], label: str) -> None:
        data = dict(buttons_of(message))[label]
        update_id = await self._send(self.api.tap_update(user, message, data))
        self.taps.setdefault(user, []).append(update_id)

    async def talk(self, user: int) -> dict[str, Any]:
        """/start, consent, "no" to every red-flag question; returns the next question."""
        await self._send(self.api.text_update(user, "/start"))
        seen, question = await self._question_after(user, 0)
        await self._tap(user, question, self.yes)
        seen, question = await self._question_after(user, seen)
        while self.no in dict(buttons_of(question)):
            await self._tap(user, question, self.no)
            seen, question = await self._question_after(user, seen)
        return question


async def stored_answers(database_url: str) -> dict[int, list[tuple[str, int | None]]]:
    engine = create_async_engine(database_url)
    query = (
        select(Patient.external_id, Answer.item, Answer.update_id)
        .join(ResponseRow, ResponseRow.id == Answer.response_id)
        .join(Patient, Patient.id == ResponseRow.patient_id)
        .where(ResponseRow.flow == "redflags")
        .order_by(Answer.id)
    )
    stored: dict[int, list[tuple[str, int | None]]] = {}
    async with engine.connect() as conn:
        for external_id, item, update_id in await conn.execute(query):
            stored.setdefault(int(external_id), []).append((item, update_id))
    await engine.dispose()
    return stored


async def test_three_workers_one_killed_nothing_lost_doubled_or_reordered(
    pg_database: str, catalogs: Catalogs, engine: Engine, tmp_path: Path
) -> None:
    questions = red_flag_questions(engine)
    kill_after = PATIENTS * (questions + 2) // 3  # deliveries before the SIGKILL
    await _reset_postgres()
    api = FakeBotApi()
    ports = [free_port() for _ in range(WORKERS)]
    backends = [f"http://127.0.0.1:{port}" for port in ports]
    fake_telegram = await serve_http(api)
    api_url = f"http://127.0.0.1:{fake_telegram.sockets[0].getsockname()[1]}"
    async with (
        fake_telegram,
        httpx.AsyncClient(timeout=30) as client,
        http_server(round_robin_proxy(backends, client)) as proxy_url,
    ):
        env = environment(pg_database, api_url)
        migrate = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.cli", "migrate"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
        assert migrate.returncode == 0, migrate.stderr
        with workers(env, ports, tmp_path) as processes:
            for url, process in zip(backends, processes, strict=True):
                await wait_ready(client, url, process)
            telegram = WebhookDelivery(api, f"{proxy_url}/telegram", SECRET)
            patients = Patients(api, telegram, catalogs, kill_after)
            users = [7_000 + n for n in range(PATIENTS)]
            talks = asyncio.gather(*(patients.talk(user) for user in users))
            await asyncio.wait_for(patients.killed.wait(), 90)
            processes[1].send_signal(signal.SIGKILL)
            next_questions = await asyncio.wait_for(talks, 120)
            await telegram.close()
            assert processes[1].wait() == -signal.SIGKILL
            assert all(p.poll() is None for i, p in enumerate(processes) if i != 1)

    assert telegram.redelivered > 0  # the dead worker's share was delivered again
    for question in next_questions:  # every patient got their next question
        assert patients.onset in dict(buttons_of(question))
    stored = await stored_answers(pg_database)
    assert sorted(stored) == users
    for user in users:
        items = [item for item, _ in stored[user]]
        assert len(items) == questions == len(set(items)), (user, items)  # none doubled
        update_ids = [update_id or 0 for _, update_id in stored[user]]
        assert update_ids == sorted(update_ids), (user, update_ids)  # in the order sent
        assert set(update_ids) <= set(patients.taps[user])
