"""Which answers of the red-flag screen (flows/redflags.yaml) call for which care.

The KCE red-flag table (shared/clinical/red-flags.md) sorted into clusters, with the
asymmetry of a patient-facing bot: a missed emergency is far worse than a needless
call, so every rule errs towards escalation.

- Urgent clusters (neurological emergency, traumatic fracture, vascular): ONE "yes" is
  enough -> call 112 / emergency department now.
- Leg weakness: new and severe -> urgent; getting worse -> within 48 h; stable -> a note
  for the clinician.
- Semi-urgent clusters (pathological fracture, infection) follow the KCE cluster logic:
  a history of cancer alone, or an objective sign of infection (fever, chills, night
  sweats) alone, or TWO OR MORE factors of one cluster -> GP within 48 h (1733 out of
  hours). A single other factor -> a note for the clinician, no message.

`evaluate` is called after every answer, so an escalation is raised the moment the
answers justify it, before the next question is asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Level = Literal["urgent", "semi_urgent", "note"]

URGENT_CLUSTERS = ("neuro", "trauma", "vascular")
CLUSTERS = ("neuro", "trauma", "vascular", "weakness", "pathological", "infection")

#: urgent cluster -> items of which one "yes" is enough
URGENT_ITEMS: dict[str, tuple[str, ...]] = {
    "neuro": ("neuro_bladder", "neuro_saddle", "neuro_widespread"),
    "trauma": ("trauma_major", "trauma_bechterew"),
    "vascular": ("vascular_foot", "vascular_faint"),
}
#: semi-urgent cluster -> its factors; a factor may count for two clusters (weight loss)
FACTORS: dict[str, tuple[str, ...]] = {
    "pathological": (
        "path_cancer",
        "path_weight",
        "path_tired",
        "path_age",
        "path_osteoporosis",
        "path_steroids",
        "path_chest",
        "trauma_screen",
    ),
    "infection": (
        "inf_fever",
        "inf_sweats",
        "inf_infection",
        "inf_surgery",
        "inf_immune",
        "inf_drugs",
        "path_weight",
    ),
}
#: a factor that escalates on its own
SUFFICIENT: dict[str, tuple[str, ...]] = {
    "pathological": ("path_cancer",),
    "infection": ("inf_fever", "inf_sweats"),
}
#: facts that do not change between check-ins (a history, not a new sign)
STABLE_FACTS = frozenset(
    {"path_cancer", "path_age", "path_osteoporosis", "path_steroids", "inf_immune", "inf_drugs"}
)
#: the screen question of each semi-urgent cluster: "yes" with no detail still makes a note
SCREENS: dict[str, str] = {"pathological": "path_screen", "infection": "inf_screen"}
WEAKNESS_COURSE = "weak_course"
WEAKNESS_LEVELS: dict[str, Level] = {
    "new_severe": "urgent",
    "worse": "semi_urgent",
    "stable": "note",
}
#: minor trauma counts as a pathological factor only when no major trauma was reported
MINOR_TRAUMA = "trauma_screen"


@dataclass(frozen=True)
class Escalation:
    level: Level
    cluster: str
    items: tuple[str, ...]  # the answers that raised it


def _yes(answers: Mapping[str, object], item: str) -> bool:
    return answers.get(item) is True


def evaluate(answers: Mapping[str, object]) -> list[Escalation]:
    """The escalations the answers given so far justify, urgent first."""
    found: list[Escalation] = []
    for cluster, items in URGENT_ITEMS.items():
        hits = tuple(i for i in items if _yes(answers, i))
        if hits:
            found.append(Escalation("urgent", cluster, hits))
    course = answers.get(WEAKNESS_COURSE)
    if isinstance(course, str) and course in WEAKNESS_LEVELS:
        found.append(
            Escalation(WEAKNESS_LEVELS[course], "weakness", ("weak_screen", WEAKNESS_COURSE))
        )
    major = any(_yes(answers, i) for i in URGENT_ITEMS["trauma"])
    for cluster, factors in FACTORS.items():
        hits = tuple(f for f in factors if _yes(answers, f) and not (f == MINOR_TRAUMA and major))
        if any(f in SUFFICIENT[cluster] for f in hits) or len(hits) >= 2:
            found.append(Escalation("semi_urgent", cluster, hits))
        elif hits:
            found.append(Escalation("note", cluster, hits))
        elif _yes(answers, SCREENS[cluster]) and _details_done(answers, cluster):
            found.append(Escalation("note", cluster, (SCREENS[cluster],)))
    order = {"urgent": 0, "semi_urgent": 1, "note": 2}
    return sorted(found, key=lambda e: order[e.level])


def _details_done(answers: Mapping[str, object], cluster: str) -> bool:
    """All detail questions asked after this cluster's screen question are answered."""
    prefix = SCREENS[cluster].removesuffix("screen")
    return all(f in answers for f in FACTORS[cluster] if f.startswith(prefix))


def rule_items() -> set[str]:
    """Every item id the rules read (checked against the flow by the tests)."""
    items = {i for v in URGENT_ITEMS.values() for i in v}
    items |= {i for v in FACTORS.values() for i in v}
    items |= set(SCREENS.values()) | {WEAKNESS_COURSE}
    return items
