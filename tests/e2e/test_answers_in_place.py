"""An answer costs two Bot API calls (issue #15): the tap's answerCallbackQuery and one
edit that shows the next question in place of the answered one, with the answer given on
top (bot/delivery/outbox.py, "Edits in place"). Crash-safe, with a fallback, and never
over a red flag's message or a text the patient agreed to."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.clock import FrozenClock
from bot.engine.model import Text
from bot.store.models import Answer, OutboxMessage, Response
from tests.e2e.conftest import Harness, running_bot
from tests.e2e.test_delivery_telegram import CountingLimiter
from tests.fake_bot_api import Call, FakeBotApi, buttons_of

PATIENT = 6262


def said(harness: Harness, msgid: str, **params: Any) -> str:
    return harness.runtime.catalogs.render("nl", Text(msgid, params))


async def at_the_red_flag_screen(harness: Harness) -> dict[str, Any]:
    """/start and consent: the first red-flag question is on screen; returns it."""
    await harness.say(PATIENT, "/start")
    await harness.tap(PATIENT, said(harness, "onboarding.consent_yes"))
    return harness.api.last_message(PATIENT)


async def tap_counting(harness: Harness, label: str) -> list[Call]:
    """Tap `label` on the chat's last message; the Bot API calls the tap cost."""
    before = len(harness.api.calls)
    await harness.tap(PATIENT, label)
    return [c for c in harness.api.calls[before:] if c.method != "getUpdates"]


async def red_flag_answers(harness: Harness) -> int:
    async with harness.runtime.db.session() as session:
        query = select(Answer).join(Response).where(Response.flow == "redflags")
        return len((await session.execute(query)).scalars().all())


async def live_rows(harness: Harness) -> list[tuple[int | None, int | None]]:
    """(message_id, edits) of the chat's rows whose keyboard is live."""
    async with harness.runtime.db.session() as session:
        query = select(OutboxMessage.message_id, OutboxMessage.edits).where(
            OutboxMessage.chat == str(PATIENT), OutboxMessage.keyboard_live.is_(True)
        )
        return [(m, e) for m, e in await session.execute(query)]


async def test_each_answer_costs_two_calls_and_the_next_question_takes_its_place(
    harness: Harness,
) -> None:
    question = await at_the_red_flag_screen(harness)
    no = said(harness, "answer.no")
    costs, texts = [], []
    while any(label == no for label, _ in buttons_of(harness.api.last_message(PATIENT))):
        shown = harness.api.last_message(PATIENT)
        calls = await tap_counting(harness, no)
        costs.append([c.method for c in calls])
        edited = harness.api.last_message(PATIENT)
        assert edited["message_id"] == question["message_id"]  # the same message, asked anew
        assert buttons_of(edited) and buttons_of(edited) != buttons_of(shown)
        texts.append(edited["text"])
    assert costs == [["answerCallbackQuery", "editMessageText"]] * len(costs)
    assert len(costs) == await red_flag_answers(harness) == 12
    mark = said(harness, "choice.previous", choice=no) + "\n\n"
    assert texts[0] == mark + said(harness, "redflags.neuro_saddle")
    assert all(t.startswith(mark) for t in texts)  # the answer given stays in view
    assert await live_rows(harness) == [(question["message_id"], question["message_id"])]
    # the privacy text the patient agreed to stays, marked with the answer; not replaced
    privacy = said(harness, "onboarding.privacy")
    [consent] = [m for m in harness.api.messages.values() if m["text"].startswith(privacy)]
    assert consent["text"].endswith(said(harness, "choice.marked", choice="Ja, ik ga akkoord"))
    assert "reply_markup" not in consent


async def test_a_red_flag_message_is_never_replaced(harness: Harness) -> None:
    question = await at_the_red_flag_screen(harness)
    calls = await tap_counting(harness, said(harness, "answer.yes"))  # urgent: bladder
    assert [c.method for c in calls[:3]] == [
        "answerCallbackQuery",
        "editMessageText",  # the answer marked under the question
        "sendMessage",  # the urgent message, a message of its own
    ]
    assert "Bel nu 112" in calls[2].params["text"]
    marked = harness.api.messages[(PATIENT, question["message_id"])]
    assert marked["text"].endswith("✓ Ja") and "reply_markup" not in marked
    escalation = calls[2].params["_result"]
    await harness.tap(PATIENT, said(harness, "escalation.ack_button"))
    after = harness.api.messages[(PATIENT, escalation["message_id"])]
    assert after["text"] == escalation["text"]  # still there, word for word
    assert not [
        c
        for c in harness.api.calls
        if c.method == "editMessageText" and c.params["message_id"] == escalation["message_id"]
    ]


