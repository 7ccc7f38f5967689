"""The optional history on the Telegram path, in Dutch and French: /history, buttons
only, every answer stored, the thank-you in the patient's language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import Answer, Response
from tests.e2e.conftest import Harness
from tests.fake_bot_api import buttons_of
from tests.history_support import ANSWERS, STORED

PATIENT = 6161


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_history_by_command_in_both_languages(harness: Harness, language: str) -> None:
    message = harness.runtime.catalogs.message
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, message(language, "onboarding.consent_yes"), language)  # type: ignore[arg-type]
    await harness.no_red_flags(PATIENT, language)
    await harness.episode_today(PATIENT, language)

    # Asked during the intake's pain score: queued, it starts when the intake is done.
    await harness.say(PATIENT, "/history", language)
    await harness.tap(PATIENT, "6", language)
    intro = message(language, "history.intro")  # type: ignore[arg-type]
    while intro not in harness.texts(PATIENT):  # the COMI baseline
        labels = [label for label, _ in buttons_of(harness.api.last_message(PATIENT))]
        await harness.tap(PATIENT, labels[0], language)
    assert harness.texts(PATIENT)[-2] == intro
    for _, label in ANSWERS:
        await harness.tap(PATIENT, message(language, label), language)  # type: ignore[arg-type]
    done = message(language, "history.done")  # type: ignore[arg-type]
    assert done in harness.texts(PATIENT)

    async with harness.runtime.db.session() as session:
        response = (
            await session.execute(select(Response).where(Response.flow == "history"))
        ).scalar_one()
        answers = (
            await session.execute(select(Answer).where(Answer.response_id == response.id))
        ).scalars()
        stored = {a.item: a.value for a in answers}
    assert response.status == "completed" and response.language == language
    assert stored == STORED
