"""A whole questionnaire on the Telegram path: back, pause, resume after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.store.models import Answer, Response, Score
from tests.e2e.conftest import Harness, running_bot
from tests.fake_bot_api import FakeBotApi

PATIENT = 6262


def label(harness: Harness, language: str, msgid: str) -> str:
    return harness.runtime.catalogs.message(language, msgid)  # type: ignore[arg-type]


async def onboard_and_skip_intake(harness: Harness, language: str) -> None:
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, label(harness, language, "onboarding.consent_yes"), language)
    await harness.no_red_flags(PATIENT, language)
    await harness.episode_today(PATIENT, language)
    await harness.tap(PATIENT, "5", language)  # NRS
    await harness.say(PATIENT, "/cancel", language)  # stop the COMI baseline


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_startback_with_back_pause_and_restart(
    language: str, database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    api = FakeBotApi()
    agree, disagree = "startback.agree", "startback.disagree"
    async with running_bot(api, database_url, clock, tmp_path) as bot:
        await onboard_and_skip_intake(bot, language)
        await bot.say(PATIENT, "/startback", language)
        first = bot.texts(PATIENT)[-1]
        assert first.startswith(label(bot, language, "progress.marker").format(position=1, total=9))
        assert label(bot, language, "startback.lead_in") in first  # lead-in once, with item 1
        await bot.tap(PATIENT, label(bot, language, agree), language)
        await bot.tap(PATIENT, label(bot, language, disagree), language)
        await bot.tap(PATIENT, label(bot, language, "nav.back"), language)
        again = bot.texts(PATIENT)[-1]
        assert label(bot, language, "startback.shoulder_neck") in again
        assert label(bot, language, "startback.lead_in") not in again
        await bot.tap(PATIENT, label(bot, language, agree), language)
        await bot.say(PATIENT, "/pause", language)
        assert bot.texts(PATIENT)[-1] == label(bot, language, "pause.done")

    async with running_bot(api, database_url, clock, tmp_path) as bot:  # a restart
        await bot.say(PATIENT, "/resume", language)
        resumed = bot.texts(PATIENT)[-1]
        marker = label(bot, language, "progress.marker").format(position=3, total=9)
        assert resumed.startswith(marker)
        assert label(bot, language, "startback.walk_short") in resumed
        for item_answer in (disagree, disagree, agree, agree, agree, agree):
            await bot.tap(PATIENT, label(bot, language, item_answer), language)
        await bot.tap(PATIENT, label(bot, language, "startback.bothersome.opt_4"), language)
        result = label(bot, language, "result.startback.high")
        assert any(result in text for text in bot.texts(PATIENT)[-3:])

        async with bot.runtime.db.session() as session:
            response = (
                await session.execute(select(Response).where(Response.flow == "startback"))
            ).scalar_one()
            score = (
                await session.execute(select(Score).where(Score.response_id == response.id))
            ).scalar_one()
            answers = (
                await session.execute(
                    select(Answer.item, Answer.value).where(Answer.response_id == response.id)
                )
            ).all()
    assert (response.status, response.language) == ("completed", language)
    assert (score.total, score.subscales, score.category) == (7, {"psychosocial": 5}, "high")
    assert score.language == language and score.instrument_version == 1
    # every answer is kept, also the one changed with "back"; scoring used the latest
    assert [v for item, v in answers if item == "shoulder_neck"] == [0, 1]
    assert len(answers) == 10
