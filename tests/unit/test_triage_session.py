"""One warning, kept visible, not repeated (issue #10 point 5), in Dutch and French.

An escalation the patient has not acknowledged is shown once; it comes back, first, at
the next session only: the first message of a new day, a reminder, or /help. Never
before every question; an urgent hold keeps repeating its numbers as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.engine import Engine
from bot.engine.callbacks import Flag, pack, unpack_as
from bot.engine.model import Event, StepResult
from bot.i18n import Catalogs
from tests.unit.test_engine import NOW, Talk, onboarded

FEVER = {"nl": "ik heb koorts", "fr": "j'ai de la fièvre"}
YES = {"nl": "Ja", "fr": "Oui"}
NO = {"nl": "Nee", "fr": "Non"}
BLADDER = {"nl": "ik kan niet meer plassen", "fr": "je n'arrive plus à uriner"}


def at(talk: Talk, event: Event, when: datetime) -> StepResult:
    talk.last = talk.engine.step(talk.state, event, when)
    talk.state = talk.last.state
    return talk.last


def semi_urgent_open(engine: Engine, catalogs: Catalogs, lang: str) -> Talk:
    """A fever reported in free text: the 48 h message is shown and not acknowledged."""
    talk = onboarded(engine, catalogs, lang)
    talk.type(FEVER[lang])
    talk.tap(YES[lang])  # the infection screen
    shown = talk.tap(YES[lang])  # fever or chills
    assert talk.msgids(shown)[0] == "escalation.semi_urgent"
    return talk


def ack_keyboards(result: StepResult) -> int:
    """How many messages of this step carry the "I have read this" button."""
    return sum(
        1
        for reply in result.replies
        if any(unpack_as(b.data, Flag) == Flag("ack") for row in reply.buttons for b in row)
    )


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_not_repeated_before_the_next_questions_of_the_same_day(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = semi_urgent_open(engine, catalogs, lang)
    for _ in range(3):
        result = talk.tap(NO[lang])
        assert "escalation.semi_urgent" not in talk.msgids(result)
        assert ack_keyboards(result) == 0
        assert sum(1 for r in result.replies if r.buttons) == 1  # one live keyboard


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_help_shows_the_unread_warning_first_then_the_help_and_the_question(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = semi_urgent_open(engine, catalogs, lang)
    talk.tap(NO[lang])
    result = talk.command("help")
    ids = talk.msgids(result)
    assert ids[:2] == ["escalation.semi_urgent", "help.text"]
    assert ids[-1].startswith("redflags.")  # the waiting question, asked again
    assert ack_keyboards(result) == 1
    assert "1733" in talk.texts(result)[0]
    # the same day, after /help: not again before the next question
    result = talk.tap(NO[lang])
    assert ack_keyboards(result) == 0
    # another /help: shown again (the patient asked for help)
    assert talk.msgids(talk.command("help"))[0] == "escalation.semi_urgent"


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_next_day_and_reminder_show_it_again_until_it_is_acknowledged(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = semi_urgent_open(engine, catalogs, lang)
    next_day = at(talk, Event("text", text=NO[lang]), NOW + timedelta(days=1))
    assert talk.msgids(next_day)[0] == "escalation.semi_urgent"
    assert ack_keyboards(next_day) == 1
    later = at(talk, Event("text", text=NO[lang]), NOW + timedelta(days=1, hours=1))
    assert ack_keyboards(later) == 0  # the same session
    reminder = at(talk, Event("reminder", text="nudge", arg="99"), NOW + timedelta(days=1, hours=5))
    assert talk.msgids(reminder)[0] == "escalation.semi_urgent"
    at(talk, Event("choice", text=pack(Flag("ack"))), NOW + timedelta(days=1, hours=5))
    for event in (Event("text", text=NO[lang]), Event("command", text="help")):
        result = at(talk, event, NOW + timedelta(days=3))
        assert ack_keyboards(result) == 0
        assert "escalation.semi_urgent" not in talk.msgids(result)


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_an_urgent_hold_keeps_repeating_its_numbers_at_help(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = onboarded(engine, catalogs, lang)
    talk.type(BLADDER[lang])
    shown = talk.tap(YES[lang])
    assert talk.msgids(shown)[0] == "escalation.urgent"
    result = talk.command("help")
    assert talk.msgids(result) == [
        "help.text",
        "escalation.still_urgent",
        "escalation.seen_question",
    ]
    result = at(talk, Event("text", text="?"), NOW + timedelta(days=1))
    assert talk.msgids(result) == ["escalation.still_urgent", "escalation.seen_question"]


def test_a_new_day_begins_at_midnight_in_brussels_not_in_utc(
    engine: Engine, catalogs: Catalogs
) -> None:
    talk = onboarded(engine, catalogs, "nl")
    evening = NOW.replace(hour=21, minute=30)  # 22:30 in Brussels (UTC+1 in March)
    at(talk, Event("text", text=FEVER["nl"]), evening)
    at(talk, Event("choice", text=dict(talk.buttons())["Ja"]), evening)
    shown = at(talk, Event("choice", text=dict(talk.buttons())["Ja"]), evening)
    assert talk.msgids(shown)[0] == "escalation.semi_urgent"
    late = at(talk, Event("text", text="nee"), evening + timedelta(hours=1))  # 23:30
    assert ack_keyboards(late) == 0
    # 00:30 in Brussels (still the same day in UTC): a new day, a new session
    after_midnight = at(talk, Event("text", text="nee"), evening + timedelta(hours=2))
    assert talk.msgids(after_midnight)[0] == "escalation.semi_urgent"
