"""Kader 2 guardrail: unit tests of find_harmful, and a scan of every catalog text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.advice.guardrail import PATTERNS, find_harmful

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("nl", "fr")
# Step fields holding texts of a validated instrument (must stay verbatim).
INSTRUMENT_TEXT_FIELDS = ("text", "lead_in", "label", "min_label", "max_label")


def _flow_files(root: Path) -> list[Path]:
    """Flow definitions: ``flows/*.yaml`` (contract) or inside the package."""
    return sorted({*root.glob("flows/*.yaml"), *root.glob("bot/**/flows/*.yaml")})


def _msgids_in(node: Any) -> set[str]:
    """Every msgid that an instrument text field references anywhere in ``node``."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in INSTRUMENT_TEXT_FIELDS and isinstance(value, str):
                found.add(value)
            else:
                found |= _msgids_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= _msgids_in(value)
    return found


def exempt_msgids(root: Path = ROOT) -> set[str]:
    """Msgids of validated questionnaire items, computed from whatever flows exist."""
    exempt: set[str] = set()
    for path in _flow_files(root):
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(flow, dict) and flow.get("kind") == "questionnaire":
            exempt |= _msgids_in(flow.get("steps", []))
    return exempt


def catalog_texts(language: str) -> list[tuple[str, str]]:
    """(msgid, text) for every translated string of a catalog, plural forms included."""
    path = ROOT / "messages" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    texts: list[tuple[str, str]] = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else message.string or ()
        texts.extend((msgid, text) for text in strings if text)
    return texts


def test_no_catalog_text_carries_a_harmful_message() -> None:
    exempt = exempt_msgids()
    offences = [
        f"{language} {msgid}: {', '.join(names)}"
        for language in LANGUAGES
        for msgid, text in catalog_texts(language)
        if msgid not in exempt and (names := find_harmful(text))
    ]
    assert not offences, "Kader 2 messages found:\n" + "\n".join(offences)


def test_exemptions_come_from_questionnaire_steps_only(tmp_path: Path) -> None:
    assert exempt_msgids(tmp_path) == set()
    flows = tmp_path / "flows"
    flows.mkdir()
    questionnaire = {
        "id": "comi",
        "kind": "questionnaire",
        "title": "comi.title",
        "steps": [
            {"id": "wellbeing", "text": "comi.wellbeing", "lead_in": "comi.lead_in"},
            {
                "id": "pain",
                "text": "nrs.pain",
                "answer": {"type": "scale", "min_label": "nrs.min", "max_label": "nrs.max"},
            },
            {
                "id": "main_problem",
                "text": "comi.main_problem",
                "answer": {"type": "choice", "options": [{"value": 1, "label": "comi.back"}]},
            },
        ],
    }
    dialogue = {
        "id": "onboarding",
        "kind": "dialogue",
        "steps": [{"id": "hello", "text": "onboarding.hello"}],
    }
    (flows / "comi.yaml").write_text(yaml.safe_dump(questionnaire), encoding="utf-8")
    (flows / "onboarding.yaml").write_text(yaml.safe_dump(dialogue), encoding="utf-8")
    assert exempt_msgids(tmp_path) == {
        "comi.wellbeing",
        "comi.lead_in",
        "nrs.pain",
        "nrs.min",
        "nrs.max",
        "comi.main_problem",
        "comi.back",
    }


def test_pattern_names_are_unique() -> None:
    names = [pattern.name for pattern in PATTERNS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Uw rug is beschadigd.", "damage"),
        ("Er is schade aan uw rug.", "damage"),
        ("Votre dos est abîmé.", "damage"),
        ("Votre disque est ENDOMMAGÉ.", "damage"),
        ("Le nerf est lésé.", "damage"),
        ("Het is slijtage.", "wear"),
        ("Uw rug verslijt met de leeftijd.", "wear"),
        ("Uw wervels zijn versleten.", "wear"),
        ("C'est de l'usure.", "wear"),
        ("Votre dos est usé.", "wear"),
        ("U hebt een degeneratie van de wervels.", "degeneration_label"),
        ("Het is artrose.", "degeneration_label"),
        ("U hebt een discushernia.", "degeneration_label"),
        ("Er is een protrusie te zien.", "degeneration_label"),
        ("C'est une dégénérescence.", "degeneration_label"),
        ("Vous avez de l'arthrose.", "degeneration_label"),
        ("Vous avez une hernie discale.", "degeneration_label"),
        ("On voit une protrusion.", "degeneration_label"),
        ("U moet voortaan voorzichtig zijn.", "careful_from_now_on"),
        ("U moet het kalm aan doen.", "careful_from_now_on"),
        ("Vous devez désormais être prudent.", "careful_from_now_on"),
        ("Il faut ménager votre dos.", "careful_from_now_on"),
        ("U mag zich niet bukken of zaken optillen.", "no_bending_lifting"),
        ("Probeer niet te tillen.", "no_bending_lifting"),
        ("Veillez à ne pas vous pencher.", "no_bending_lifting"),
        ("Ne soulevez pas de charges.", "no_bending_lifting"),
        ("Stop als u pijn voelt.", "stop_when_pain"),
        ("U moet stoppen zodra het pijn doet.", "stop_when_pain"),
        ("Arrêtez dès que vous avez mal.", "stop_when_pain"),
        ("Arrêtez si ça fait mal.", "stop_when_pain"),
        ("Laat u leiden door de pijn.", "pain_as_guide"),
        ("Laissez-vous guider par la douleur.", "pain_as_guide"),
        ("Uw rug is verzwakt.", "weakened"),
        ("Votre dos est affaibli.", "weakened"),
        ("Het zou me niet verwonderen dat u in een rolstoel terechtkomt.", "bleak_outlook"),
        ("U zal de rest van uw leven pijn hebben.", "bleak_outlook"),
        ("U zal tot aan het einde van uw leven met dat probleem kampen.", "bleak_outlook"),
        ("Vous finirez en fauteuil roulant.", "bleak_outlook"),
        ("Vous aurez mal toute votre vie.", "bleak_outlook"),
        ("Pour le reste de votre vie.", "bleak_outlook"),
        ("U hebt de rug van een persoon van 70 jaar.", "old_back"),
        ("Vous avez le dos d'une personne de 70 ans.", "old_back"),
        # issue #16: a verdict the bot cannot make, and the missed Kader 2 phrases
        ("Uw rug is niet beschadigd.", "no_damage_verdict"),
        ("Votre dos n'est pas abîmé, il est sensible.", "no_damage_verdict"),
        ("Neem een paar dagen bedrust.", "bed_rest"),
        ("Blijf een paar dagen in bed.", "bed_rest"),
        ("Restez au lit.", "bed_rest"),
        ("Gardez le lit deux jours.", "bed_rest"),
        ("Wees voorzichtig met uw rug.", "careful_from_now_on"),
        ("Soyez prudent.", "careful_from_now_on"),
        ("Spaar uw rug.", "careful_from_now_on"),
        ("Vermijd bukken en tillen.", "no_bending_lifting"),
        ("Als het pijn doet, stop dan.", "stop_when_pain"),
        ("Arrêtez-vous dès que vous avez mal.", "stop_when_pain"),
        ("Si vous avez mal, arrêtez.", "stop_when_pain"),
        ("Uw rug is zwak.", "weak_back"),
        ("Votre dos est fragile.", "weak_back"),
    ],
)
def test_harmful_texts_are_found(text: str, expected: str) -> None:
    assert expected in find_harmful(text)


@pytest.mark.parametrize(
    "text",
    [
        # Kader 3 messages, in Dutch and in our French wording
        "Een lage rugpijn betekent niet dat uw rug beschadigd is, maar dat hij gevoeliger is.",
        "Dat u pijn voelt, betekent niet dat u uw rug beschadigt; uw rug is enkel gevoelig.",
        "Pijn betekent geen schade.",
        "Uw rug is niet verzwakt.",
        "Het is geen slijtage.",
        "Avoir mal ne veut pas dire que votre dos est abîmé.",
        "Cela ne veut pas dire que votre dos est endommagé.",
        "Avoir mal, ce n'est pas être lésé.",
        "Votre dos n'est pas usé.",
        "De rug is een van de stevigste structuren van uw lichaam.",
        "Bewegen zal uw rug sterker maken.",
        "Bougez doucement, même si cela fait un peu mal au début.",
        "Begin voorzichtig en bouw langzaam op.",
        "N'ayez pas peur de vous pencher.",
        "Gebruik de knop hieronder.",
        "Je vais l'utiliser demain.",
        "Les usagers des transports publics.",
        "In bed blijven maakt rugpijn meestal net erger.",
        "Blijf niet in bed liggen.",
        "Geen bedrust nodig.",
        "Ne restez pas au lit : levez-vous souvent.",
        "Rester au lit aggrave le plus souvent le mal de dos.",
        "Uw rug te veel sparen kan de pijn juist langer laten duren.",
        "Des os fragiles ou un cancer dans le passé.",
        "Des lésions visibles sur une image sont fréquentes.",
    ],
)
def test_helpful_texts_pass(text: str) -> None:
    assert find_harmful(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # the negation belongs to another clause
        "Het is niet erg, uw rug is beschadigd.",
        "Ce n'est pas grave, votre dos est abîmé.",
        # the negation is too far away
        "Niet iedereen weet dit, maar na al die jaren is uw rug nu echt beschadigd.",
        # denial does not help for non-negatable ideas
        "U komt niet in een rolstoel terecht.",
        "Vous ne finirez pas en fauteuil roulant.",
    ],
)
def test_negation_rule_limits(text: str) -> None:
    assert find_harmful(text)


def test_matching_ignores_case_and_accents() -> None:
    assert find_harmful("VOTRE DOS EST ABIME") == ["damage"]
    assert find_harmful("Arretez des que vous avez mal") == ["stop_when_pain"]
    assert find_harmful("Uw rug is BESCHADIGD") == ["damage"]


def test_several_ideas_are_all_named() -> None:
    assert find_harmful("Uw rug is versleten en verzwakt: niet meer tillen.") == [
        "wear",
        "no_bending_lifting",
        "weakened",
    ]
