"""Manners in the engine: free text is acknowledged, and any copy of the current
question can be tapped (nl and fr)."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Event
from bot.engine.manners import is_free_text
from bot.engine.model import AnswerGiven
from bot.engine.serial import state_from_json, state_to_json
from bot.i18n import Catalogs
from tests.unit.test_engine import Talk, onboarded

SENTENCE = {
    "nl": "Ik heb zo'n pijn… Kan ik morgen gaan werken?",
    "fr": "J'ai tellement mal… Est-ce que je peux aller travailler demain ?",
}
LANGUAGES = ("nl", "fr")


def answers(result: object) -> list[tuple[str, object]]:
    return [(e.item, e.value) for e in result.effects if isinstance(e, AnswerGiven)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sentence_at_a_scale_is_acknowledged_then_the_question_comes_again(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = onboarded(engine, catalogs, lang)
    result = talk.type(SENTENCE[lang])
    assert talk.msgids(result) == ["manners.free_text", "nrs.pain", "scale.anchors"]
    kind = talk.texts(result)[0]
    assert all(word in kind for word in ("/flare", "/advice", "1733", "112"))
    assert result.effects == ()
    assert result.replies[-1].buttons  # the question with its buttons, again


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_slip_keeps_the_plain_error(engine: Engine, catalogs: Catalogs, lang: str) -> None:
    talk = onboarded(engine, catalogs, lang)
    result = talk.type("11")
    assert talk.msgids(result)[0] == "error.scale_range"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sentence_at_the_menu_is_acknowledged(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = onboarded(engine, catalogs, lang)
    talk.command("cancel")  # the NRS stops; the intake goes on
    while talk.state.top is not None:
        talk.command("cancel")
    result = talk.type(SENTENCE[lang])
    assert talk.msgids(result) == ["manners.free_text", "menu.prompt"]
    assert result.replies[-1].buttons


@pytest.mark.parametrize("lang", LANGUAGES)
def test_red_flag_words_still_go_to_triage_first(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = onboarded(engine, catalogs, lang)
    text = {
        "nl": "Ik heb zo'n pijn en ik kan niet meer plassen. Kan ik morgen werken?",
        "fr": "J'ai tellement mal et je n'arrive plus à uriner. Je peux travailler demain ?",
    }[lang]
    result = talk.type(text)
    assert "manners.free_text" not in talk.msgids(result)
    assert any(key.startswith(("redflags.", "triage.")) for key in talk.msgids(result))


def test_what_counts_as_free_text() -> None:
    assert is_free_text("Ik heb zo'n pijn")
    assert is_free_text("werken?")
    assert not is_free_text("11")
    assert not is_free_text("x")
    assert not is_free_text("zeven")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_tap_on_an_older_copy_of_the_current_question_is_accepted(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = onboarded(engine, catalogs, lang)
    first_copy = dict(talk.buttons())
    talk.type(SENTENCE[lang])  # asked again: a second copy on screen
    talk.command("help")  # and a third
    second_copy = dict(talk.buttons())
    assert first_copy["7"] != second_copy["7"]  # each message has its own number
    # the position survives a restart (state stored as JSON)
    talk.state = state_from_json(state_to_json(talk.state))
    result = talk.send(Event("choice", text=first_copy["7"]))
    assert answers(result) == [("pain", 7)]
    # once answered, no copy of that question counts any more
    again = talk.send(Event("choice", text=second_copy["5"]))
    assert again.effects == () and talk.msgids(again)[0] == "error.stale_button"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_copy_from_before_an_interruption_is_accepted(
    engine: Engine, catalogs: Catalogs, lang: str
) -> None:
    talk = onboarded(engine, catalogs, lang)
    before = dict(talk.buttons())
    talk.command("language")  # an interruption: another question on top
    talk.tap("Nederlands" if lang == "nl" else "Français")
    assert talk.msgids()[-2:] == ["nrs.pain", "scale.anchors"]
    result = talk.send(Event("choice", text=before["4"]))
    assert answers(result) == [("pain", 4)]


def test_a_tap_on_a_question_left_behind_is_stale(engine: Engine, catalogs: Catalogs) -> None:
    talk = onboarded(engine, catalogs, "nl")
    nrs = dict(talk.buttons())
    talk.tap("6")
    comi = dict(talk.buttons())
    result = talk.send(Event("choice", text=nrs["3"]))
    assert result.effects == () and talk.msgids(result)[0] == "error.stale_button"
    assert talk.send(Event("choice", text=next(iter(comi.values())))).effects != ()


def test_before_consent_a_sentence_gets_the_plain_error(engine: Engine, catalogs: Catalogs) -> None:
    talk = Talk(engine, catalogs)
    talk.start("nl")
    result = talk.type("Wat gebeurt er met mijn gegevens?")
    assert "manners.free_text" not in talk.msgids(result)  # /flare and /advice need consent
    assert talk.msgids(result)[-1] == "onboarding.privacy"
