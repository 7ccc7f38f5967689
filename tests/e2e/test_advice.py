"""Onboarding, then a high-risk STarT Back, then tailored advice: on Telegram, nl and fr."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import AdviceShown
from tests.e2e.conftest import Harness

PATIENT = 8484
HIGH_RISK_WITH_FEAR = ["agree", "agree", "disagree", "disagree", "agree", "agree", "agree", "agree"]


def msg(harness: Harness, language: str, msgid: str) -> str:
    return harness.runtime.catalogs.message(language, msgid)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_high_risk_startback_gets_tailored_advice(harness: Harness, language: str) -> None:
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, msg(harness, language, "onboarding.consent_yes"), language)
    await harness.no_red_flags(PATIENT, language)
    await harness.episode_today(PATIENT, language)
    await harness.tap(PATIENT, "6", language)  # NRS
    await harness.say(PATIENT, "/cancel", language)  # skip the COMI baseline here
    await harness.say(PATIENT, "/startback", language)
    for answer in HIGH_RISK_WITH_FEAR:
        await harness.tap(PATIENT, msg(harness, language, f"startback.{answer}"), language)
    await harness.tap(PATIENT, msg(harness, language, "startback.bothersome.opt_4"), language)
    texts = harness.texts(PATIENT)[-3:]
    assert msg(harness, language, "result.startback.high") in texts[0]
    assert texts[1].startswith(msg(harness, language, "advice.intro"))
    assert msg(harness, language, "advice.fear_movement_safe.body") in texts[1]
    async with harness.runtime.db.session() as session:
        logged = (await session.execute(select(AdviceShown))).scalars().all()
    assert [(a.advice_id, a.advice_version, a.language, a.trigger) for a in logged] == [
        ("fear_movement_safe", 1, language, "result")
    ]
