"""KCE self-management advice: the library model, its loader and the pure selection rule.

The library lives in ``library.yaml`` next to this module. Each item names the
situations it fits (phase, pain type, risk group, questionnaire answers, trigger);
``select_advice`` picks the best fitting items the patient has not seen recently.

Ordering rule of ``select_advice`` (first criterion wins, later ones break ties):

1. specificity: the number of the item's answer conditions the patient's answers
   satisfy, highest first. An item tailored to what the patient told us (for example
   "afraid that moving is unsafe") comes before general information;
2. priority, highest first (set by the content authors in the YAML; items tailored
   to the risk group or pain type carry high priorities for the same reason);
3. id, alphabetically, so that the result never depends on the file order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml

THEMES = frozenset(
    {
        "pain_not_damage",
        "strong_back",
        "keep_moving",
        "normal_activities",
        "work",
        "sleep_stress",
        "brain_amplifier",
        "imaging",
        "medication",
        "flare",
        "when_to_see_doctor",
        "multimodal",
        "recovery_outlook",
    }
)
PHASES = frozenset({"hyperacute", "acute", "subacute", "chronic"})
PAIN_TYPES = frozenset({"back", "radicular"})
RISKS = frozenset({"low", "medium", "high"})
# Themes that reassure about damage: never while a red flag awaits a doctor.
REASSURANCE_THEMES = frozenset({"pain_not_damage"})
TRIGGERS = frozenset({"onboarding", "result", "checkin", "advice_command", "flare"})

DEFAULT_LIBRARY = Path(__file__).with_name("library.yaml")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ANSWER_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_ITEM_KEYS = frozenset(
    {"id", "version", "themes", "phases", "pain_types", "risk", "answers", "triggers", "priority"}
)


@dataclass(frozen=True)
class AnswerCondition:
    """One condition on a stored answer: an exact value, or a ``min``/``max`` bound."""

    key: str
    equals: int | None = None
    min: int | None = None
    max: int | None = None

    def matches(self, answers: Mapping[str, int]) -> bool:
        """True when the answer exists and satisfies the condition (no answer: no match)."""
        value = answers.get(self.key)
        if value is None:
            return False
        if self.equals is not None and value != self.equals:
            return False
        if self.min is not None and value < self.min:
            return False
        return self.max is None or value <= self.max


@dataclass(frozen=True)
class AdviceItem:
    """One advice text and the situations it fits.

    ``None`` for ``phases``, ``pain_types`` or ``risk`` means "no restriction" (an
    unknown value in the profile fits too). ``answers`` with ``answers_mode`` "all"
    needs every condition, "any" at least one; no conditions means untailored.
    """

    id: str
    version: int
    themes: tuple[str, ...]
    triggers: frozenset[str]
    priority: int
    phases: frozenset[str] | None = None
    pain_types: frozenset[str] | None = None
    risk: frozenset[str] | None = None
    answers: tuple[AnswerCondition, ...] = ()
    answers_mode: Literal["all", "any"] = "all"

    @property
    def title_msgid(self) -> str:
        return f"advice.{self.id}.title"

    @property
    def body_msgid(self) -> str:
        return f"advice.{self.id}.body"

    def matched_answers(self, answers: Mapping[str, int]) -> int:
        """How many answer conditions the answers satisfy (the item's specificity)."""
        return sum(1 for condition in self.answers if condition.matches(answers))

    def fits(self, profile: PatientProfile, trigger: str) -> bool:
        if trigger not in self.triggers:
            return False
        for allowed, value in (
            (self.phases, profile.phase),
            (self.pain_types, profile.pain_type),
            (self.risk, profile.risk),
        ):
            if allowed is not None and value not in allowed:
                return False
        if not self.answers:
            return True
        matched = self.matched_answers(profile.answers)
        return matched == len(self.answers) if self.answers_mode == "all" else matched > 0


@dataclass(frozen=True)
class PatientProfile:
    """What selection knows about the patient; ``None`` means not known yet."""

    phase: str | None = None
    pain_type: str | None = None
    risk: str | None = None
    answers: Mapping[str, int] = field(default_factory=dict)
    red_flag_open: bool = False
    # Any flag (a note for the clinician too) not yet followed by a doctor's visit:
    # reassurance about damage waits until a doctor has looked (KCE: rule out first).
    flag_unseen: bool = False

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("phase", self.phase, PHASES),
            ("pain_type", self.pain_type, PAIN_TYPES),
            ("risk", self.risk, RISKS),
        ):
            if value is not None and value not in allowed:
                raise ValueError(f"unknown {name} {value!r}")


