"""The instrument descriptor: one YAML file per instrument in `flows/instruments/<id>.yaml`.

A descriptor says what BackPath does with an instrument's result; the flow it names says
how it is asked (items, answer values, provenance per language). Both are data: adding an
instrument is a flow, a descriptor, catalog entries in both languages and one scoring
function (named `module:function`, so it may live outside `bot/`). The shape is checked
here (pydantic); `bot/instruments/registry.py` checks it against the flows and catalogs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.engine.flows import read_model

#: Where descriptors live, below the flows directory (load_flows reads only `*.yaml` there).
DIRECTORY = "instruments"
_ID = r"^[a-z][a-z0-9_]*$"
_REF = r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$"  # "package.module:function"

#: What an instrument is for on the pathway: `risk` is asked at the risk moment (STarT
#: Back), `follow_up` at the follow-up moments and compared with the episode's baseline
#: (COMI), `pain` is the pain rating of /pain, check-ins and trends (NRS). At most one
#: instrument has each role.
Role = Literal["risk", "follow_up", "pain"]
Risk = Literal["low", "medium", "high"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    """A result category: patient text `result.<id>.<category>`, clinician label
    `report.category.<id>.<category>`, meaning `report.meaning.<id>.<category>`."""

    id: str = Field(pattern=_ID)
    risk: Risk | None = None  # the pathway's risk level this category means, if any


class Change(_Strict):
    """How a result compares with the episode's baseline (role follow_up): the function
    `(baseline, current) -> outcome` and its outcomes (patient text `result.<id>.<outcome>`)."""

    function: str = Field(pattern=_REF)
    outcomes: tuple[str, ...] = Field(min_length=1)
    # the roster's trend per outcome (`better` / `same` / `worse`)
    trends: dict[str, Literal["better", "same", "worse"]]


_COLOR = r"^#[0-9a-fA-F]{6}$"


class Chart(_Strict):
    """A line on the progress charts (patient: label `chart.<id>`; clinician:
    `report.instrument.<id>`). Every charted total shares the 0-10 axis."""

    color: str = Field(pattern=_COLOR)
    marker: str = "o"
    order: int = 0  # drawing and legend order
    # Ratings of the moment (recall "now"), drawn apart as markers without a line on the
    # patient's chart (label `chart.<id>_now`); without it they join the line.
    now_color: str | None = Field(default=None, pattern=_COLOR)
    now_marker: str = "^"
    # A name patients do not know (COMI): the patient's chart says what it is, in a line
    # under the chart (`chart.<id>_note`).
    explained: bool = False


class Codes(_Strict):
    """Standard codes (LOINC) of the instrument: the panel, items, scores, categories.

    `scores` keys are score linkIds without `score.` (`total`, a subscale, `category`);
    `categories` maps a category id to (code, display).
    """

    panel: str | None = None
    items: dict[str, str] = Field(default_factory=dict)
    scores: dict[str, str] = Field(default_factory=dict)
    categories: dict[str, tuple[str, str]] = Field(default_factory=dict)


class Report(_Strict):
    """How the clinician summary treats the result."""

    # the result is less reliable with radicular pain (the report adds a note)
    radicular_sensitive: bool = False


class ItemHelp(_Strict):
    """`backpath score --help`: how paper answers to these items are typed."""

    items: tuple[str, ...] = Field(min_length=1)
    coding: str


class Output(_Strict):
    """The published JSON object of `backpath score`: `instrument`, the total under
    `total`, the subscales at the top level or nested under `subscales`, the category
    under `category` or as a yes/no `flag` (true for one category)."""

    total: str = "total"
    decimal: bool = False  # always a decimal number (else whole totals print as integers)
    subscales: str | None = None
    category: str = "category"
    flag: dict[str, str] | None = None  # {key: category}: `key` is true for that category

    @model_validator(mode="after")
    def _one_flag(self) -> Output:
        if self.flag is not None and len(self.flag) != 1:
            raise ValueError("flag names exactly one key and its category")
        return self


class ScoreCli(_Strict):
    help: tuple[ItemHelp, ...] = ()
    output: Output = Output()


class Descriptor(_Strict):
    id: str = Field(pattern=_ID)
    version: int = Field(ge=1)
    label: str  # the instrument's name in `backpath score --help` (not patient-facing)
    flow: str = Field(pattern=_ID)  # the flow that asks it: items, values, provenance
    scorer: str = Field(pattern=_REF)  # (answers) -> InstrumentScore
    driver: str | None = Field(default=None, pattern=_REF)  # (item, value) -> points | None
    max_total: int = Field(gt=0)
    subscales: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    roles: tuple[Role, ...] = ()
    order: int = 100  # position in lists and columns (then the id)
    startable: bool = False  # a command `/<flow>` and a menu entry `menu.<flow>`
    recall: bool = False  # the flows asking it name their recall period (now | week)
    change: Change | None = None
    chart: Chart | None = None
    codes: Codes = Codes()
    report: Report = Report()
    score_cli: ScoreCli = ScoreCli()

    @model_validator(mode="after")
    def _check(self) -> Descriptor:
        ids = [c.id for c in self.categories]
        if len(set(ids)) != len(ids):
            raise ValueError("category ids must be unique")
        unknown = set(self.codes.categories) - set(ids)
        if unknown:
            raise ValueError(f"codes.categories: unknown categories {sorted(unknown)}")
        if len(set(self.roles)) != len(self.roles):
            raise ValueError("a role is named twice")
        if ("follow_up" in self.roles) != (self.change is not None):
            raise ValueError("a follow_up instrument names its change rule, nothing else does")
        if self.change is not None and set(self.change.trends) != set(self.change.outcomes):
            raise ValueError("change.trends must give a trend for every outcome")
        return self


class DescriptorError(ValueError):
    """A descriptor is invalid or disagrees with its flow, scorer or the catalogs."""


def read_descriptor(path: Path) -> Descriptor:
    return read_model(path, Descriptor, DescriptorError, "descriptor")


def read_descriptors(flows_dir: Path) -> dict[str, Descriptor]:
    """Every descriptor in `<flows_dir>/instruments/`, by id."""
    return {
        d.id: d
        for d in (read_descriptor(p) for p in sorted((flows_dir / DIRECTORY).glob("*.yaml")))
    }
