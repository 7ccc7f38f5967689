"""Red-flag escalation on the Telegram path, one urgent and one semi-urgent per language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.store.models import RedFlag
from tests.e2e.conftest import Harness
from tests.fake_bot_api import buttons_of

PATIENT = 7373


def msg(harness: Harness, language: str, msgid: str) -> str:
    return harness.runtime.catalogs.message(language, msgid)  # type: ignore[arg-type]


async def flags(harness: Harness) -> list[RedFlag]:
    async with harness.runtime.db.session() as session:
        return list((await session.execute(select(RedFlag).order_by(RedFlag.id))).scalars())


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_urgent_flag_at_intake(harness: Harness, language: str) -> None:
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, msg(harness, language, "onboarding.consent_yes"), language)
    before = len(harness.texts(PATIENT))
    await harness.tap(PATIENT, msg(harness, language, "answer.yes"), language)  # urgent
    new = harness.texts(PATIENT)[before:]
    assert len(new) == 1 and "112" in new[0]  # the escalation, and nothing after it
    [flag] = await flags(harness)
    assert (flag.level, flag.cluster, flag.answers) == ("urgent", "neuro", {"neuro_bladder": True})
    assert flag.shown_at is not None and flag.acknowledged_at is None
    await harness.tap(PATIENT, msg(harness, language, "escalation.ack_button"), language)
    assert harness.texts(PATIENT)[-1] == msg(harness, language, "escalation.seen_question")
    [flag] = await flags(harness)
    assert flag.acknowledged_at is not None and flag.seen_by_doctor_at is None
    await harness.say(PATIENT, "7", language)  # anything else: the numbers again
    assert harness.texts(PATIENT)[-2] == msg(harness, language, "escalation.still_urgent")


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_semi_urgent_flag_from_free_text(harness: Harness, language: str) -> None:
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, msg(harness, language, "onboarding.consent_yes"), language)
    await harness.no_red_flags(PATIENT, language)
    fever = "ik heb koorts" if language == "nl" else "j'ai de la fièvre"
    await harness.say(PATIENT, fever, language)
    assert harness.texts(PATIENT)[-1] == msg(harness, language, "redflags.inf_screen")
    yes = msg(harness, language, "answer.yes")
    await harness.tap(PATIENT, yes, language)  # the screen
    before = len(harness.texts(PATIENT))
    await harness.tap(PATIENT, yes, language)  # fever or chills
    new = harness.texts(PATIENT)[before:]
    assert "1733" in new[0] and "48" in new[0]
    assert new[1] == msg(harness, language, "redflags.inf_sweats")  # then the next question
    [flag] = await flags(harness)
    assert (flag.level, flag.cluster, flag.source) == ("semi_urgent", "infection", "free_text")
    assert flag.answers == {"inf_fever": True}


TYPED_NO = {"nl": "Nee, ik kan gewoon plassen", "fr": "non, pas de souci pour uriner"}


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_a_typed_no_is_a_no_on_telegram(harness: Harness, language: str) -> None:
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, msg(harness, language, "onboarding.consent_yes"), language)
    await harness.say(PATIENT, TYPED_NO[language], language)
    assert harness.texts(PATIENT)[-1] == msg(harness, language, "redflags.neuro_saddle")
    assert await flags(harness) == []
    await harness.say(PATIENT, "misschien" if language == "nl" else "peut-être", language)
    texts = harness.texts(PATIENT)
    assert texts[-2:] == [
        msg(harness, language, "redflags.unclear_answer"),
        msg(harness, language, "redflags.neuro_saddle"),
    ]
    await harness.say(PATIENT, "nee hoor" if language == "nl" else "pas du tout", language)
    assert harness.texts(PATIENT)[-1] == msg(harness, language, "redflags.neuro_widespread")
    assert await flags(harness) == []


def ack_messages(harness: Harness, language: str, since: int) -> list[dict[str, object]]:
    """Messages sent from index `since` on that carry the "I have read this" button."""
    label = msg(harness, language, "escalation.ack_button")
    return [
        c.params["_result"]
        for c in harness.api.sent(PATIENT)[since:]
        if any(text == label for text, _ in buttons_of(c.params["_result"]))
    ]


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_one_warning_kept_visible_on_telegram(
    harness: Harness, clock: FrozenClock, language: str
) -> None:
    """Shown once; again at /help and on the next day; never before every question."""
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, msg(harness, language, "onboarding.consent_yes"), language)
    await harness.no_red_flags(PATIENT, language)
    fever = "ik heb koorts" if language == "nl" else "j'ai de la fièvre"
    await harness.say(PATIENT, fever, language)
    yes, no = msg(harness, language, "answer.yes"), msg(harness, language, "answer.no")
    await harness.tap(PATIENT, yes, language)
    before = len(harness.texts(PATIENT))
    await harness.tap(PATIENT, yes, language)  # the 48 h message, not acknowledged
    assert len(ack_messages(harness, language, before)) == 1
    before = len(harness.texts(PATIENT))
    for _ in range(2):  # the next questions: no copy of the warning
        await harness.tap(PATIENT, no, language)
    assert ack_messages(harness, language, before) == []
    before = len(harness.texts(PATIENT))
    await harness.say(PATIENT, "/help", language)
    new = harness.texts(PATIENT)[before:]
    assert "1733" in new[0] and new[1] == msg(harness, language, "help.text")
    assert len(ack_messages(harness, language, before)) == 1
    clock.set(clock.now() + timedelta(days=1))
    before = len(harness.texts(PATIENT))
    await harness.tap(PATIENT, no, language)
    [warning] = ack_messages(harness, language, before)
    assert "1733" in harness.texts(PATIENT)[before]
    data = dict(buttons_of(warning))[msg(harness, language, "escalation.ack_button")]
    await harness.done(await harness.api.tap(PATIENT, warning, data, language))
    assert msg(harness, language, "escalation.ack_semi") in harness.texts(PATIENT)
    [flag] = await flags(harness)
    assert flag.acknowledged_at is not None
    clock.set(clock.now() + timedelta(days=1))
    before = len(harness.texts(PATIENT))
    await harness.say(PATIENT, "/help", language)
    assert ack_messages(harness, language, before) == []
