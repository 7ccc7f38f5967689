"""Polling (`backpath run`) stores each update before python-telegram-bot acknowledges it
(the next getUpdates offset), and processes from the inbox: an update acknowledged but not
processed when the bot stopped is processed at the next start, without Telegram sending it
again (issue #17 item 5: "polling acknowledged 2-19 taps per run that were never handled")."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.service import Incoming, Outcome
from bot.telegram.intake import InboxApplication
from tests.e2e.conftest import running_bot
from tests.fake_bot_api import FakeBotApi

PATIENT = 5151


def offsets(api: FakeBotApi) -> list[int]:
    return [int(c.params.get("offset") or 0) for c in api.calls if c.method == "getUpdates"]


async def test_an_update_that_cannot_be_stored_is_not_acknowledged(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    api = FakeBotApi()
    async with running_bot(api, database_url, clock, tmp_path) as harness:
        inbox = harness.runtime.inbox
        store = inbox.store
        refused: list[int] = []

        async def database_away_once(updates: list[dict[str, object]]) -> int:
            if not refused:
                refused.append(len(offsets(api)))
                raise OSError("database unreachable")
            return await store(updates)

        inbox.store = database_away_once  # type: ignore[method-assign]
        update_id = await api.send_text(PATIENT, "/start")
        await harness.done(update_id)
        assert len(api.sent(PATIENT)) == 2  # welcome and consent, once
    # the batch that was not stored was asked for again with the same offset
    after = offsets(api)[refused[0] - 1 :]
    assert after[0] <= update_id and after[1] <= update_id
    assert max(after) == update_id + 1


async def test_an_acknowledged_update_not_processed_before_a_stop_is_processed_at_start(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    api = FakeBotApi()
    tried = asyncio.Event()
    async with running_bot(api, database_url, clock, tmp_path) as harness:

        async def crashing(incoming: Incoming, hold: bool = False) -> Outcome:
            tried.set()
            raise RuntimeError("the process dies here")

        harness.runtime.service.handle = crashing  # type: ignore[method-assign]
        update_id = await api.send_text(PATIENT, "/start")
        await asyncio.wait_for(tried.wait(), 10)
        await api.wait_for(lambda _: max(offsets(api)) > update_id)  # acknowledged
    assert api.sent(PATIENT) == []

    clock.advance(timedelta(minutes=1))  # past the retry's backoff
    async with running_bot(api, database_url, clock, tmp_path) as harness:
        await api.wait_for(lambda _: len(api.sent(PATIENT)) >= 2)
        assert isinstance(harness.app, InboxApplication) and harness.app.worker is not None
        await asyncio.wait_for(harness.app.worker.wait_processed(update_id), 10)
        assert await harness.runtime.inbox.processed(update_id)
    assert api.sent(PATIENT)[0].params["text"].startswith("Hallo! Ik ben BackPath")
    assert api.pushed[update_id] == 1  # Telegram never had to send it again


@pytest.fixture(autouse=True)
def _quiet_failures(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="bot.delivery.worker")
