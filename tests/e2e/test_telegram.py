"""The real PTB Application against a fake Bot API: whole conversations."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.models import Answer, Response, Score
from tests.e2e.conftest import Harness
from tests.fake_bot_api import buttons_of

PATIENT = 5551


async def stored_answers(harness: Harness, flow: str = "nrs") -> list[tuple[str, object, str]]:
    async with harness.runtime.db.session() as session:
        query = (
            select(Answer)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.flow == flow)
            .order_by(Answer.id)
        )
        rows = (await session.execute(query)).scalars()
        return [(a.item, a.value, a.language) for a in rows]


async def test_start_consent_and_nrs_in_dutch(harness: Harness) -> None:
    await harness.say(PATIENT, "/start", "nl-BE")
    texts = harness.texts(PATIENT)
    assert texts[0].startswith("Hallo! Ik ben BackPath")
    assert "112" in texts[1] and "/delete" in texts[1]
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.no_red_flags(PATIENT)
    await harness.episode_today(PATIENT)
    assert harness.texts(PATIENT)[-1].startswith("Vraag 1/1")
    keyboard = [label for label, _ in buttons_of(harness.api.last_message(PATIENT))]
    assert keyboard == [str(n) for n in range(11)]
    await harness.tap(PATIENT, "7")
    assert await stored_answers(harness) == [("pain", 7, "nl")]
    async with harness.runtime.db.session() as session:
        assert (await session.execute(select(Score.total))).scalar_one() == 7
    texts = harness.texts(PATIENT)
    assert "Bedankt. U gaf uw pijn een 7 op 10." in texts[-2]
    assert "Welke van de volgende problemen hindert u het meest?" in texts[-1]  # COMI baseline
    # every callback query was answered, and the answered question shows the choice
    answered = [c for c in harness.api.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 2 + 12 + 3  # consent, twelve red-flag "no", episode, the pain score
    edits = [c for c in harness.api.calls if c.method == "editMessageText"]
    assert edits and edits[-1].params["text"].endswith("✓ 7")
    assert "reply_markup" not in edits[-1].params or not edits[-1].params["reply_markup"]


async def test_the_same_in_french(harness: Harness) -> None:
    await harness.say(PATIENT, "/start", "fr")
    assert harness.texts(PATIENT)[0].startswith("Bonjour ! Je suis BackPath")
    await harness.tap(PATIENT, "Oui, je suis d'accord", "fr")
    await harness.no_red_flags(PATIENT, "fr")
    await harness.episode_today(PATIENT, "fr")
    assert harness.texts(PATIENT)[-1].startswith("Question 1/1")
    await harness.tap(PATIENT, "3", "fr")
    assert await stored_answers(harness) == [("pain", 3, "fr")]
    assert "Vous avez donné à votre douleur la note de 3 sur 10." in harness.texts(PATIENT)[-2]
    assert "Lequel des problèmes suivants vous gêne le plus ?" in harness.texts(PATIENT)[-1]


async def test_commands_are_registered_per_language(harness: Harness) -> None:
    calls = [c for c in harness.api.calls if c.method == "setMyCommands"]
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_language) == {None, "nl", "fr"}
    assert {c["command"] for c in by_language["fr"]} >= {"start", "help", "language", "about"}
    assert by_language["fr"][0]["description"] != by_language["nl"][0]["description"]


async def test_stale_button_gets_a_kind_note_and_the_current_question(harness: Harness) -> None:
    await harness.say(PATIENT, "/start", "nl")
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.no_red_flags(PATIENT)
    await harness.episode_today(PATIENT)
    question = harness.api.last_message(PATIENT)
    await harness.tap(PATIENT, "5")
    seven = dict(buttons_of(question))["7"]
    before = len(harness.texts(PATIENT))
    await harness.done(await harness.api.tap(PATIENT, question, seven))
    new = harness.texts(PATIENT)[before:]
    assert new[0].startswith("Die knop hoort bij een eerdere vraag")
    assert await stored_answers(harness) == [("pain", 5, "nl")]
    taps = [c for c in harness.api.calls if c.method == "answerCallbackQuery"]
    assert len(taps) == 3 + 12 + 3


async def test_duplicate_update_is_processed_once(harness: Harness) -> None:
    await harness.say(PATIENT, "/start", "nl")
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.no_red_flags(PATIENT)
    await harness.episode_today(PATIENT)
    message = harness.api.last_message(PATIENT)
    data = dict(buttons_of(message))["4"]
    update = {
        "update_id": 99999,
        "callback_query": {
            "id": "cq-dup",
            "chat_instance": "ci",
            "data": data,
            "message": message,
            "from": {"id": PATIENT, "is_bot": False, "first_name": "P", "language_code": "nl"},
        },
    }
    await harness.done(await harness.api.push(update))
    sent_after_first = len(harness.texts(PATIENT))
    await harness.done(await harness.api.push(dict(update)))
    assert len(harness.texts(PATIENT)) == sent_after_first
    assert await stored_answers(harness) == [("pain", 4, "nl")]


async def test_free_text_and_stickers_get_a_kind_reply(harness: Harness) -> None:
    await harness.say(PATIENT, "/start", "nl")
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.no_red_flags(PATIENT)
    await harness.episode_today(PATIENT)
    await harness.say(PATIENT, "veel pijn")  # a message, not a slip: acknowledged
    assert harness.texts(PATIENT)[-2].startswith("Dank u om dit te vertellen.")
    await harness.say(PATIENT, "11")
    assert harness.texts(PATIENT)[-2] == "Kies een getal van 0 tot 10."
    await harness.done(await harness.api.send_sticker(PATIENT))
    assert harness.texts(PATIENT)[-2].startswith("Dat kan ik helaas niet lezen")
    await harness.say(PATIENT, "/onbekend")
    assert harness.texts(PATIENT)[-2].startswith("Dat commando ken ik niet")
    assert await stored_answers(harness) == []


async def test_a_double_tap_arriving_at_once_is_counted_once(harness: Harness) -> None:
    """Two taps on the same button in one getUpdates batch: handled in order, stored once."""
    await harness.say(PATIENT, "/start", "nl")
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    await harness.no_red_flags(PATIENT)
    await harness.episode_today(PATIENT)
    message = harness.api.last_message(PATIENT)
    data = dict(buttons_of(message))["8"]
    first = await harness.api.tap(PATIENT, message, data)
    second = await harness.api.tap(PATIENT, message, data)
    await harness.done(first)
    await harness.done(second)
    assert await stored_answers(harness) == [("pain", 8, "nl")]
    assert any(t.startswith("Die knop hoort bij een eerdere vraag") for t in harness.texts(PATIENT))


async def test_an_expired_callback_query_still_gets_its_replies(harness: Harness) -> None:
    """answerCallbackQuery fails for old taps ("query is too old"): the bot goes on."""
    await harness.say(PATIENT, "/start", "nl")
    harness.api.fail_next["answerCallbackQuery"] = {
        "error_code": 400,
        "description": "Bad Request: query is too old",
    }
    await harness.tap(PATIENT, "Ja, ik ga akkoord")
    assert harness.texts(PATIENT)[-1].startswith("Hebt u sinds kort moeite met plassen?")
