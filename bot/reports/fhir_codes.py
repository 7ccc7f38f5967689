"""Standard codes (LOINC) of the instruments, and BackPath's own canonical URLs.

What was checked (against the LOINC records on loinc.org, LOINC 2.77, looked up for
issue #14; there is no internet at run time, so nothing here is fetched):

- https://loinc.org/91349-1 "STarT Back Screening Tool panel" lists, in this order,
  91340-0 (leg pain, item 1) 91341-8 (shoulder or neck) 91342-6 (walked short
  distances) 91343-4 (dressed more slowly) 91344-2 (not safe to be physically active)
  91345-9 (worrying thoughts) 91346-7 (terrible, never better) 91347-5 (not enjoyed)
  91348-3 (bothersome), then 91350-9 "Distress subscore [STarT Back]" (items 5-9, our
  `psychosocial`), 91351-7 "Total score [STarT Back]" and 91352-5 "STarT Back
  Screening risk level".
- https://loinc.org/91352-5: normative answer list LL3578-3, Low LA9194-7, Medium
  LA8982-6, High LA9193-9.
- 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported" (active):
  our NRS item.
- No LOINC code was found for the Örebro short form (ÖMPSQ-SF) nor for COMI, nor (of
  course) for BackPath's own red-flag screen and history: those keep our canonical
  URLs and code systems below.

Questionnaires are always ours (`questionnaire_url`): LOINC publishes the STarT Back
panel as a Questionnaire too, but its linkIds are LOINC codes, not our item ids; our
Questionnaire carries the LOINC codes on its items instead (`Questionnaire.item.code`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOINC = "http://loinc.org"
BASE = "https://backpath.be/fhir"


@dataclass(frozen=True)
class InstrumentCodes:
    """LOINC codes of one instrument: the panel, its items, its scores and categories.

    `scores` keys are our score linkIds without the `score.` prefix (`total`, a
    subscale name, `category`); `categories` maps our category id to (code, display).
    """

    panel: str | None = None
    items: dict[str, str] = field(default_factory=dict)
    scores: dict[str, str] = field(default_factory=dict)
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)


CODES: dict[str, InstrumentCodes] = {
    "startback": InstrumentCodes(
        panel="91349-1",
        items={
            "leg_pain": "91340-0",
            "shoulder_neck": "91341-8",
            "walk_short": "91342-6",
            "dress_slow": "91343-4",
            "fear": "91344-2",
            "worry": "91345-9",
            "catastrophising": "91346-7",
            "anhedonia": "91347-5",
            "bothersome": "91348-3",
        },
        scores={"total": "91351-7", "psychosocial": "91350-9", "category": "91352-5"},
        categories={
            "low": ("LA9194-7", "Low"),
            "medium": ("LA8982-6", "Medium"),
            "high": ("LA9193-9", "High"),
        },
    ),
    "nrs": InstrumentCodes(items={"pain": "72514-3"}),
}


def questionnaire_url(flow: str) -> str:
    """The canonical URL of our Questionnaire for a flow (without version)."""
    return f"{BASE}/Questionnaire/{flow}"


def category_system(instrument: str) -> str:
    return f"{BASE}/CodeSystem/{instrument}-category"


def option_system(flow: str, item: str) -> str:
    """Code system of a choice item whose stored values are words (`new_severe`)."""
    return f"{BASE}/CodeSystem/{flow}-{item}"


def category_coding(instrument: str, category: str) -> tuple[str, str, str | None]:
    """(system, code, display) of a score category: LOINC's answer code where it exists."""
    loinc = CODES.get(instrument, InstrumentCodes()).categories.get(category)
    if loinc is not None:
        return LOINC, loinc[0], loinc[1]
    return category_system(instrument), category, None
