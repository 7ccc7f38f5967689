"""Operations around the real PTB Application and the fake Bot API: logs at DEBUG keep the
token and patient texts out, and `backpath webhook set|info|delete`."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.logging_setup import configure_logging
from bot.telegram.webhook import WebhookError, webhook_command
from tests.conftest import make_settings
from tests.e2e.conftest import TOKEN, _request, running_bot
from tests.fake_bot_api import FakeBotApi

PATIENT = 6161
SECRET_TEXT = "mijn rug doet pijn sinds de verhuis van tante Odette"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging("DEBUG", "json", secrets=[TOKEN], stream=stream)
    yield stream
    root = logging.getLogger()
    root.removeHandler(handler)
    root.setLevel(logging.WARNING)


async def test_debug_logs_carry_ids_and_kinds_never_the_token_or_texts(
    debug_log: io.StringIO, database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    async with running_bot(FakeBotApi(), database_url, clock, tmp_path) as harness:
        await harness.say(PATIENT, "/start")
        await harness.tap(PATIENT, "Ja, ik ga akkoord")
        await harness.say(PATIENT, SECRET_TEXT)
    logged = debug_log.getvalue()
    records = [json.loads(line) for line in logged.splitlines()]
    assert any(r["logger"] == "bot.service" and "event=text" in r["message"] for r in records)
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged
    for secret in (SECRET_TEXT, "tante Odette", "Hallo! Ik ben BackPath", "Ja, ik ga akkoord"):
        assert secret not in logged
    # python-telegram-bot and httpx say nothing below INFO, whatever LOG_LEVEL says
    assert not [r for r in records if r["level"] == "DEBUG" and not r["logger"].startswith("bot")]


async def test_webhook_set_info_delete(tmp_path: Path) -> None:
    api = FakeBotApi()
    settings = make_settings(
        "sqlite+aiosqlite:///unused.db",
        tmp_path,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://fake-telegram/bot",
    )
    with pytest.raises(WebhookError, match="TELEGRAM_WEBHOOK_URL"):
        await webhook_command("set", settings, io.StringIO(), _request(api))
    settings = settings.model_copy(
        update=make_settings(
            "sqlite+aiosqlite:///unused.db",
            tmp_path,
            telegram_webhook_url="https://bot.example.be/telegram",
            telegram_webhook_secret="the-Secret_1",
        ).model_dump(include={"telegram_webhook_url", "telegram_webhook_secret"})
    )
    out = io.StringIO()
    await webhook_command("set", settings, out, _request(api))
    assert api.webhook == {"url": "https://bot.example.be/telegram", "secret": "the-Secret_1"}
    (call,) = [c for c in api.calls if c.method == "setWebhook"]
    assert call.params["allowed_updates"] == ["message", "callback_query"]
    await webhook_command("info", settings, out, _request(api))
    await webhook_command("delete", settings, out, _request(api))
    assert api.webhook["url"] == ""
    printed = out.getvalue()
    assert "webhook set: https://bot.example.be/telegram" in printed
    assert "url: https://bot.example.be/telegram\npending updates: 0" in printed
    assert "webhook deleted" in printed
    assert "the-Secret_1" not in printed and TOKEN not in printed
