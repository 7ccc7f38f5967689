"""Durable delivery on the Telegram path (issue #17): what a killed process committed but
never sent reaches the patient when the bot starts again, without the patient typing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.runtime import build_runtime
from bot.store.models import RedFlag
from bot.telegram.convert import CHANNEL
from tests.conftest import make_settings
from tests.e2e.conftest import Harness, running_bot
from tests.fake_bot_api import FakeBotApi, buttons_of
from tests.integration.test_delivery import urgent

PATIENT = "8181"


async def test_an_urgent_message_committed_before_a_kill_is_sent_at_start(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    runtime = await build_runtime(make_settings(database_url, tmp_path), clock)
    try:  # the answers commit; the process dies before anything is sent
        await urgent(runtime, PATIENT)
    finally:
        await runtime.close()
    api = FakeBotApi()
    async with running_bot(api, database_url, clock, tmp_path) as harness:
        texts = harness.texts(int(PATIENT))  # sent by the start-up, before any update
        assert "Bel nu 112" in texts[-1] and sum("Bel nu 112" in t for t in texts) == 1
        assert buttons_of(api.last_message(int(PATIENT)))  # "I have read this"
        async with harness.runtime.db.session() as session:
            [flag] = (await session.execute(select(RedFlag))).scalars()
        assert flag.level == "urgent" and flag.shown_at == clock.now()
        assert not (await harness.app.bot_data["sender"].drain(CHANNEL)).sent
    assert not [c for c in api.calls if c.method == "getUpdates" and c.params.get("offset")]


class CountingLimiter:
    """Counts the turns taken at the send rate (never makes anyone wait)."""

    def __init__(self) -> None:
        self.turns = 0

    async def acquire(self, chat: str) -> None:
        self.turns += 1


SENDS = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup")


async def test_every_message_and_every_edit_takes_its_turn_at_the_send_rate(
    harness: Harness,
) -> None:
    """The bot-wide rate (issue #11) paces edits too: the chosen answer written under a
    question and an old keyboard removed count like the messages."""
    counting = CountingLimiter()
    harness.runtime.limiter = counting
    harness.app.bot_data["sender"].limiter = counting
    user = int(PATIENT)
    await harness.say(user, "/start")
    await harness.tap(user, harness.runtime.catalogs.message("nl", "onboarding.consent_yes"))
    await harness.no_red_flags(user)
    calls = [c for c in harness.api.calls if c.method in SENDS]
    assert any(c.method.startswith("edit") for c in calls)
    assert counting.turns == len(calls)
