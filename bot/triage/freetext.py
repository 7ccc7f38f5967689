"""Spot red-flag symptoms in what a patient types, in Dutch or French, spelled loosely.

Each cluster has terms; a term is one or more word stems that must all occur within a
few words of each other (any order). Text and stems are normalised the same way:
lower case, accents stripped, runs of one letter collapsed ("koooorts" = "koorts" =
"korts"). A stem matches a word that starts with it; a stem of five letters or more
also matches with one typo. A stem written "=moe" must match the whole word (short
words would otherwise match too much: "moe" in "moet").

False alarms only cost the patient a few yes/no questions; a miss can cost far more.
So the terms are broad on purpose. Ordinary complaints ("mijn rug doet pijn", "j'ai mal
au dos", "de pijn straalt uit naar mijn been") match nothing.
"""

from __future__ import annotations

import re
import unicodedata

WINDOW = 8  # words between the first and the last stem of a multi-stem term

TERMS: dict[str, tuple[str, ...]] = {
    "neuro": (
        # Dutch: urine, stool, saddle area, sexual function, widespread numbness/weakness
        "incontin",
        "urineverlies",
        "urineretentie",
        "zadelgevoel",
        "zadelanest",
        "niet plas",
        "kan plas",
        "geen plas",
        "lukt plas",
        "broek plas",
        "broek geplast",
        "ongewild plas",
        "blaas controle",
        "plas controle",
        "plas ophouden",
        "stoelgang controle",
        "stoelgang ophouden",
        "ontlasting controle",
        "ontlasting ophouden",
        "broek ontlasting",
        "broek poep",
        "doof tussen",
        "doof zitvlak",
        "doof kruis",
        "doof bil",
        "doof geslacht",
        "doof penis",
        "doof vagina",
        "doof anus",
        "gevoel zitvlak",
        "voel zitvlak",
        "gevoel tussen benen",
        "voel bil",
        "voel kruis",
        "erectie",
        "impoten",
        "seks gevoel",
        "seks probleem",
        "beide benen doof",
        "beide benen zwak",
        "beide benen tintel",
        "armen doof",
        "armen tintel",
        "armen zwak",
        # French
        "plus urin",
        "arrive urin",
        "pas urin",
        "peux urin",
        "retention urin",
        "fuite urin",
        "pipi plus",
        "pipi arrive",
        "pipi pas",
        "faire pipi",
        "controle urin",
        "retenir urin",
        "controle selles",
        "retenir selles",
        "fuite selles",
        "sens fesse",
        "sens entrejambe",
        "sens sexe",
        "sens parties",
        "engourd fesse",
        "engourd entrejambe",
        "engourd sexe",
        "engourd parties",
        "engourd deux jambes",
        "engourd bras",
        "entrejambe",
        "erection",
        "impuiss",
        "fourmill deux jambes",
        "fourmill bras",
        "faible deux jambes",
        "insensib",
    ),
    "weakness": (
        "verlam",
        "krachtverlies",
        "kracht been",
        "zwak been",
        "been slap",
        "been zwak",
        "been geeft",
        "been knik",
        "voet sleep",
        "voet hang",
        "voet klap",
        "hakken staan",
        "tenen staan",
        "klapvoet",
        "paralys",
        "faiblesse",
        "perte force",
        "jambe faible",
        "jambe lache",
        "jambe derobe",
        "pied traine",
        "pied tombe",
        "pied tape",
        "talons",
        "pointe pieds",
        "steppage",
    ),
    "trauma": (
        "gevallen",
        "=val",
        "valpartij",
        "ongeval",
        "ongeluk",
        "aanrijding",
        "botsing",
        "ladder",
        "trap af",
        "chute",
        "tombe",
        "accident",
        "collision",
        "renverse",
        "choc dos",
    ),
    "vascular": (
        "koud voet",
        "koude voet",
        "voet koud",
        "bleke voet",
        "voet bleek",
        "voet wit",
        "witte voet",
        "blauw voet",
        "voet blauw",
        "flauw",
        "klam",
        "bewustzijn",
        "pied froid",
        "froid pied",
        "pied pale",
        "pied blanc",
        "pied bleu",
        "evanoui",
        "malaise",
        "perdu connaissance",
    ),
    "infection": (
        "koorts",
        "rilling",
        "nachtzweet",
        "zweet nacht",
        "infectie",
        "ontsteking",
        "geopereerd",
        "operatie",
        "immuun",
        "spuit drug",
        "drugs spuit",
        "fievre",
        "temperature",
        "frisson",
        "sueur nuit",
        "sueurs nocturne",
        "transpir nuit",
        "infection",
        "cystite",
        "opere",
        "operation",
        "immunit",
        "drogue",
        "febrile",
    ),
    "pathological": (
        "kanker",
        "tumor",
        "uitzaaiing",
        "gezwel",
        "chemo",
        "gewicht verlor",
        "gewicht kwijt",
        "gewicht verloren",
        "kilo kwijt",
        "kilo verloren",
        "afgevallen",
        "vermagerd",
        "osteoporose",
        "botontkalking",
        "cortison",
        "cortico",
        "prednison",
        "medrol",
        "pijn borst",
        "borstkas",
        "uitgeput",
        "oververmoeid",
        "heel =moe",
        "erg =moe",
        "altijd =moe",
        "zo =moe",
        "cancer",
        "tumeur",
        "metasta",
        "perdu poids",
        "perte poids",
        "pris kilos",
        "perdu kilos",
        "maigri",
        "douleur poitrine",
        "mal poitrine",
        "thorax",
        "epuise",
        "tres fatigue",
        "toujours fatigue",
        "fatigue inhabituel",
        "tout temps fatigue",
    ),
}


def normalise(text: str) -> list[str]:
    """Words of `text`: lower case, no accents, runs of one letter collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    collapsed = re.sub(r"(.)\1+", r"\1", plain)
    return re.findall(r"[a-z]+", collapsed)


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of a and b is at most 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


def _matches(stem: str, word: str) -> bool:
    if stem.startswith("="):
        return word == stem[1:]
    if word.startswith(stem):
        return True
    if len(stem) < 5:
        return False
    return any(_within_one_edit(stem, word[:n]) for n in (len(stem) - 1, len(stem), len(stem) + 1))


def _compile(term: str) -> tuple[str, ...]:
    return tuple(
        ("=" + normalise(stem[1:])[0]) if stem.startswith("=") else normalise(stem)[0]
        for stem in term.split()
    )


_COMPILED: dict[str, tuple[tuple[str, ...], ...]] = {
    cluster: tuple(_compile(t) for t in terms) for cluster, terms in TERMS.items()
}


def _term_found(stems: tuple[str, ...], words: list[str]) -> bool:
    positions = [[i for i, w in enumerate(words) if _matches(stem, w)] for stem in stems]
    if not all(positions):
        return False
    if len(stems) == 1:
        return True
    return any(
        all(any(abs(p - start) <= WINDOW for p in others) for others in positions[1:])
        for start in positions[0]
    )


def detect(text: str) -> frozenset[str]:
    """The red-flag clusters a message mentions (empty for ordinary messages)."""
    words = normalise(text)
    if not words:
        return frozenset()
    return frozenset(
        cluster
        for cluster, terms in _COMPILED.items()
        if any(_term_found(stems, words) for stems in terms)
    )
