"""Flow definitions: declarative YAML files in flows/, validated at start-up.

A flow file holds ids only (message ids, item ids), never patient-facing text.
Anything wrong fails loudly with the file and the step named, so a broken flow
never reaches a patient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.engine.model import AnswerValue, Language

AnswerType = Literal["choice", "scale", "yesno", "text", "info"]
# generic: a plain scale (the NRS) with no language version to validate
Provenance = Literal["validated", "partial", "unvalidated", "generic"]
Recall = Literal["now", "week"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: int | bool | str
    label: str


class AnswerSpec(_Strict):
    type: AnswerType
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    min_label: str | None = None
    max_label: str | None = None
    max_length: int = 1000

    @model_validator(mode="after")
    def _check_shape(self) -> AnswerSpec:
        if self.type == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice needs at least two options")
            values = [o.value for o in self.options]
            if len(set(map(repr, values))) != len(values):
                raise ValueError("choice option values must be unique")
        elif self.options:
            raise ValueError(f"options are only for choice answers, not {self.type}")
        if self.type == "scale":
            if self.min is None or self.max is None or self.min >= self.max:
                raise ValueError("a scale needs integer min < max")
            if self.max - self.min > 20:
                raise ValueError("a scale of more than 21 buttons does not fit a chat")
        return self


class Condition(_Strict):
    any: dict[str, int | bool | str] | None = None
    all: dict[str, int | bool | str] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        if (self.any is None) == (self.all is None):
            raise ValueError("a condition has exactly one of 'any' or 'all'")
        return self

    @property
    def items(self) -> dict[str, int | bool | str]:
        return self.any if self.any is not None else (self.all or {})

    def holds(self, answers: Mapping[str, AnswerValue | None]) -> bool:
        def matches(item: str, want: AnswerValue) -> bool:
            got = answers.get(item)
            return got is not None and type(got) is type(want) and got == want

        if self.any is not None:
            return any(matches(i, v) for i, v in self.any.items())
        return all(matches(i, v) for i, v in (self.all or {}).items())


class Step(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    answer: AnswerSpec
    lead_in: str | None = None
    when: Condition | None = None
    group: str | None = None
    sets: Literal["language", "consent"] | None = None
    skip_if_set: bool = False  # with `sets`: skip the step when that value is already known
    keep: bool = False  # its text stays in the chat: the next question never replaces it


class Flow(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    kind: Literal["questionnaire", "dialogue"]
    title: str
    instrument: str | None = None
    notice: str | None = None
    provenance: dict[Language, Provenance] = Field(default_factory=dict)
    orders: dict[Language, tuple[str, ...]] = Field(default_factory=dict)
    steps: tuple[Step, ...]
    next: tuple[str, ...] = ()
    # The recall period a pain rating asks about ("now" or "the past week"); stored with
    # every score of the flow, so that charts and summaries compare like with like. Named
    # exactly by the flows of an instrument whose descriptor says `recall: true`.
    recall: Recall | None = None

    @model_validator(mode="after")
    def _check_steps(self) -> Flow:
        ids = [s.id for s in self.steps]
        seen: set[str] = set()
        for step_id in ids:
            if step_id in seen:
                raise ValueError(f"step {step_id}: duplicate step id")
            seen.add(step_id)
        if (self.kind == "questionnaire") != (self.instrument is not None):
            raise ValueError("a questionnaire names its instrument, a dialogue does not")
        if self.kind == "questionnaire" and set(self.provenance) != {"nl", "fr"}:
            raise ValueError("a questionnaire's provenance must name both nl and fr")
        for lang, order in self.orders.items():
            if sorted(order) != sorted(ids):
                raise ValueError(f"orders.{lang} must list every step id exactly once")
        languages: tuple[Language, ...] = ("nl", "fr")
        for lang in languages:
            before: set[str] = set()
            for step in self.ordered(lang):
                if step.when is not None:
                    unknown = set(step.when.items) - before
                    if unknown:
                        raise ValueError(
                            f"step {step.id}: 'when' refers to {sorted(unknown)}, "
                            f"not an earlier step in the {lang} order"
                        )
                before.add(step.id)
        return self

    def ordered(self, language: Language) -> tuple[Step, ...]:
        order = self.orders.get(language)
        if order is None:
            return self.steps
        by_id = {s.id: s for s in self.steps}
        return tuple(by_id[i] for i in order)

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def message_ids(self) -> Iterable[tuple[str, str]]:
        """(where, msgid) for every message id the flow uses."""
        yield "title", self.title
        if self.notice:
            yield "notice", self.notice
        for s in self.steps:
            yield f"step {s.id}", s.text
            if s.lead_in:
                yield f"step {s.id} lead_in", s.lead_in
            for o in s.answer.options:
                yield f"step {s.id} option {o.value!r}", o.label
            for label in (s.answer.min_label, s.answer.max_label):
                if label:
                    yield f"step {s.id} scale label", label


class FlowError(ValueError):
    """A flow file is invalid; the message names the file and the step."""


def _format_validation(path: Path, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        lines.append(f"{path}: {loc}: {e['msg']}" if loc else f"{path}: {e['msg']}")
    return "\n".join(lines)


Model = TypeVar("Model", bound=BaseModel)


def read_model(path: Path, model: type[Model], error: type[ValueError], what: str) -> Model:
    """Read the YAML file `path` as `model` (with an `id` equal to the file name); every
    problem raises `error` naming the file. `what` names the kind of file in messages.
    Shared by flows and instrument descriptors."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise error(f"{path}: a {what} file is a mapping")
    try:
        value = model.model_validate(raw)
    except ValidationError as exc:
        raise error(_format_validation(path, exc)) from exc
    if getattr(value, "id", None) != path.stem:
        raise error(f"{path}: {what} id {getattr(value, 'id', None)!r} must match the file name")
    return value


def load_flow(path: Path) -> Flow:
    return read_model(path, Flow, FlowError, "flow")


def load_flows(
    directory: Path,
    has_message: Callable[[str], bool],
    instruments: Iterable[str] | None = None,
) -> dict[str, Flow]:
    """Load and cross-check every flow in `directory`.

    `has_message(msgid)` must be true only for ids present in every language.
    `instruments`, when given, are the scoring ids that exist.
    """
    flows: dict[str, Flow] = {}
    paths = sorted(directory.glob("*.yaml"))
    for path in paths:
        flow = load_flow(path)
        for where, msgid in flow.message_ids():
            if not has_message(msgid):
                raise FlowError(f"{path}: {where}: unknown or untranslated message id {msgid!r}")
        flows[flow.id] = flow
    known_instruments = set(instruments) if instruments is not None else None
    for flow in flows.values():
        path = directory / f"{flow.id}.yaml"
        for nxt in flow.next:
            if nxt not in flows:
                raise FlowError(f"{path}: next: unknown flow {nxt!r}")
        if (
            known_instruments is not None
            and flow.instrument is not None
            and flow.instrument not in known_instruments
        ):
            raise FlowError(f"{path}: instrument {flow.instrument!r} has no scoring function")
    return flows
