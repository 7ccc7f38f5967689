"""A running PTB Application polling the fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.clock import FrozenClock
from bot.runtime import Runtime, build_runtime
from bot.telegram.app import build_application
from tests.conftest import make_settings
from tests.fake_bot_api import FakeBotApi, buttons_of

TOKEN = "123456:TEST-TOKEN"


@dataclass
class Harness:
    api: FakeBotApi
    app: Application[Any, Any, Any, Any, Any, Any]
    runtime: Runtime

    async def done(self, update_id: int) -> None:
        """Wait until the bot has fully handled this update."""
        await self.api.wait_for(lambda _: self.api.handled[update_id] >= self.api.pushed[update_id])

    async def say(self, user: int, text: str, language: str | None = "nl") -> None:
        await self.done(await self.api.send_text(user, text, language))

    async def tap(self, user: int, label: str, language: str | None = "nl") -> None:
        message = self.api.last_message(user)
        data = dict(buttons_of(message))[label]
        await self.done(await self.api.tap(user, message, data, language))

    async def no_red_flags(self, user: int, language: str = "nl") -> None:
        """Answer "no" to the red-flag screen (one question at a time)."""
        no = self.runtime.catalogs.message(language, "answer.no")  # type: ignore[arg-type]
        intro = self.runtime.catalogs.message(language, "redflags.intro")  # type: ignore[arg-type]
        assert any(intro in t for t in self.texts(user)[-2:])
        while any(label == no for label, _ in buttons_of(self.api.last_message(user))):
            await self.tap(user, no, language)

    async def episode_today(self, user: int, language: str = "nl") -> None:
        """Answer the intake's episode questions: today, back pain, not recurrent."""
        for msgid in ("episode.onset_today", "episode.pain_type_back", "answer.no"):
            label = self.runtime.catalogs.message(language, msgid)  # type: ignore[arg-type]
            await self.tap(user, label, language)

    def texts(self, user: int) -> list[str]:
        return [c.params.get("text", "") for c in self.api.sent(user)]


def _request(api: FakeBotApi) -> HTTPXRequest:
    return HTTPXRequest(httpx_kwargs={"transport": api}, read_timeout=5)


@asynccontextmanager
async def running_bot(
    api: FakeBotApi, database_url: str, clock: FrozenClock, tmp_path: Path, **extra: object
) -> AsyncIterator[Harness]:
    """Start the bot (runtime + Application polling the fake API); stop it on exit.
    `extra`: further settings (`backpath_content_dir=...`)."""
    settings = make_settings(
        database_url,
        tmp_path,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://fake-telegram/bot",
        **extra,
    )
    runtime = await build_runtime(settings, clock)
    app = build_application(settings, runtime=runtime, request=_request(api))

    async def mark_handled(update: object, _: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            await api.mark_handled(update.update_id)

    app.add_handler(TypeHandler(Update, mark_handled), group=1)  # runs after the bot's handler
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield Harness(api, app, runtime)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await runtime.close()


@pytest.fixture
async def harness(database_url: str, clock: FrozenClock, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(FakeBotApi(), database_url, clock, tmp_path) as running:
        yield running
