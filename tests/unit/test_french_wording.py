"""French wording of our own texts: idiom fixes and one typography for « ? » and « ! »."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT

FR = PROJECT_ROOT / "messages" / "fr" / "LC_MESSAGES" / "messages.po"
BILINGUAL = {"onboarding.language"}  # the language question is asked in both languages


def own_texts() -> dict[str, str]:
    """French msgstrs written by us: validated instrument texts are left verbatim."""
    with FR.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id
        and m.id not in BILINGUAL
        and not any(c.startswith(("verbatim", "secondary")) for c in m.auto_comments)
    }


def test_a_space_before_every_question_and_exclamation_mark() -> None:
    glued = {msgid: text for msgid, text in own_texts().items() if re.search(r"\S[?!]", text)}
    assert not glued


@pytest.mark.parametrize(
    "calque", ["aller à selle", "Dites-y", "aussi sur votre moral", "n'est pas abîmé"]
)
def test_calques_and_verdicts_are_gone(calque: str) -> None:
    assert not [msgid for msgid, text in own_texts().items() if calque in text]
