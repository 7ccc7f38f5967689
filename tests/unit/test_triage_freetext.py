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


ISSUE_MISSES: list[tuple[Lang, str, str]] = [
    ("nl", "ik verlies urine zonder dat ik het voel", "neuro"),
    ("fr", "je ne contrôle plus ma vessie", "neuro"),
    ("fr", "je me suis fait dessus", "neuro"),
    ("nl", "ik heb een blaasontsteking", "infection"),
    ("nl", "ik heb een blaas-ontsteking", "infection"),
    ("nl", "prostaatkanker", "pathological"),
    ("nl", "prostaat-kanker", "pathological"),
    ("nl", "mijn been draagt me niet meer", "weakness"),
    ("nl", "'k kan nie plassen", "neuro"),
    ("nl", "ik moet pissen maar het lukt niet", "neuro"),
    ("fr", "j'arrive plus à faire pipi", "neuro"),
    ("fr", "je me fais dessus", "neuro"),
]
ISSUE_FALSE_ALARMS: list[tuple[Lang, str]] = [
    ("nl", "geen koorts"),
    ("nl", "ik ben niet gevallen"),
    ("nl", "mijn moeder had kanker"),
    ("fr", "aucune chute"),
    ("fr", "je suis tombée enceinte"),
    ("fr", "je suis tombé dans le canapé"),
    ("nl", "ik ben gisteren vroeg gaan slapen"),
    ("fr", "pas de fièvre"),
    ("fr", "jamais eu de cancer"),
    ("fr", "ma mère a eu un cancer"),
]


@pytest.mark.parametrize(("lang", "text", "cluster"), ISSUE_MISSES)
def test_the_issue_misses_are_caught(lang: Lang, text: str, cluster: str) -> None:
    assert cluster in detect(text, lang)


@pytest.mark.parametrize(("lang", "text"), ISSUE_FALSE_ALARMS)
def test_the_issue_false_alarms_are_quiet(lang: Lang, text: str) -> None:
    assert detect(text, lang) == frozenset()


def test_analysis_names_the_words_and_negations() -> None:
    from bot.triage.freetext import analyse

    result = analyse("geen koorts, maar ik kan niet meer plassen", "nl")
    assert result.clusters == {"neuro"}
    assert "plassen" in {w for f in result.findings for w in f.words}
    assert "koorts" in result.negated
    assert analyse("mijn moeder had kanker", "nl").skipped == ("mijn moeder had kanker",)
