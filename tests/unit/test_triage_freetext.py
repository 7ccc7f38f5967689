"""Free text that mentions red-flag symptoms, loosely spelled, in Dutch and French."""

from __future__ import annotations

import pytest

from bot.triage import detect
from bot.triage.lexicon import Lang

DUTCH = [
    ("ik kan niet meer plassen", "neuro"),
    ("Ik kan mijn plas niet ophouden", "neuro"),
    ("doof gevoel tussen mijn benen", "neuro"),
    ("ik voel mijn zitvlak niet meer", "neuro"),
    ("ik heb in mijn broek geplast", "neuro"),
    ("incontinant", "neuro"),  # misspelled
    ("koorts", "infection"),
    ("ik hb kortse", "infection"),  # misspelled
    ("KOOORTS!!", "infection"),
    ("nachtzweten en rillingen", "infection"),
    ("ik ben gevallen van de trap", "trauma"),
    ("na een ongeval", "trauma"),
    ("mijn been is verlamd", "weakness"),
    ("mijn voet sleept", "weakness"),
    ("koude voet", "vascular"),
    ("ik had vroeger kanker", "pathological"),
    ("ik ben 5 kilo kwijt", "pathological"),
]
FRENCH = [
    ("je n'arrive plus à uriner", "neuro"),
    ("je ne sens plus mes fesses", "neuro"),
    ("fuite d'urine", "neuro"),
    ("incontinent", "neuro"),
    ("fièvre", "infection"),
    ("fievre", "infection"),
    ("j'ai de la fievvre", "infection"),  # misspelled
    ("des frissons", "infection"),
    ("sueurs nocturnes", "infection"),
    ("chute", "trauma"),
    ("je suis tombée dans l'escalier", "trauma"),
    ("accident de voiture", "trauma"),
    ("mon pied traîne", "weakness"),
    ("pied froid", "vascular"),
    ("cancer", "pathological"),
    ("j'ai perdu du poids", "pathological"),
]
HARMLESS = [
    "mijn rug doet pijn",
    "de pijn straalt uit naar mijn been",
    "ik slaap slecht",
    "ik wil stoppen",
    "ja",
    "nee",
    "7",
    "het gaat beter vandaag",
    "ik moet morgen werken",
    "ik heb last van mijn onderrug bij het bukken",
    "j'ai mal au dos",
    "merci",
    "la douleur descend dans la jambe",
    "ça va mieux",
    "je suis fatigué de ce mal de dos",
]


@pytest.mark.parametrize(("text", "cluster"), DUTCH)
def test_dutch_red_flag_phrasings_trigger_their_cluster(text: str, cluster: str) -> None:
    assert cluster in detect(text, "nl")


@pytest.mark.parametrize(("text", "cluster"), FRENCH)
def test_french_red_flag_phrasings_trigger_their_cluster(text: str, cluster: str) -> None:
    assert cluster in detect(text, "fr")


@pytest.mark.parametrize("text", HARMLESS)
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_ordinary_messages_do_not_trigger(text: str, lang: Lang) -> None:
    assert detect(text, lang) == frozenset()


def test_at_least_ten_phrasings_per_language() -> None:
    assert len(DUTCH) >= 10 and len(FRENCH) >= 10


def test_several_symptoms_in_one_message() -> None:
    assert detect("ik heb koorts en ik kan niet plassen", "nl") == {"infection", "neuro"}
