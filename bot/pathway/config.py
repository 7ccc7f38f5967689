"""Schedule defaults of the care pathway, loaded and validated from ``config.yaml``."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator

from bot.pathway.quiet_hours import in_quiet_hours

PainType = Literal["back", "radicular"]
ReviewKind = Literal[
    "review_severe_pain",
    "review_multimodal",
    "review_subacute",
    "review_specialist",
    "review_chronic",
]

MOMENT_KINDS = ("risk_questionnaire", "checkin", "comi", *get_args(ReviewKind))

DEFAULT_PATH = Path(__file__).with_name("config.yaml")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PhaseBoundaries(_Frozen):
    """First day of each phase counted from onset (day 0); intervals are half-open."""

    acute_from_day: PositiveInt
    subacute_from_day: PositiveInt
    chronic_from_day: PositiveInt

    @model_validator(mode="after")
    def _increasing(self) -> PhaseBoundaries:
        if not self.acute_from_day < self.subacute_from_day < self.chronic_from_day:
            raise ValueError("phase boundaries must be strictly increasing")
        return self


class PerPainType(_Frozen):
    back: PositiveInt
    radicular: PositiveInt

    def of(self, pain_type: PainType) -> int:
        return self.back if pain_type == "back" else self.radicular


class RiskQuestionnaire(_Frozen):
    after_onset_days: PerPainType
    not_before_hours: int = Field(ge=0)
    at_once_if_onset_over_days: PositiveInt
    at_once_if_recurrent: bool


class Cadence(_Frozen):
    first_after_first_contact_days: PositiveInt
    every_days: PositiveInt


class Checkins(_Frozen):
    back: Cadence
    radicular: Cadence

    def of(self, pain_type: PainType) -> Cadence:
        return self.back if pain_type == "back" else self.radicular


class Comi(_Frozen):
    weeks_after_first_contact: tuple[int, ...]
    then_every_weeks: PositiveInt

    @field_validator("weeks_after_first_contact")
    @classmethod
    def _sorted(cls, weeks: tuple[int, ...]) -> tuple[int, ...]:
        if not weeks or any(w < 0 for w in weeks) or list(weeks) != sorted(set(weeks)):
            raise ValueError("COMI weeks must be non-empty, non-negative and increasing")
        return weeks


class BackReviews(_Frozen):
    review_multimodal: PositiveInt
    review_subacute: PositiveInt
    review_chronic: PositiveInt

    def after_onset_days(self) -> list[tuple[ReviewKind, int]]:
        return [
            ("review_multimodal", self.review_multimodal),
            ("review_subacute", self.review_subacute),
            ("review_chronic", self.review_chronic),
        ]


class RadicularReviews(_Frozen):
    review_severe_pain: PositiveInt
    review_specialist: PositiveInt
    review_chronic: PositiveInt

    def after_onset_days(self) -> list[tuple[ReviewKind, int]]:
        return [
            ("review_severe_pain", self.review_severe_pain),
            ("review_specialist", self.review_specialist),
            ("review_chronic", self.review_chronic),
        ]


class Reviews(_Frozen):
    min_after_first_contact_days: int = Field(ge=0)
    # the week 1-2 radicular review needs a check-in NRS first (check-in at +7 days)
    severe_pain_min_after_first_contact_days: int = Field(ge=0)
    severe_pain_nrs_above: int = Field(ge=0, le=10)
    back: BackReviews
    radicular: RadicularReviews

    def min_days(self, kind: ReviewKind) -> int:
        if kind == "review_severe_pain":
            return self.severe_pain_min_after_first_contact_days
        return self.min_after_first_contact_days


class QuietHours(_Frozen):
    """Local times; the window wraps midnight when ``start > end``."""

    start: time
    end: time

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("quiet hours start and end must differ")
        return self


class Reminders(_Frozen):
    answer_window_hours: PositiveInt
    nudge_after_hours: PositiveInt
    max_nudges: int = Field(ge=0, le=1)  # "one nudge at most"
    # moment kind -> days: a questionnaire of that moment completed this recently counts
    # as done, and the reminder does not ask it again
    done_within_days: dict[str, PositiveInt] = Field(default_factory=dict)

    @field_validator("done_within_days")
    @classmethod
    def _known_kinds(cls, days: dict[str, int]) -> dict[str, int]:
        unknown = set(days) - set(MOMENT_KINDS)
        if unknown:
            raise ValueError(f"done_within_days names unknown moment kinds {sorted(unknown)}")
        return days

    @model_validator(mode="after")
    def _nudge_inside_window(self) -> Reminders:
        if self.nudge_after_hours >= self.answer_window_hours:
            raise ValueError("the nudge must come before the answer window ends")
        return self


class Snooze(_Frozen):
    tomorrow_days: PositiveInt
    next_week_days: PositiveInt


class PathwayConfig(_Frozen):
    timezone: str
    phases: PhaseBoundaries
    risk_questionnaire: RiskQuestionnaire
    checkins: Checkins
    comi: Comi
    reviews: Reviews
    # the seed and line each moment kind comes from (shown by `backpath pathway`)
    sources: dict[str, str]
    quiet_hours: QuietHours
    preferred_time: time
    reminders: Reminders
    snooze: Snooze

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {name!r}") from exc
        return name

    @field_validator("sources")
    @classmethod
    def _every_moment_has_a_source(cls, sources: dict[str, str]) -> dict[str, str]:
        if set(sources) != set(MOMENT_KINDS):
            raise ValueError(f"sources must name exactly the moment kinds {list(MOMENT_KINDS)}")
        return sources

    @model_validator(mode="after")
    def _preferred_outside_quiet_hours(self) -> PathwayConfig:
        if in_quiet_hours(self.preferred_time, self.quiet_hours.start, self.quiet_hours.end):
            raise ValueError("preferred_time must be outside the quiet hours")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_config(path: Path | None = None) -> PathwayConfig:
    """Load and validate the pathway config (the packaged ``config.yaml`` by default)."""
    with (path or DEFAULT_PATH).open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return PathwayConfig.model_validate(raw)