def select_advice(
    library: Sequence[AdviceItem],
    profile: PatientProfile,
    trigger: str,
    shown: Sequence[tuple[str, datetime]],
    now: datetime,
    repeat_window: timedelta,
    limit: int = 1,
) -> list[AdviceItem]:
    """Up to ``limit`` items fitting ``profile`` and ``trigger``, best first.

    An item shown (``shown`` holds ``(item id, shown at)``) less than ``repeat_window``
    before ``now`` is skipped. Nothing is returned while a red flag is open: the
    patient must first be seen for it (KCE: outside the guideline's scope); items
    reassuring about damage (``REASSURANCE_THEMES``) are also held back while any flag,
    a note for the clinician included, is not followed by a doctor's visit. See the
    module docstring for the ordering rule.
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    if limit < 0:
        raise ValueError("limit must not be negative")
    if profile.red_flag_open:
        return []
    held = REASSURANCE_THEMES if profile.flag_unseen else frozenset()
    recent = {item_id for item_id, shown_at in shown if now - shown_at < repeat_window}
    candidates = [
        item
        for item in library
        if item.id not in recent and item.fits(profile, trigger) and not held & set(item.themes)
    ]
    candidates.sort(
        key=lambda item: (-item.matched_answers(profile.answers), -item.priority, item.id)
    )
    return candidates[:limit]


def load_library(path: Path | None = None) -> tuple[AdviceItem, ...]:
    """Read and validate the advice library; ``ValueError`` names the faulty item."""
    source = path or DEFAULT_LIBRARY
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValueError(f"{source}: expected a mapping with an 'items' list")
    items: list[AdviceItem] = []
    seen: set[str] = set()
    for position, raw in enumerate(data["items"], start=1):
        label = raw.get("id") if isinstance(raw, dict) else None
        name = f"advice item {label!r}" if label else f"advice item #{position}"
        try:
            item = _parse_item(raw)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
        if item.id in seen:
            raise ValueError(f"{name}: duplicate id")
        seen.add(item.id)
        items.append(item)
    return tuple(items)


def _parse_item(raw: Any) -> AdviceItem:
    if not isinstance(raw, dict):
        raise ValueError("expected a mapping")
    unknown = set(raw) - _ITEM_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not _ID.match(item_id):
        raise ValueError("id must be lower_snake_case")
    version = _int(raw.get("version"), "version")
    if version < 1:
        raise ValueError("version must be at least 1")
    answers, mode = _parse_answers(raw.get("answers"))
    return AdviceItem(
        id=item_id,
        version=version,
        themes=tuple(sorted(_names(raw.get("themes"), "themes", THEMES))),
        triggers=_names(raw.get("triggers"), "triggers", TRIGGERS),
        priority=_int(raw.get("priority"), "priority"),
        phases=_optional_names(raw, "phases", PHASES),
        pain_types=_optional_names(raw, "pain_types", PAIN_TYPES),
        risk=_optional_names(raw, "risk", RISKS),
        answers=answers,
        answers_mode=mode,
    )


def _int(value: Any, what: str) -> int:
    # bool is a subclass of int; "priority: yes" is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} must be an integer")
    return value


def _names(value: Any, what: str, allowed: frozenset[str]) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{what} must be a non-empty list")
    names = frozenset(value)
    unknown = {name for name in names if name not in allowed}
    if unknown:
        raise ValueError(f"unknown {what} {sorted(map(str, unknown))}")
    return names


def _optional_names(
    raw: dict[str, Any], what: str, allowed: frozenset[str]
) -> frozenset[str] | None:
    return _names(raw[what], what, allowed) if what in raw else None


def _parse_answers(value: Any) -> tuple[tuple[AnswerCondition, ...], Literal["all", "any"]]:
    """``{key: cond}`` (all must hold) or ``{any: {...}}`` / ``{all: {...}}``."""
    if value is None:
        return (), "all"
    if not isinstance(value, dict) or not value:
        raise ValueError("answers must be a non-empty mapping")
    mode: Literal["all", "any"] = "all"
    if set(value) <= {"any", "all"}:
        if len(value) != 1:
            raise ValueError("answers takes either 'any' or 'all', not both")
        mode = "any" if "any" in value else "all"
        value = value[mode]
        if not isinstance(value, dict) or not value:
            raise ValueError(f"answers.{mode} must be a non-empty mapping")
    return tuple(_parse_condition(key, cond) for key, cond in value.items()), mode


def _parse_condition(key: Any, cond: Any) -> AnswerCondition:
    if not isinstance(key, str) or not _ANSWER_KEY.match(key):
        raise ValueError(f"answer key {key!r} must look like 'instrument.item'")
    if not isinstance(cond, dict):
        return AnswerCondition(key, equals=_int(cond, f"answers.{key}"))
    if not cond or set(cond) - {"min", "max"}:
        raise ValueError(f"answers.{key} takes a value or 'min'/'max'")
    low = _int(cond["min"], f"answers.{key}.min") if "min" in cond else None
    high = _int(cond["max"], f"answers.{key}.max") if "max" in cond else None
    if low is not None and high is not None and low > high:
        raise ValueError(f"answers.{key}: min is above max")
    return AnswerCondition(key, min=low, max=high)
