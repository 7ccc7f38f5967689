"""All red-flag texts say the same thing for the same sign, in both languages (issue #10)."""

from __future__ import annotations

import re

import pytest

from bot.engine.model import Language
from bot.i18n import Catalogs
from bot.triage.rules import WEAKNESS_LEVELS

# sign -> (Dutch words, French words, what every text naming it must also say)
SIGNS = {
    "weakening leg": (
        r"zwakker wordt|wordt zwakker",
        r"devient plus faible",
        ("112", "spoeddienst|urgences"),
    ),
    "spreading numbness": (
        r"doof gevoel.{0,30}uitbreidt|breidt zich uit",
        r"engourdissement.{0,40}s.étend",
        ("112", "spoeddienst|urgences"),
    ),
    "stable leg weakness": (
        r"zwakte in uw been.{0,40}hetzelfde",
        r"faiblesse dans la jambe qui ne change",
        ("48",),
    ),
}


@pytest.mark.parametrize("sign", sorted(SIGNS))
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_a_sign_gets_the_same_advice_everywhere(
    catalogs: Catalogs, sign: str, lang: Language
) -> None:
    nl, fr, musts = SIGNS[sign]
    pattern = re.compile(nl if lang == "nl" else fr, re.IGNORECASE)
    naming = [  # every text that advises on the sign (the screen questions only ask)
        k
        for k in catalogs.keys("")
        if not k.startswith("redflags.") and pattern.search(catalogs.message(lang, k))
    ]
    assert naming, sign
    for key in naming:
        text = catalogs.message(lang, key)
        for must in musts:
            assert re.search(must, text), (key, must)


def test_the_rules_match_the_advice_texts() -> None:
    assert WEAKNESS_LEVELS["worse"] == "urgent"  # "bel meteen 112" for a weakening leg
    assert WEAKNESS_LEVELS["stable"] == "semi_urgent"  # 48 h with a spine surgeon's opinion
