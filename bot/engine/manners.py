"""Free text the bot cannot use as an answer: a kind word, what helps, then the question.

A patient who writes a sentence ("Ik heb zo'n pijn... Kan ik morgen gaan werken?") at a
0-10 question or at the menu is telling us something; an error message ("choose a number
from 0 to 10") would ignore them. They hear instead that the bot cannot answer questions,
what does help (/flare, /advice, their GP, 1733 out of hours, 112 in an emergency), and
then the question again. Short slips ("11", "x") keep the plain error. The red-flag
detector has already read the text by then (an intercept runs before any answer).
"""

from __future__ import annotations

import re

from bot.engine.model import Text

FREE_TEXT = Text("manners.free_text")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more, in any script


def is_free_text(text: str) -> bool:
    """A message rather than a slip: two words or more, or a question."""
    words = _WORD.findall(text)
    return len(words) >= 2 or (bool(words) and "?" in text)
