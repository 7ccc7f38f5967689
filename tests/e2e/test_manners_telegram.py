"""Manners on the Telegram path (real PTB Application, fake Bot API): a sentence typed at
a 0-10 question is acknowledged before the question comes again, and a tap on an older
copy of the current question is taken as the answer (nl and fr)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import Answer, Response
from tests.e2e.conftest import Harness
from tests.fake_bot_api import buttons_of

PATIENT = 5561
SENTENCE = {
    "nl": "Ik heb zo'n pijn… Kan ik morgen gaan werken?",
    "fr": "J'ai tellement mal… Est-ce que je peux aller travailler demain ?",
}
CONSENT = {"nl": "Ja, ik ga akkoord", "fr": "Oui, je suis d'accord"}


async def nrs_answers(harness: Harness) -> list[tuple[str, object]]:
    async with harness.runtime.db.session() as session:
        query = (
            select(Answer.item, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.flow == "nrs")
        )
        return [tuple(row) for row in await session.execute(query)]  # type: ignore[misc]


async def at_the_pain_question(harness: Harness, lang: str) -> None:
    await harness.say(PATIENT, "/start", lang)
    await harness.tap(PATIENT, CONSENT[lang], lang)
    await harness.no_red_flags(PATIENT, lang)
    await harness.episode_today(PATIENT, lang)


@pytest.mark.parametrize("lang", ["nl", "fr"])
async def test_free_text_is_acknowledged_and_an_older_copy_can_be_tapped(
    harness: Harness, lang: str
) -> None:
    await at_the_pain_question(harness, lang)
    first_copy = harness.api.last_message(PATIENT)
    before = len(harness.texts(PATIENT))
    await harness.say(PATIENT, SENTENCE[lang], lang)
    kind, question = harness.texts(PATIENT)[before:]
    expected = harness.runtime.catalogs.message(lang, "manners.free_text")  # type: ignore[arg-type]
    assert kind == expected and "/flare" in kind and "1733" in kind and "112" in kind
    pain = harness.runtime.catalogs.message(lang, "nrs.pain")  # type: ignore[arg-type]
    assert pain in question
    assert [label for label, _ in buttons_of(harness.api.last_message(PATIENT))][:11] == [
        str(n) for n in range(11)
    ]
    # the first copy of the same question still answers it
    seven = dict(buttons_of(first_copy))["7"]
    await harness.done(await harness.api.tap(PATIENT, first_copy, seven, lang))
    assert await nrs_answers(harness) == [("pain", 7)]
