"""A start that cannot work says why: the real problem, never `KeyError: 'runtime'`
(issue #17, item 3). Before the fix, post_shutdown looked up the runtime that post_init
never built and its KeyError replaced the start-up error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.runtime import build_runtime
from bot.store.lock import DatabaseInUse
from bot.telegram.app import build_application
from tests.conftest import make_settings
from tests.e2e.conftest import TOKEN, _request
from tests.fake_bot_api import FakeBotApi


async def test_a_failed_start_reports_its_own_error(tmp_path: Path, clock: FrozenClock) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        tmp_path,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://fake-telegram/bot",
    )
    other = await build_runtime(settings, clock, serving=True)  # another bot on the file
    app = build_application(settings, request=_request(FakeBotApi()), clock=clock)
    try:
        await app.initialize()
        with pytest.raises(DatabaseInUse):
            await app.post_init(app)  # type: ignore[misc]
        await app.shutdown()
        await app.post_shutdown(app)  # type: ignore[misc]  # no KeyError: 'runtime'
    finally:
        await other.close()
