"""Read a typed answer to a yes/no question as yes, no, or unclear (Dutch and French).

Only the start of the message decides ("nee, ik kan gewoon plassen" is a no, whatever the
rest names); a message that is only an answer word at its end counts too ("koorts? nee").
Both languages are read for every patient: Brussels patients mix them. Hedges ("niet
echt", « pas vraiment ») and doubts ("weet ik niet", « peut-être ») are unclear: the
question is asked again with its buttons, never guessed. A little of a symptom ("een
beetje", « parfois ») is a yes.
"""

from __future__ import annotations

from bot.triage.freetext import plain

# All in the plain form of freetext.plain (no accents, apostrophes as spaces).
# fmt: off
YES = frozenset({
    "ja", "jawel", "jaja", "ja ja", "ja hoor", "jazeker", "ja zeker", "jep", "jup", "yes", "yep",
    "zeker", "zeker wel", "klopt", "dat klopt", "klopt wel", "inderdaad", "juist", "correct",
    "dat is zo", "dat is juist", "ja dat klopt", "allez ja", "awel ja", "wel ja",
    "een beetje", "beetje", "soms", "af en toe", "een klein beetje",
    "oui", "ouais", "ouai", "oui oui", "ouep", "si", "exact", "exactement", "c est ca",
    "c est exact", "c est vrai", "effectivement", "absolument", "tout a fait", "bien sur",
    "en effet", "affirmatif", "un peu", "parfois", "de temps en temps", "un petit peu",
})
NO = frozenset({
    "nee", "neen", "nein", "no", "nope", "nee hoor", "neen hoor", "nee nee", "neenee",
    "helemaal niet", "zeker niet", "absoluut niet", "totaal niet", "helemaal niks",
    "helemaal niets", "allerminst", "neeje", "nenee", "nee dank u",
    "non", "nan", "non non", "pas du tout", "absolument pas", "certainement pas",
    "rien du tout", "bien sur que non", "non merci", "du tout",
})
#: a negation word alone is a no; followed by more words it starts a sentence that is read
#: as a whole ("geen koorts" is a no, "geen gevoel meer tussen mijn benen" a symptom)
BARE_NO = frozenset({
    "niet", "geen", "gene", "nooit", "niks", "niets", "nergens", "nie",
    "pas", "jamais", "aucun", "aucune", "nullement", "rien",
})
#: one letter is an answer only on its own ("j" also starts « j'ai de la fièvre »)
LETTERS = {"j": True, "o": True, "y": True, "n": False}
UNCLEAR = frozenset({
    "niet echt", "niet zo", "niet zeker", "weet niet", "weet ik niet", "ik weet het niet",
    "ik weet niet", "geen idee", "misschien", "ik denk het", "denk het", "denk het niet",
    "ik denk het niet", "ja nee", "nee ja", "ja en nee", "soms wel soms niet", "ok", "oke",
    "okay", "goed", "ik twijfel", "twijfel",
    "pas vraiment", "pas trop", "pas sur", "pas sure", "je sais pas", "je ne sais pas",
    "sais pas", "aucune idee", "peut etre", "je crois", "je pense", "je crois pas",
    "je ne crois pas", "je pense pas", "je ne pense pas", "oui et non", "oui non", "non oui",
    "d accord", "bof", "je doute", "pas mal",
})
FILLERS = frozenset({
    "euh", "euhm", "eh", "ehm", "hmm", "hm", "ah", "oh", "bah", "ben", "bon", "alors", "tja",
    "awel", "allez", "nou", "tsja", "ha", "he", "mm", "mmm", "mja", "welja",
})
# fmt: on
_THUMBS_UP = ("👍", "✅", "✔")
_THUMBS_DOWN = ("👎", "❌", "✖")
_LONGEST = 4  # words in the longest phrase above


def _leading(words: list[str]) -> bool | str | None:
    """The answer the first words give: True, False, None (unclear) or "" (none found)."""
    while words and words[0] in FILLERS:
        words = words[1:]
    if len(words) == 1 and words[0] in LETTERS:
        return LETTERS[words[0]]
    for size in range(min(_LONGEST, len(words)), 0, -1):
        phrase = " ".join(words[:size])
        if phrase in UNCLEAR:
            return None
        if phrase in YES:
            return True
        if phrase in NO or (phrase in BARE_NO and len(words) == 1):
            return False
    return ""


def read_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when the message does not clearly say which."""
    raw = text.strip()
    up, down = any(s in raw for s in _THUMBS_UP), any(s in raw for s in _THUMBS_DOWN)
    if up != down:
        return up
    clauses: list[list[str]] = [[]]
    for token in plain(raw).split():
        if token in ".,;:!?\n":
            clauses.append([])
        else:
            clauses[-1].append(token)
    clauses = [c for c in clauses if c]
    if not clauses:
        return None
    first = _leading(clauses[0])
    if first != "":
        return first if isinstance(first, bool) else None
    last = clauses[-1]
    if len(clauses) > 1 and len(last) <= 2:
        answer = _leading(last)
        if isinstance(answer, bool):
            return answer
    return None
