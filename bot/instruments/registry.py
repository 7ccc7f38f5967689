"""The instrument registry: every descriptor with its functions resolved and checked
against its flows and the catalogs, carried by the runtime (`Runtime.instruments`,
`Engine.instruments`, `ReportContent.instruments`).

Code that needs an instrument asks the registry (`instruments.with_role("risk")`,
`instruments.charted()`), never names one. Loading fails loudly, naming the file, when
a descriptor and its flow, scorer or catalogs disagree, so a broken instrument never
reaches a patient.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.engine.flows import Flow, Provenance, load_flows
from bot.engine.model import Language
from bot.instruments.descriptor import (
    DIRECTORY,
    Category,
    Descriptor,
    DescriptorError,
    Role,
    read_descriptors,
)
from bot.instruments.model import InstrumentScore, ScoringError

Scorer = Callable[[Mapping[str, int]], InstrumentScore]
Driver = Callable[[str, int], "int | None"]
ChangeRule = Callable[[float, float], str]


def resolve(reference: str, where: Path) -> Any:
    """The callable named by `package.module:name` (`where`: the descriptor, for errors)."""
    module_name, _, name = reference.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as error:
        raise DescriptorError(f"{where}: {reference}: {error}") from None
    if not callable(found):
        raise DescriptorError(f"{where}: {reference} is not a function")
    return found


def flow_items(flow: Flow) -> dict[str, tuple[int, ...]]:
    """The scored items of a flow and their allowed stored values: choice options with
    whole-number values, a scale's range, yes/no as 0/1 (texts and info are not scored)."""
    items: dict[str, tuple[int, ...]] = {}
    for step in flow.steps:
        answer = step.answer
        if answer.type == "scale" and answer.min is not None and answer.max is not None:
            items[step.id] = tuple(range(answer.min, answer.max + 1))
        elif answer.type == "yesno":
            items[step.id] = (0, 1)
        elif answer.type == "choice":
            values = [o.value for o in answer.options]
            if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                items[step.id] = tuple(sorted(int(v) for v in values))
    return items


@dataclass(frozen=True)
class Instrument:
    """One instrument, ready to use: its descriptor, functions and items."""

    descriptor: Descriptor
    score: Scorer
    driver: Driver | None
    change: ChangeRule | None
    items: Mapping[str, tuple[int, ...]]  # item id -> allowed stored values
    provenance: Mapping[Language, Provenance]  # language -> validation status (from the flow)

    @property
    def id(self) -> str:
        return self.descriptor.id

    @property
    def flow(self) -> str:
        return self.descriptor.flow

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.descriptor.categories)

    def category(self, category_id: str | None) -> Category | None:
        return next((c for c in self.descriptor.categories if c.id == category_id), None)

    def result_msgids(self) -> frozenset[str]:
        """The patient's result texts: one per category (or one), one per change outcome."""
        base = [f"result.{self.id}.{c}" for c in self.category_ids] or [f"result.{self.id}"]
        change = self.descriptor.change
        outcomes = [f"result.{self.id}.{o}" for o in change.outcomes] if change else []
        return frozenset(base + outcomes)


