"""Guardrail against harmful back-pain messages (KCE report 295, Kader 2).

This module is the ONE place holding the banned patterns, in Dutch and French. A test
scans every catalog text with ``find_harmful``; texts of validated questionnaires
are exempt there, because they must stay verbatim (the COMI item about "the rest of
your life" is an example).

Matching is case- and accent-insensitive: text and patterns are compared after
``casefold`` and removal of accents, so patterns are written without accents.

Negation rule: some ideas are harmful as statements but helpful when denied
("pijn betekent niet dat uw rug beschadigd is" is Kader 3). For the
patterns marked ``negatable`` (damage, wear, weakened), a match is allowed when a
negation word (``NEGATIONS``) occurs among the ``NEGATION_WINDOW`` words before it
in the same clause (clauses end at . , ; : ! ? and line breaks), e.g. "betekent
niet dat uw rug beschadigd is". All other patterns are never allowed, because a
denial still plants the idea ("u komt niet in een rolstoel") or because the harmful
phrase is itself negative ("niet bukken"). Known limits: a negation that is part of
an unrelated phrase in the same clause also allows the match, and the Dutch word
"pas" (= "only") counts as the French negation « pas ».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NEGATIONS = frozenset(
    {"niet", "geen", "nooit", "nergens", "pas", "jamais", "aucun", "aucune", "rien", "sans", "ni"}
)
NEGATION_WINDOW = 6

_W = r"(?:[\w']+\s+)"  # one word and the spaces after it
_CLAUSE_END = re.compile(r"[.,;:!?\n]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class HarmfulPattern:
    name: str
    regex: re.Pattern[str]
    negatable: bool = False


def _pattern(name: str, *alternatives: str, negatable: bool = False) -> HarmfulPattern:
    return HarmfulPattern(name, re.compile("|".join(alternatives)), negatable)


PATTERNS: tuple[HarmfulPattern, ...] = (
    _pattern(
        "damage",
        r"\bbeschadig\w*",
        r"\bschade\b",
        r"\babim(?:e|ee|es|ees|er)\b",
        r"\bendommag\w*",
        r"\bles(?:e|ee|es|ees)\b",
        negatable=True,
    ),
    # "Your back is not damaged" is a diagnosis the bot cannot make (Kader 3 says "pain
    # does not mean that your back is damaged").
    _pattern(
        "no_damage_verdict",
        r"\brug\s+is\s+(?:helemaal\s+)?niet\s+(?:beschadigd|kapot)",
        r"\bdos\s+n'est\s+pas\s+(?:abime|endommage|lese)",
    ),
    _pattern(
        "wear",
        r"\bslijtage\b",
        r"\b(?:ver)?slijt(?:en|t)?\b",
        r"\bversleten\b",
        r"\busure\b",
        r"\bus(?:e|ee|es|ees|ent)\b",
        negatable=True,
    ),
    _pattern(
        "degeneration_label",
        r"\bdegenerat\w*",
        r"\bdegenerescence\b",
        r"\bartrose\b",
        r"\barthrose\b",
        r"\b(?:discus)?hernia\b",
        r"\bhernie\b",
        r"\bprotrusi(?:e|on)\b",
    ),
    _pattern(
        "careful_from_now_on",
        rf"\bvoortaan\s+{_W}{{0,2}}voorzichtig",
        r"\bkalm(?:pjes)?\s+aan\b",
        rf"\bdesormais\s+{_W}{{0,2}}prudent",
        r"\bmenag\w*\s+(?:votre|son|mon|ton|le)\s+dos\b",
        r"\bvoorzichtig\s+met\s+(?:uw|je|de|jouw)\s+rug\b",
        r"\bspaar\w*\s+(?:uw|je|de|jouw)\s+rug\b",
        r"\bsoyez\s+prudent\w*",
        r"\bfaites\s+attention\s+a\s+votre\s+dos\b",
    ),
    _pattern(
        "bed_rest",
        r"\bbedrust\b",
        r"\bblijf\w*\s+(?:een\s+paar\s+dagen\s+|enkele\s+dagen\s+)?in\s+(?:uw\s+|je\s+)?bed\b",
        r"\b(?:restez|reste)\s+(?:quelques\s+jours\s+)?au\s+lit\b",
        r"\bgard\w*\s+le\s+lit\b",
        r"\balitement\b",
        negatable=True,
    ),
    _pattern(
        "no_bending_lifting",
        rf"\bniet\s+{_W}{{0,2}}(?:bukken|(?:op)?tillen)\b",
        rf"\b(?:geen|niets)\s+{_W}{{0,2}}(?:op)?tillen\b",
        r"\bpas\s+(?:vous\s+|se\s+)?(?:pencher|baisser|soulever|porter)\b",
        r"\bne\s+(?:vous\s+)?(?:penchez|baissez|soulevez|portez)\s+(?:pas|rien|plus)\b",
        r"\bevitez\s+de\s+(?:vous\s+)?(?:pencher|baisser|soulever|porter)\b",
        rf"\bvermijd\w*\s+{_W}{{0,2}}(?:bukken|buigen|(?:op)?tillen)\b",
    ),
    _pattern(
        "stop_when_pain",
        rf"\bstop\w*\s+{_W}{{0,3}}(?:als|zodra|wanneer)\s+{_W}{{0,3}}pijn",
        rf"\b(?:arret|stopp)\w*(?:-vous)?\s+{_W}{{0,3}}(?:des\s+que|si|quand|lorsque?)\s+"
        rf"{_W}{{0,3}}(?:mal|douleur)",
        rf"\b(?:als|zodra|wanneer)\s+{_W}{{0,3}}pijn\s+doet\W+{_W}{{0,1}}stop",
        rf"\b(?:des\s+que|si|quand|lorsque?)\s+{_W}{{0,3}}(?:mal|douleur)\W+{_W}{{0,1}}"
        r"(?:arret|stopp)",
    ),
    _pattern(
        "pain_as_guide",
        r"\bleiden\s+door\s+(?:de|uw|je)\s+pijn\b",
        rf"\blaat\s+{_W}{{0,2}}(?:de|uw|je)\s+pijn\s+{_W}{{0,2}}(?:leiden|bepalen)\b",
        r"\bguider\s+par\s+(?:la|votre)\s+douleur\b",
        rf"\blaiss\w*\s+(?:la|votre)\s+douleur\s+{_W}{{0,1}}guider\b",
    ),
    _pattern(
        "weakened",
        r"\bverzwak\w*",
        r"\baffaibli\w*",
        negatable=True,
    ),
    _pattern(
        "weak_back",
        r"\brug\s+is\s+(?:erg\s+|heel\s+|te\s+)?(?:zwak|kwetsbaar|fragiel)\b",
        r"\bzwakke\s+rug\b",
        r"\bdos\s+(?:est\s+)?(?:tres\s+|trop\s+)?(?:fragile|faible)s?\b",
    ),
    _pattern(
        "bleak_outlook",
        r"\brolstoel\w*",
        r"\bde\s+rest\s+van\s+(?:uw|je|zijn|haar)\s+leven\b",
        r"\btot\s+(?:aan\s+)?het\s+einde?\s+van\s+(?:uw|je|zijn|haar)\s+leven\b",
        r"\blevenslang\b",
        r"\bfauteuil\s+roulant\b",
        r"\bchaise\s+roulante\b",
        r"\btoute\s+(?:votre|ta|sa)\s+vie\b",
        r"\breste\s+de\s+(?:votre|ta|sa)\s+vie\b",
        r"\bfin\s+de\s+(?:votre|ta|sa)\s+vie\b",
    ),
    _pattern(
        "old_back",
        r"\brug\s+van\s+(?:een\s+)?(?:persoon\s+van\s+|man\s+van\s+|vrouw\s+van\s+)?"
        r"(?:\d+|zeventig|tachtig)",
        r"\bdos\s+d'(?:un|une)\s+(?:personne\s+|homme\s+|femme\s+)?(?:de\s+)?"
        r"(?:\d+|septuagenaire|octogenaire)",
        r"\bdos\s+de\s+\d+\s+ans\b",
    ),
)


def normalise(text: str) -> str:
    """Casefold, strip accents, unify apostrophes: the form the patterns are written for."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.replace("\u2019", "'").replace("\u02bc", "'")


def find_harmful(text: str) -> list[str]:
    """Names of the harmful patterns found in ``text``, in ``PATTERNS`` order."""
    plain = normalise(text)
    return [
        pattern.name
        for pattern in PATTERNS
        if any(
            not (pattern.negatable and _negated(plain, match.start()))
            for match in pattern.regex.finditer(plain)
        )
    ]


def _negated(plain: str, start: int) -> bool:
    """True when a negation word is among the few words before ``start`` in its clause."""
    clause = _CLAUSE_END.split(plain[:start])[-1]
    words = _WORD.findall(clause)[-NEGATION_WINDOW:]
    return any(word in NEGATIONS for word in words)
