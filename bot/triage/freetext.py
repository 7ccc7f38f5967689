"""Spot red-flag symptoms in what a patient types, in Dutch or French, as patients say them.

The words and rules live in bot/triage/lexicon.py (read its docstring for how to audit
them); this module only applies them:

1. normalise: lower case, accents dropped, apostrophes and hyphens become spaces;
2. rewrite idioms and euphemisms (lexicon.IDIOMS);
3. split into words and clauses; find each concept's words (Snowball stem, prefix,
   Dutch compound head, one typing error; rapidfuzz for the distance);
4. mark negated words, skip clauses about other people or worries;
5. a cluster is flagged when one of its patterns is found in one clause.

False alarms cost a patient a few yes/no questions and some trust; a miss can cost far
more, so the rules lean towards asking.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import snowballstemmer
from rapidfuzz.distance import Levenshtein

from bot.triage import lexicon
from bot.triage.lexicon import Lang

_STEMMERS = {"nl": "dutch", "fr": "french"}
_WINDOW_BEFORE = 4  # a negation cue reaches this many words ahead
_WINDOW_AFTER = 4  # ... and, for abilities, this many words back
_PUNCT = frozenset(".,;:!?\n")
_MIN_LOOSE = 5  # entries at least this long also match by prefix and with a typing error
_MIN_COMPOUND = 4  # Dutch entries at least this long also match as a compound's head


def plain(text: str) -> str:
    """Lower case, no accents, apostrophes and hyphens as spaces, punctuation kept apart."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = re.sub(r"[’'`´\-_/]", " ", bare)
    bare = re.sub(r"([.,;:!?\n])", r" \1 ", bare)
    bare = re.sub(r"[^a-z0-9.,;:!?\n]+", " ", bare)
    return " ".join(bare.split(" ")).strip()


def _collapse(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


@dataclass(frozen=True)
class _Word:
    text: str
    stem: str
    flat: str  # letter runs collapsed: "koooorts" -> "korts"


@dataclass(frozen=True)
class _Entry:
    words: tuple[_Word, ...]
    exact: bool


@cache
def _stemmer(lang: Lang) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMERS[lang])


def _word(lang: Lang, text: str) -> _Word:
    return _Word(text, _stemmer(lang).stemWord(text), _collapse(text))


def _entry(lang: Lang, raw: str) -> _Entry:
    exact = raw.startswith("=")
    words = tuple(_word(lang, w) for w in plain(raw.lstrip("=")).split())
    return _Entry(words, exact)


@cache
def _concepts(lang: Lang) -> dict[str, tuple[_Entry, ...]]:
    return {
        name: tuple(_entry(lang, e) for e in entries)
        for name, entries in lexicon.CONCEPTS[lang].items()
    }


@cache
def _known(lang: Lang) -> frozenset[str]:
    entries = (e for group in _concepts(lang).values() for e in group)
    return frozenset(w.text for e in entries for w in e.words)


@cache
def _exclusions(lang: Lang) -> dict[str, tuple[tuple[str, ...], ...]]:
    return {
        name: tuple(tuple(plain(e).split()) for e in entries)
        for name, entries in lexicon.EXCLUDE[lang].items()
    }


def _word_matches(lang: Lang, token: _Word, want: _Word, exact: bool) -> bool:
    if exact:
        return token.text == want.text or (
            lang == "nl"  # a compound ending in it: rechterbeen, linkervoet
            and len(want.text) >= _MIN_COMPOUND
            and len(token.text) >= len(want.text) + 3
            and token.text.endswith(want.text)
        )
    if token.text == want.text or token.stem == want.stem or token.flat == want.flat:
        return True
    if token.text.isdigit():
        return False
    if (
        lang == "nl"
        and len(want.text) >= _MIN_COMPOUND
        and len(token.text) >= len(want.text) + 3
        and (token.text.endswith(want.text) or token.stem.endswith(want.stem))
    ):
        return True  # Dutch compound: blaasontsteking, prostaatkanker, linkervoet
    if len(want.flat) < _MIN_LOOSE:
        return False
    if token.text.startswith(want.text) or token.flat.startswith(want.flat):
        return True
    if token.text in _known(lang):
        return False  # a word of the lexicon spelled right is no typo of another ("voeten")
    if token.flat[:2] != want.flat[:2] or (
        len(want.flat) == _MIN_LOOSE and len(token.flat) < _MIN_LOOSE
    ):
        return False  # a typo keeps the first two letters ("aident" is no "accident")
    return Levenshtein.distance(token.flat, want.flat, score_cutoff=1) <= 1


@dataclass(frozen=True)
class _Hit:
    concept: str
    start: int
    end: int  # inclusive
    negated: bool


@dataclass(frozen=True)
class Finding:
    """One pattern found: the cluster, the pattern and the words that matched."""

    cluster: str
    pattern: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Analysis:
    clusters: frozenset[str]
    findings: tuple[Finding, ...]
    negated: tuple[str, ...]  # words read as negated ("koorts" in "geen koorts")
    skipped: tuple[str, ...]  # clauses about someone else or a worry, not a symptom


def _tokens(lang: Lang, text: str) -> list[str]:
    flat = plain(text)
    for pattern, replacement in lexicon.IDIOMS[lang]:
        flat = re.sub(pattern, replacement, flat)
    return flat.split()


def _clauses(lang: Lang, tokens: list[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (
            token in _PUNCT
            or token in lexicon.CLAUSE_BREAKS[lang]
            or (token in lexicon.AND_WORDS[lang] and following in lexicon.SUBJECTS[lang])
        ):
            if clauses[-1]:
                clauses.append([])
            continue
        clauses[-1].append(token)
    return [c for c in clauses if c]


def _excluded(lang: Lang, concept: str, words: list[str], start: int) -> bool:
    for phrase in _exclusions(lang).get(concept, ()):
        for offset in range(len(phrase)):
            at = start - offset
            if at >= 0 and tuple(words[at : at + len(phrase)]) == phrase:
                return True
    return False


def _find(lang: Lang, clause: list[_Word]) -> list[tuple[str, int, int]]:
    words = [w.text for w in clause]
    found: list[tuple[str, int, int]] = []
    for concept, entries in _concepts(lang).items():
        for entry in entries:
            size = len(entry.words)
            for start in range(len(clause) - size + 1):
                if all(
                    _word_matches(lang, clause[start + k], entry.words[k], entry.exact)
                    for k in range(size)
                ) and not _excluded(lang, concept, words, start):
                    found.append((concept, start, start + size - 1))
    return found


def _negated(
    lang: Lang, concept: str, start: int, end: int, words: list[str], takers: list[int]
) -> bool:
    cues = lexicon.NEGATION[lang]
    ability = concept in lexicon.ABILITIES
    only_ability = lexicon.ABILITY_ONLY_CUES[lang]
    for i, word in enumerate(words):
        if word not in cues or (word in only_ability and not ability):
            continue
        if 1 <= start - i <= _WINDOW_BEFORE:
            taken = concept not in lexicon.NEGATION_TAKERS and any(i < t < start for t in takers)
            if not taken:
                return True
        after = 1 <= i - end <= _WINDOW_AFTER and word not in lexicon.FORWARD_ONLY_CUES
        participles = lang == "nl" and all(w.startswith("ge") for w in words[i + 1 :])
        if after and (ability or participles):  # French "ne" comes before: « à chaque pas »
            return True  # "ik voel mijn benen niet", "koorts heb ik niet", "... nooit gehad"
    return False


def _age(lang: Lang, words: list[str]) -> tuple[str, ...]:
    before = {"nl": {"ben", "word", "wordt"}, "fr": {"ai", "age", "agee"}}[lang]
    after = {"nl": {"jaar", "jarig"}, "fr": {"ans", "an"}}[lang]
    for i, word in enumerate(words):
        if word.isdigit() and 70 <= int(word) <= 115:
            prev = words[i - 1] if i else ""
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if prev in before or nxt in after:
                return (word, nxt) if nxt in after else (prev, word)
    return ()


def _pattern_found(
    pattern: str, hits: list[_Hit], words: list[str], stated: frozenset[str]
) -> tuple[str, ...] | None:
    matched: list[str] = []
    for part in pattern.split():
        mark, name = (part[0], part[1:]) if part[0] in "!~-" else ("", part)
        candidates = [h for h in hits if h.concept == name]
        if mark == "-":  # stated nowhere in the message ("op dieet ... 3 kilo kwijt")
            if name in stated:
                return None
            continue
        if mark == "!":
            candidates = [h for h in candidates if h.negated]
        elif mark == "":
            candidates = [h for h in candidates if not h.negated]
        if not candidates:
            return None
        first = candidates[0]
        matched.append(" ".join(words[first.start : first.end + 1]))
    return tuple(matched)


def _clause_hits(lang: Lang, words: list[str], ignore_negation: bool) -> list[_Hit]:
    raw = _find(lang, [_word(lang, w) for w in words])
    takers = [s for c, s, _ in raw if c in lexicon.NEGATION_TAKERS]
    return [
        _Hit(c, s, e, not ignore_negation and _negated(lang, c, s, e, words, takers))
        for c, s, e in raw
    ]


def _skip(lang: Lang, words: list[str]) -> bool:
    """A clause about someone else (and not the patient too), or a worry."""
    other = any(w in lexicon.OTHERS[lang] for w in words)
    self_ = any(w in lexicon.SELF[lang] for w in words)
    return (other and not self_) or any(w in lexicon.WORRY[lang] for w in words)


def analyse(text: str, lang: Lang, ignore_negation: bool = False) -> Analysis:
    """What the message says about red flags, with the words behind each finding.

    With `ignore_negation` every word counts as stated: comparing both readings shows the
    clusters a message names only to deny them ("geen koorts")."""
    findings: list[Finding] = []
    negated: list[str] = []
    skipped: list[str] = []
    clauses = _clauses(lang, _tokens(lang, text))
    kept: list[tuple[list[str], list[_Hit]]] = []
    for n, words in enumerate(clauses):
        following = " ".join(clauses[n + 1]) if n + 1 < len(clauses) else ""
        if following in lexicon.CLAUSE_DENIALS and not ignore_negation:  # « de la fièvre, non »
            negated.append(" ".join(words))
        elif _skip(lang, words):
            skipped.append(" ".join(words))
        else:
            hits = _clause_hits(lang, words, ignore_negation)
            kept.append((words, hits))
            negated.extend(
                " ".join(words[h.start : h.end + 1])
                for h in hits
                if h.negated and h.concept not in lexicon.ABILITIES
            )
    stated = frozenset(h.concept for _, hits in kept for h in hits if not h.negated)
    for words, hits in kept:
        for cluster, patterns in lexicon.PATTERNS.items():
            for pattern in patterns:
                if pattern == "AGE":
                    age = _age(lang, words)
                    if age:
                        findings.append(Finding(cluster, pattern, age))
                    continue
                matched = _pattern_found(pattern, hits, words, stated)
                if matched is not None:
                    findings.append(Finding(cluster, pattern, matched))
    symptoms = set(words_of(findings))  # "kan niet plassen" states a symptom, denies nothing
    return Analysis(
        clusters=frozenset(f.cluster for f in findings),
        findings=tuple(findings),
        negated=tuple(dict.fromkeys(w for w in negated if w not in symptoms)),
        skipped=tuple(skipped),
    )


def detect(text: str, lang: Lang = "nl") -> frozenset[str]:
    """The red-flag clusters a message mentions (empty for ordinary messages)."""
    return analyse(text, lang).clusters


def denied(text: str, lang: Lang) -> frozenset[str]:
    """Clusters the message names only with a negation ("geen koorts", « pas tombé »)."""
    return analyse(text, lang, ignore_negation=True).clusters - analyse(text, lang).clusters


def words_of(findings: Iterable[Finding]) -> list[str]:
    """The matched words of some findings, each once, in order."""
    return list(dict.fromkeys(w for f in findings for w in f.words))