class Instruments:
    """The registry: instruments in their declared order."""

    def __init__(self, instruments: Iterable[Instrument]) -> None:
        ordered = sorted(instruments, key=lambda i: (i.descriptor.order, i.id))
        self._by_id = {i.id: i for i in ordered}
        for role in ("risk", "follow_up", "pain"):
            having = [i.id for i in ordered if role in i.descriptor.roles]
            if len(having) > 1:
                raise DescriptorError(
                    f"{DIRECTORY}/: role {role!r} is claimed by {having}; at most one"
                )

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self._by_id.values())

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._by_id

    def __getitem__(self, instrument_id: str) -> Instrument:
        return self._by_id[instrument_id]

    def get(self, instrument_id: str | None) -> Instrument | None:
        return self._by_id.get(instrument_id) if instrument_id is not None else None

    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def scorers(self) -> dict[str, Scorer]:
        return {i.id: i.score for i in self}

    def with_role(self, role: Role) -> Instrument | None:
        """The instrument that has `role`, if one does."""
        return next((i for i in self if role in i.descriptor.roles), None)

    def startable(self) -> tuple[Instrument, ...]:
        """The instruments with a command and a menu entry of their own."""
        return tuple(i for i in self if i.descriptor.startable)

    def charted(self) -> tuple[Instrument, ...]:
        """The instruments drawn on the progress charts, in drawing order."""
        drawn = [i for i in self if i.descriptor.chart is not None]
        return tuple(
            sorted(drawn, key=lambda i: i.descriptor.chart.order if i.descriptor.chart else 0)
        )

    def risk_screens(self) -> tuple[Instrument, ...]:
        """The instruments whose categories say the pathway's risk level."""
        return tuple(i for i in self if any(c.risk for c in i.descriptor.categories))


def _bind(
    descriptor: Descriptor,
    flows: Mapping[str, Flow],
    where: Path,
) -> Instrument:
    flow = flows.get(descriptor.flow)
    if flow is None or flow.instrument != descriptor.id:
        raise DescriptorError(f"{where}: flow {descriptor.flow!r} is no questionnaire of it")
    items = flow_items(flow)
    for other in flows.values():  # every flow asking it (the NRS: now and past week)
        if other.instrument == descriptor.id:
            if flow_items(other) != items:
                raise DescriptorError(
                    f"{where}: flows {flow.id!r} and {other.id!r} disagree on items or values"
                )
            if descriptor.recall != (other.recall is not None):
                need = "names" if descriptor.recall else "does not name"
                raise DescriptorError(f"{where}: flow {other.id!r} {need} its recall period")
    score = resolve(descriptor.scorer, where)
    # The scorer must take every answer the flow can give: probe the lowest and highest.
    for pick in (min, max):
        try:
            result = score({item: pick(values) for item, values in items.items()})
        except ScoringError as error:
            raise DescriptorError(
                f"{where}: the scorer and flow {flow.id!r} disagree on items or values: {error}"
            ) from None
        categories = [c.id for c in descriptor.categories]
        if tuple(result.subscales) != descriptor.subscales or (
            result.category not in categories if categories else result.category is not None
        ):
            raise DescriptorError(
                f"{where}: the scorer gives subscales {list(result.subscales)} and category "
                f"{result.category!r}; the descriptor names {list(descriptor.subscales)}, "
                f"{categories}"
            )
    codes = descriptor.codes.items.keys() - items.keys()
    helped = {i for h in descriptor.score_cli.help for i in h.items} - items.keys()
    if codes or helped:
        raise DescriptorError(f"{where}: unknown items {sorted(codes | helped)}")
    return Instrument(
        descriptor=descriptor,
        score=score,
        driver=resolve(descriptor.driver, where) if descriptor.driver else None,
        change=resolve(descriptor.change.function, where) if descriptor.change else None,
        items=items,
        provenance=dict(flow.provenance),
    )


def bind_instruments(
    descriptors: Mapping[str, Descriptor],
    flows: Mapping[str, Flow],
    flows_dir: Path,
) -> Instruments:
    """Resolve and check the descriptors against the flows. (The message ids they imply
    are listed in bot/msgids.py, checked at start-up in both catalogs.)"""
    return Instruments(
        _bind(d, flows, flows_dir / DIRECTORY / f"{d.id}.yaml") for d in descriptors.values()
    )


def load_content(
    flows_dir: Path, has_message: Callable[[str], bool]
) -> tuple[dict[str, Flow], Instruments]:
    """The flows of `flows_dir` and the instruments of `flows_dir/instruments/`, checked
    together: every questionnaire's instrument has a descriptor."""
    descriptors = read_descriptors(flows_dir)
    flows = load_flows(flows_dir, has_message, descriptors)
    return flows, bind_instruments(descriptors, flows, flows_dir)
