"""Manners on the Telegram path (real PTB Application, fake Bot API): a sentence typed at
a 0-10 question is acknowledged before the question comes again, and a tap on an older
copy of the current question is taken as the answer (nl and fr)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.scheduler import dispatch_due
from bot.store.models import Answer, Response
from bot.telegram.app import telegram_sender
from bot.telegram.convert import CHANNEL
from tests.e2e.conftest import Harness
from tests.fake_bot_api import buttons_of
from tests.followup_helpers import only_checkins

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


CHECKIN_DUE = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 10:00 Brussels, 2 weeks after START
ONSET = {"nl": "1 tot 2 weken geleden", "fr": "Il y a 1 à 2 semaines"}
BACK = {"nl": "Nee, vooral in de rug", "fr": "Non, surtout dans le dos"}
NO = {"nl": "Nee", "fr": "Non"}


@pytest.mark.parametrize("lang", ["nl", "fr"])
async def test_the_patient_hears_when_the_next_check_in_comes(
    harness: Harness, clock: FrozenClock, lang: str
) -> None:
    await harness.say(PATIENT, "/start", lang)
    await harness.tap(PATIENT, CONSENT[lang], lang)
    await harness.no_red_flags(PATIENT, lang)
    for label in (ONSET[lang], BACK[lang], NO[lang], "7"):
        await harness.tap(PATIENT, label, lang)
    await harness.say(PATIENT, "/cancel", lang)
    await harness.say(PATIENT, "/reminders", lang)
    listing = harness.texts(PATIENT)[-1]
    assert ("16 maart 2026 om 10:00" if lang == "nl" else "le 16 mars 2026 à 10:00") in listing
    await only_checkins(harness.runtime)
    clock.set(CHECKIN_DUE)
    before = len(harness.texts(PATIENT))
    await dispatch_due(harness.runtime, telegram_sender(harness.runtime, harness.app.bot), CHANNEL)
    await harness.no_red_flags(PATIENT, lang)
    while "4" not in dict(buttons_of(harness.api.last_message(PATIENT))):
        await harness.tap(PATIENT, NO[lang], lang)  # the radicular re-check: no
    await harness.tap(PATIENT, "4", lang)
    await harness.tap(PATIENT, "Beter" if lang == "nl" else "Mieux", lang)
    summary = "\n".join(harness.texts(PATIENT)[before:])
    assert (
        "De volgende korte opvolging komt op 6 april 2026."
        if lang == "nl"
        else "Le prochain court suivi arrive le 6 avril 2026."
    ) in summary


@pytest.mark.parametrize("lang", ["nl", "fr"])
async def test_mydata_sends_a_text_to_read_then_the_json(harness: Harness, lang: str) -> None:
    await at_the_pain_question(harness, lang)
    await harness.tap(PATIENT, "6", lang)
    await harness.say(PATIENT, "/mydata", lang)
    readable, machines = [c for c in harness.api.sent(PATIENT) if c.method == "sendDocument"]
    text = readable.files["document"].decode()
    title = {"nl": "UW GEGEVENS BIJ BACKPATH", "fr": "VOS DONNÉES CHEZ BACKPATH"}[lang]
    assert text.startswith(title) and "→ 6" in text
    assert readable.params["caption"] == harness.runtime.catalogs.message(
        lang,  # type: ignore[arg-type]
        "mydata.readable.caption",
    )
    assert json.loads(machines.files["document"])["responses"]
