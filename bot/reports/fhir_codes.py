"""BackPath's own canonical URLs and code systems, and how a category is coded.

The standard codes (LOINC) of an instrument are in its descriptor
(`flows/instruments/<id>.yaml`, `codes`; `bot.instruments.descriptor.Codes`), with what
was checked against loinc.org (LOINC 2.77, issue #14): the STarT Back panel 91349-1 with
its items, scores and risk-level answers, and 72514-3 for the NRS. No LOINC code was
found for the Örebro short form nor for COMI, nor (of course) for BackPath's own
red-flag screen and history: those keep our canonical URLs and code systems below.

Questionnaires are always ours (`questionnaire_url`): LOINC publishes the STarT Back
panel as a Questionnaire too, but its linkIds are LOINC codes, not our item ids; our
Questionnaire carries the LOINC codes on its items instead (`Questionnaire.item.code`).
"""

from __future__ import annotations

from bot.instruments.descriptor import Codes

LOINC = "http://loinc.org"
BASE = "https://backpath.be/fhir"


def questionnaire_url(flow: str) -> str:
    """The canonical URL of our Questionnaire for a flow (without version)."""
    return f"{BASE}/Questionnaire/{flow}"


def category_system(instrument: str) -> str:
    return f"{BASE}/CodeSystem/{instrument}-category"


def option_system(flow: str, item: str) -> str:
    """Code system of a choice item whose stored values are words (`new_severe`)."""
    return f"{BASE}/CodeSystem/{flow}-{item}"


def category_coding(codes: Codes, instrument: str, category: str) -> tuple[str, str, str | None]:
    """(system, code, display) of a score category: LOINC's answer code where the
    instrument's `codes` give one, else our code system's."""
    loinc = codes.categories.get(category)
    if loinc is not None:
        return LOINC, loinc[0], loinc[1]
    return category_system(instrument), category, None
