"""Which answers of the red-flag screen (flows/redflags.yaml) call for which care: ONE table.

``RULES`` lists every question of the screen with its cluster, its level and the row of
the source it covers (seed 000 Fig. 2, "Rode vlaggen"; the radicular motor rules of the
pathway flowchart, seed 002, and worked case 3, seed 003). ``FIG2`` lists the rows of
Fig. 2 and the questions that ask them; tests/unit/test_triage_rules.py checks that every
row is asked and that no question's level is below its row's.

Levels, for the patient:

- ``urgent``: call 112 or go to the emergency department now (Fig. 2 "Dringend").
- ``semi_urgent``: see your GP within 48 hours, 1733 out of hours (Fig. 2 "Semi-dringend");
  leg weakness adds: ask for a spine surgeon's opinion within 48 hours (seeds 002/003).
- ``note``: where the seeds give no urgency (a minor fall alone; a "yes" to a screen
  question whose details are all "no"; an unchanging history a doctor has already seen):
  "tell your doctor at your next visit". Never silent.

A cluster gets the highest level of its "yes" answers. Where seeds differ, the stricter
level is taken (comments at the rows). One factor of the pathological-fracture line is
enough: "Lage rugpijn na mineur trauma of zelfs zonder notie van trauma met: ..." (seed 000).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Level = Literal["urgent", "semi_urgent", "note"]

CLUSTERS = ("neuro", "weakness", "trauma", "vascular", "pathological", "infection")
URGENT_CLUSTERS = ("neuro", "trauma", "vascular")
_ORDER: dict[Level, int] = {"urgent": 0, "semi_urgent": 1, "note": 2}


@dataclass(frozen=True)
class Rule:
    item: str  # the screen question (flows/redflags.yaml step id)
    cluster: str
    level: Level  # for a "yes" (or, for WEAKNESS_COURSE, per answer below)
    source: str  # the seed row it covers


def _group(cluster: str, level: Level, rows: Mapping[str, str]) -> tuple[Rule, ...]:
    """The questions of one cluster that share a level, each with the row of seed 000
    Fig. 2 it asks (the seed text after "000 Fig. 2: ")."""
    return tuple(Rule(item, cluster, level, f"000 Fig. 2: {row}") for item, row in rows.items())


# fmt: off
RULES: tuple[Rule, ...] = (
    # --- Neurologische noodgevallen: "Stuur de patiënt naar de spoeddienst" (seed 000) ---
    *_group("neuro", "urgent", {
        "neuro_bladder": "urineretentie, fecale of urinaire incontinentie (cauda equina)",
        "neuro_saddle": "zadelanesthesie/hypo-esthesie, geïsoleerde seksuele stoornissen",
        "neuro_widespread":
            "wijdverspreide (armen of bilateraal) motorische of gevoelsstoornissen",
        "neuro_numb": "progressieve neurologische symptomen (gevoelsverlies dat toeneemt)",
        "neuro_cranial": "wijdverspreide neurologische symptomen: hersenzenuwen",
        "neuro_gait": "piramidale tekenen, coördinatieproblemen",
    }),
    # --- leg weakness: seed 000 vs pathway 002 / case 003, level per answer in
    # WEAKNESS_LEVELS below ---
    Rule("weak_course", "weakness", "urgent",
         "000 Fig. 2: ernstig motorisch deficit < 48 u; progressieve neurologische symptomen;"
         " 002/003: MRC <= 3 of 4 of progressief verlies -> advies rugchirurg <= 48 u"),
    # --- Traumatische fractuur: spoeddienst (seed 000) ---
    *_group("trauma", "urgent", {
        "trauma_major": "ernstige lage rugpijn na significant/hoge-energie trauma",
        "trauma_bechterew": "rugpijn na trauma met spondylitis ankylosans",
    }),
    # A minor fall or knock alone is the context of the pathological-fracture line, not a
    # flag of its own: the seeds give it no urgency.
    *_group("trauma", "note", {
        "trauma_screen": "lage rugpijn na mineur trauma (context van pathologische fractuur)",
    }),
    # --- Vasculaire problemen: "Dringend (onmiddellijk)" (seed 000) ---
    *_group("vascular", "urgent", {
        "vascular_foot": "vasculaire tekenen (koude voet, verminderde perifere pulsatie)",
        "vascular_faint": "gescheurd aneurysma van de aorta, lage rugpijn of zelfs shock",
    }),
    # --- Pathologische fractuur: binnen de 48 u; one factor is enough (seed 000) ---
    *_group("pathological", "semi_urgent", {
        "path_cancer": "voorgeschiedenis van kanker",
        "path_weight": "onverklaard gewichtsverlies (pathologische fractuur en infectie)",
        "path_tired": "vermoeidheid",
        "path_age": "hogere leeftijd",
        "path_osteoporosis":
            "voorgeschiedenis/risico van osteoporose (ook: eerdere breuk bij een kleine val)",
        "path_steroids": "chronisch corticoïdengebruik",
        "path_chest": "pijn in de borstkas",
    }),
    # --- Infectie: binnen de 48 u; one factor is enough (seed 000) ---
    *_group("infection", "semi_urgent", {
        "inf_fever": "objectieve tekenen: koorts, rillingen",
        "inf_sweats": "objectieve tekenen: nachtzweten",
        "inf_infection": "urinaire of huidinfectie",
        "inf_systemic": "gekende voorgaande of samengaande systemische infectie",
        "inf_injection": "risico op infectie (recente infiltratie of prik in de rug)",
        "inf_surgery": "recente chirurgische ingreep",
        "inf_immune": "immunodeficiënte patiënt",
        "inf_drugs": "intraveneus druggebruik",
    }),
)

WEAKNESS_COURSE = "weak_course"
WEAKNESS_LEVELS: dict[str, Level] = {
    # < 48 h: seed 000 "ernstig motorisch deficit opgetreden sinds minder dan 48 u" -> urgent
    "new": "urgent",
    "new_severe": "urgent",  # the value of flow version 1
    # Getting worse: seed 000 "progressieve neurologische symptomen" -> spoeddienst; seeds
    # 002/003 "4 of progressief verlies" -> spine surgeon within 48 h. The seeds disagree:
    # the stricter level is taken (urgent).
    "worse": "urgent",
    # Stable: a severe deficit (MRC <= 3: foot drop, cannot stand on heels or toes, the leg
    # gives way) -> "Chirurg <= 48u" (002) whatever its age; case 003 calls MRC 3/5 "urgent
    # advies rugchirurgie" and MRC 4/5 "semiurgent advies rugchirurgie (48 uur)". A patient
    # cannot grade MRC 3 from 4, so every stable weakness gets the 48 h surgeon's opinion:
    # stricter than 002's "5 of stabiel" for a mild stable weakness, never only a note.
    "stable": "semi_urgent",
}

#: a screen question and the detail questions asked after its "yes": a "yes" to the screen
#: with every detail "no" is a note (tell your doctor) once the details are all answered
SCREENS: dict[str, tuple[str, tuple[str, ...]]] = {
    "weak_screen": ("weakness", (WEAKNESS_COURSE,)),
    "trauma_screen": ("trauma", ("trauma_major", "trauma_bechterew")),
    "path_screen": ("pathological", tuple(r.item for r in RULES if r.item.startswith("path_"))),
    "inf_screen": ("infection", tuple(r.item for r in RULES if r.item.startswith("inf_"))),
}

#: answers stored with a flag for context: the weakness course means nothing without it
CONTEXT: dict[str, tuple[str, ...]] = {WEAKNESS_COURSE: ("weak_screen",)}

#: facts that do not change between check-ins (a history, not a new sign): once a doctor
#: has seen the patient for them they are a note ("tell your doctor") at later checks
STABLE_FACTS = frozenset(
    {"path_cancer", "path_age", "path_osteoporosis", "path_steroids", "inf_immune", "inf_drugs"}
)

#: the rows of seed 000 Fig. 2 (verbatim) and the questions that ask them
FIG2: dict[str, tuple[str, ...]] = {
    "Wijdverspreide (bv. aan de armen, hersenzenuwen of bilateraal) neurologische symptomen"
    " (piramidale tekenen, coördinatieproblemen, motorische of gevoelsstoornissen …)": (
        "neuro_widespread", "neuro_cranial", "neuro_gait"),
    "Progressieve neurologische symptomen": ("neuro_numb", "weak_course"),
    "Zadelanesthesie/hypo-esthesie, urineretentie, fecale of urinaire incontinentie,"
    " geïsoleerde seksuele stoornissen (cauda equina syndroom)": (
        "neuro_bladder", "neuro_saddle"),
    "Ernstig motorisch deficit (Medical Research Council score ≤ 3/5) opgetreden sinds"
    " minder dan 48 u": ("weak_course",),
    "Ernstige lage rugpijn na significant/hoge-energie trauma": ("trauma_major",),
    "Rugpijn na trauma met spondylitis ankylosans": ("trauma_bechterew",),
    "Vasculaire tekenen (koude voet, verminderde perifere arteriële pulsatie) die kunnen"
    " wijzen op een gescheurd aneurysma van de aorta als ze gepaard gaan met lage rugpijn"
    " of zelfs met shock.": ("vascular_foot", "vascular_faint"),
    "Voorgeschiedenis/risico van osteoporose": ("path_osteoporosis",),
    "Chronisch corticoïdengebruik": ("path_steroids",),
    "Pijn in de borstkas": ("path_chest",),
    "Hogere leeftijd": ("path_age",),
    "Onverklaard gewichtsverlies, vermoeidheid": ("path_weight", "path_tired"),
    "Voorgeschiedenis van kanker": ("path_cancer",),
    "Objectieve tekenen (bv. nachtzweten, koorts, rillingen)": ("inf_fever", "inf_sweats"),
    "Intraveneus druggebruik": ("inf_drugs",),
    "Immunodeficiënte patiënt": ("inf_immune",),
    # weight loss is asked once, in the pathological group, and escalates there (48 h)
    "Onverklaard gewichtsverlies": ("path_weight",),
    "Gekende voorgaande of samengaande systemische infectie of risico op infectie": (
        "inf_systemic", "inf_injection"),
    "Recente chirurgische ingreep": ("inf_surgery",),
    "Urinaire of huidinfectie": ("inf_infection",),
}
#: the level each Fig. 2 section asks for (the table test checks every row against it)
FIG2_SECTION: dict[str, Level] = {
    "neuro": "urgent", "trauma": "urgent", "vascular": "urgent", "weakness": "urgent",
    "pathological": "semi_urgent", "infection": "semi_urgent",
}
# fmt: on


@dataclass(frozen=True)
class Escalation:
    level: Level
    cluster: str
    items: tuple[str, ...]  # the answers that raised it


def _rule_level(rule: Rule, answers: Mapping[str, object]) -> Level | None:
    value = answers.get(rule.item)
    if rule.item == WEAKNESS_COURSE:
        return WEAKNESS_LEVELS.get(value) if isinstance(value, str) else None
    return rule.level if value is True else None


def evaluate(answers: Mapping[str, object]) -> list[Escalation]:
    """The escalations the answers given so far justify, urgent first; one per cluster."""
    found: list[Escalation] = []
    for cluster in CLUSTERS:
        hits = [
            (rule, level)
            for rule in RULES
            if rule.cluster == cluster and (level := _rule_level(rule, answers)) is not None
        ]
        notes = [
            screen
            for screen, (c, details) in SCREENS.items()
            if c == cluster and answers.get(screen) is True
        ]
        if any(level != "note" for _, level in hits):
            best = min((level for _, level in hits), key=_ORDER.__getitem__)
            items = tuple(
                item
                for r, level in hits
                if level != "note"
                for item in (*CONTEXT.get(r.item, ()), r.item)
            )
            found.append(Escalation(best, cluster, items))
        elif notes and all(_details_done(answers, screen) for screen in notes):
            found.append(Escalation("note", cluster, tuple(notes)))
    return sorted(found, key=lambda e: _ORDER[e.level])


def _details_done(answers: Mapping[str, object], screen: str) -> bool:
    """Every detail question asked after this screen question is answered."""
    return all(item in answers for item in SCREENS[screen][1])


def rule_items() -> set[str]:
    """Every item id the rules read (checked against the flow by the tests)."""
    return {r.item for r in RULES} | set(SCREENS)
