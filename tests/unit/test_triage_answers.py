"""Typed answers to yes/no questions: yes, no or unclear, in Dutch and French (issue #10)."""

from __future__ import annotations

import pytest

from bot.triage.answers import screen_answer
from bot.triage.lexicon import Lang
from bot.triage.yesno import read_yes_no

YES = [
    "ja",
    "Ja!",
    "ja hoor",
    "jawel",
    "klopt",
    "Dat klopt",
    "inderdaad",
    "zeker",
    "een beetje",
    "oui",
    "Oui.",
    "ouais",
    "euh oui",
    "tout à fait",
    "exactement",
    "un peu",
    "parfois",
    "👍",
]
NO = [
    "nee",
    "Nee.",
    "neen",
    "nee hoor",
    "Neen hoor",
    "helemaal niet",
    "geen",
    "n",
    "non",
    "Non !",
    "pas du tout",
    "bah non",
    "ben non",
    "absolument pas",
    "jamais",
    "👎",
]
UNCLEAR = [
    "misschien",
    "weet ik niet",
    "niet echt",
    "ja nee",
    "ok",
    "peut-être",
    "je ne sais pas",
    "pas vraiment",
    "pas mal",
    "bof",
    "",
    "   ",
    "7",
    "j'ai de la fièvre",
    "ik kan gewoon plassen",
]


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    assert read_yes_no(text) is True


@pytest.mark.parametrize("text", NO)
def test_no(text: str) -> None:
    assert read_yes_no(text) is False


@pytest.mark.parametrize("text", UNCLEAR)
def test_unclear(text: str) -> None:
    assert read_yes_no(text) is None


SCREEN: list[tuple[Lang, str, str, bool | None]] = [
    # the examples: a clear "no" naming the symptom stays a no
    ("nl", "Nee, ik kan gewoon plassen", "neuro", False),
    ("fr", "non, pas de souci pour uriner", "neuro", False),
    ("nl", "nee hoor, plassen gaat prima", "neuro", False),
    ("fr", "Non, je n'ai aucun problème pour uriner", "neuro", False),
    # sentences without an answer word: the detector reads them
    ("nl", "ik heb geen koorts", "infection", False),
    ("nl", "ik ben niet gevallen", "trauma", False),
    ("fr", "pas de fièvre", "infection", False),
    ("fr", "aucune chute", "trauma", False),
    ("fr", "jamais eu de cancer", "pathological", False),
    ("nl", "ik kan sinds gisteren niet meer plassen", "neuro", True),
    ("fr", "je ne contrôle plus ma vessie", "neuro", True),
    ("nl", "ja, ik kan niet goed plassen", "neuro", True),
    ("nl", "klopt, mijn voet sleept", "weakness", True),
    # a "no" that states the very symptom is not clear: asked again, never guessed
    ("nl", "nee, ik kan niet plassen", "neuro", None),
    ("fr", "non je n'arrive plus à uriner", "neuro", None),
    # neither an answer nor a symptom
    ("nl", "ik kan gewoon plassen", "neuro", None),
    ("fr", "je sais pas trop", "infection", None),
]


@pytest.mark.parametrize(("lang", "text", "group", "expected"), SCREEN)
def test_screen_answers(lang: Lang, text: str, group: str, expected: bool | None) -> None:
    assert screen_answer(text, lang, group) is expected