async def test_an_edit_replayed_after_a_restart_counts_as_delivered(
    database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    """Telegram made the edit but its answer never came back; the process stops. The next
    one sends the same edit again: "message is not modified" means delivered, and no
    second copy of the question appears."""
    api = FakeBotApi()
    async with running_bot(api, database_url, clock, tmp_path) as harness:
        question = await at_the_red_flag_screen(harness)
        api.lose_next.add("editMessageText")
        await harness.tap(PATIENT, said(harness, "answer.no"))
        assert await live_rows(harness) == []  # not confirmed: kept for a retry
    shown = api.last_message(PATIENT)
    assert shown["message_id"] == question["message_id"] and buttons_of(shown)
    clock.advance(timedelta(seconds=5))  # the retry's backoff
    async with running_bot(api, database_url, clock, tmp_path) as harness:
        mid = question["message_id"]
        edits = [
            c for c in api.calls if c.method == "editMessageText" and c.params["message_id"] == mid
        ]
        assert len(edits) == 2  # the one whose answer was lost, and its repeat
        assert edits[0].params["text"] == edits[1].params["text"]
        assert "_result" not in edits[1].params  # refused: not modified
        sends = [c for c in api.calls if c.method == "sendMessage"]
        assert sends[-1].params["_result"]["message_id"] == question["message_id"]  # no copy
        assert await live_rows(harness) == [(question["message_id"], question["message_id"])]
        await harness.tap(PATIENT, said(harness, "answer.no"))  # the patient goes on
        assert api.last_message(PATIENT)["message_id"] == question["message_id"]
        assert await red_flag_answers(harness) == 2


async def test_an_edit_refused_goes_out_as_a_new_message(harness: Harness) -> None:
    question = await at_the_red_flag_screen(harness)
    counting = CountingLimiter()
    harness.app.bot_data["sender"].limiter = counting
    harness.api.fail_next["editMessageText"] = {
        "error_code": 400,
        "description": "Bad Request: message to edit not found",
    }
    calls = await tap_counting(harness, said(harness, "answer.no"))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert counting.turns == 2  # the refused edit and the message: each at the send rate
    new = harness.api.last_message(PATIENT)
    assert new["message_id"] != question["message_id"]
    no = said(harness, "answer.no")
    assert new["text"] == said(harness, "choice.previous", choice=no) + "\n\n" + said(
        harness, "redflags.neuro_saddle"
    )
    assert await live_rows(harness) == [(new["message_id"], question["message_id"])]
    calls = await tap_counting(harness, no)  # and the next answer edits the new message
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[1].params["message_id"] == new["message_id"]


async def test_stale_and_repeated_taps_on_a_replaced_question_change_no_answer(
    harness: Harness,
) -> None:
    question = await at_the_red_flag_screen(harness)
    no = dict(buttons_of(question))[said(harness, "answer.no")]
    update = harness.api.tap_update(PATIENT, question, no)
    await harness.done(await harness.api.push(update))
    replaced = harness.api.last_message(PATIENT)
    # Telegram delivers the same tap again: nothing changes, nothing is sent
    calls = len(harness.api.calls)
    await harness.done(await harness.api.push(dict(update)))
    assert [c.method for c in harness.api.calls[calls:] if c.method != "getUpdates"] == []
    # a tap on the old buttons (the first question's): a kind note and the current
    # question again; the replaced message loses its keyboard, one keyboard stays live
    await harness.done(await harness.api.tap(PATIENT, question, no))
    texts = harness.texts(PATIENT)
    assert texts[-2].startswith(said(harness, "error.stale_button")[:20])
    assert texts[-1] == said(harness, "redflags.neuro_saddle")
    assert "reply_markup" not in harness.api.messages[(PATIENT, replaced["message_id"])]
    current = harness.api.last_message(PATIENT)["message_id"]
    assert [m for m, _ in await live_rows(harness)] == [current]
    assert await red_flag_answers(harness) == 1
