"""Sciatica appearing at a check-in, on the Telegram path (the real Application, the fake
Bot API, a moved clock): the re-check question, the alarm signs, the stored track."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.scheduler import dispatch_due
from bot.store.models import Episode, Reminder
from bot.telegram.app import telegram_sender
from bot.telegram.convert import CHANNEL
from tests.e2e.conftest import Harness
from tests.e2e.test_red_flags import msg
from tests.fake_bot_api import buttons_of
from tests.followup_helpers import only_checkins

PATIENT = 6464
CHECKIN_DUE = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


async def back_pain_patient(harness: Harness, language: str) -> None:
    """The intake: an episode 1-2 weeks old, back pain, NRS 7; only check-ins planned."""
    await harness.say(PATIENT, "/start", language)
    await harness.tap(PATIENT, msg(harness, language, "onboarding.consent_yes"), language)
    await harness.no_red_flags(PATIENT, language)
    for msgid in ("episode.onset_1_2_weeks", "episode.pain_type_back", "answer.no"):
        await harness.tap(PATIENT, msg(harness, language, msgid), language)
    await harness.tap(PATIENT, "7", language)
    await harness.say(PATIENT, "/cancel", language)
    await only_checkins(harness.runtime)


async def screen_only(harness: Harness, language: str) -> None:
    """Answer "no" to the red-flag questions, stopping at the radicular re-check."""
    no = msg(harness, language, "answer.no")
    question = msg(harness, language, "radicular_check.below_knee")
    while not harness.texts(PATIENT)[-1].endswith(question):  # under the previous answer
        assert no in dict(buttons_of(harness.api.last_message(PATIENT)))
        await harness.tap(PATIENT, no, language)


@pytest.mark.parametrize("language", ["nl", "fr"])
async def test_sciatica_at_a_check_in_on_telegram(
    harness: Harness, clock: FrozenClock, language: str
) -> None:
    await back_pain_patient(harness, language)
    clock.set(CHECKIN_DUE)
    sender = telegram_sender(harness.runtime, harness.app.bot)
    await dispatch_due(harness.runtime, sender, CHANNEL)
    await screen_only(harness, language)
    labels = [label for label, _ in buttons_of(harness.api.last_message(PATIENT))]
    assert labels == [msg(harness, language, "answer.yes"), msg(harness, language, "answer.no")]
    before = len(harness.texts(PATIENT))
    await harness.say(PATIENT, "misschien" if language == "nl" else "peut-être", language)
    assert harness.texts(PATIENT)[before:] == [
        msg(harness, language, "redflags.unclear_answer"),
        msg(harness, language, "radicular_check.below_knee"),
    ]
    before = len(harness.texts(PATIENT))
    await harness.say(PATIENT, "ja" if language == "nl" else "oui", language)
    told = harness.texts(PATIENT)[before]
    assert told.startswith(msg(harness, language, "radicular_check.switched"))
    assert msg(harness, language, "radicular_check.alarms") in told
    assert msg(harness, language, "nrs.pain") in harness.texts(PATIENT)[-1]  # the check-in goes on
    await harness.tap(PATIENT, "5", language)
    await harness.tap(PATIENT, msg(harness, language, "checkin.better"), language)
    day = "23 maart 2026" if language == "nl" else "23 mars 2026"  # a week after the switch
    assert any(day in text for text in harness.texts(PATIENT)[before:])

    async with harness.runtime.db.session() as session:
        episode = (await session.execute(select(Episode))).scalar_one()
        planned = (
            await session.execute(
                select(Reminder.due_at)
                .where(Reminder.kind == "checkin", Reminder.status == "planned")
                .order_by(Reminder.due_at)
            )
        ).scalars()
        first = next(iter(planned))
    assert episode.pain_type == "radicular"
    assert first.replace(tzinfo=UTC) == datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
