"""A typed answer to a red-flag screen question: yes, no, or ask again.

The answer word decides first (bot/triage/yesno.py); a sentence without one is read by
the free-text detector. A "no" whose sentence states the very symptom asked about
("nee, ik kan niet plassen") is not clear: the question is asked again, with its buttons,
rather than guessed either way.
"""

from __future__ import annotations

from bot.triage.freetext import analyse, denied
from bot.triage.lexicon import Lang
from bot.triage.yesno import read_yes_no


def screen_answer(text: str, lang: Lang, group: str | None) -> bool | None:
    """True (yes), False (no) or None (unclear) for a question of red-flag `group`."""
    reading = read_yes_no(text)
    stated = group is not None and group in analyse(text, lang).clusters
    if reading is True:
        return True
    if reading is False:
        return None if stated else False
    if stated:
        return True
    if group is not None and group in denied(text, lang):
        return False
    return None
