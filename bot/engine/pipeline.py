"""The engine's hooks as one typed, documented sequence.

Features (bot/engine/features/) react to events through hooks. Each hook has one of
four kinds, declared once in `HOOKS`, and the engine calls features only through a
`Pipeline`, which applies that kind:

- GUARD: features are asked in order; the first that returns True has handled the
  event and the later ones are not asked (`intercept`, `on_start`, `on_reminder`,
  `on_menu`).
- HANDLER: every feature runs, in order; none can stop the others (`after_answer`,
  `after_finish`, `after_command`).
- COLLECT: every feature's contribution, joined in order (`commands`, `open_commands`,
  `menu`).
- HOLD: the first feature that `holds` the conversation is the holder; only it is asked
  to `remind_hold` (no question is asked meanwhile: an urgent red flag).

What an event goes through (`Engine.step`), in this order:

1. `/start` and commands: the command's handler (a `/start` with a payload goes to the
   `on_start` guards first), then every `after_command` handler.
2. a reminder event: the `on_reminder` guards.
3. a typed text or a tap: the `intercept` guards, before the consent and pause gates
   (a red-flag symptom typed at any moment is never ignored);
4. the hold: while a feature holds the conversation, its `remind_hold` answers;
5. the gates (consent, pause), then the answer: an idle-menu tap goes to the `on_menu`
   guards; an answer is stored, then every `after_answer` handler runs; a completed flow
   runs every `after_finish` handler.

The order of features is the list given to the pipeline (one list:
`bot.engine.features.registry.default_features`). Features state what they need of it
(`Feature.first`, `Feature.after`), and the pipeline refuses an order that breaks it:
triage is first, so it sees every event before any other feature. Each part of the
patient's memo has one owner (`Feature.parts`): the pipeline refuses a key two features
claim, and `Pipeline.parts` lists them all (key -> owning feature's name and model).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from bot.engine.features import Command, Feature
from bot.engine.memo import Mapped, Record
from bot.engine.model import AnswerValue, Frame

if TYPE_CHECKING:
    from bot.engine.flows import Flow, Step
    from bot.engine.turn import Turn


class Kind(Enum):
    GUARD = "guard"
    HANDLER = "handler"
    COLLECT = "collect"
    HOLD = "hold"


@dataclass(frozen=True)
class Hook:
    name: str  # the Feature method
    kind: Kind
    when: str


HOOKS: tuple[Hook, ...] = (
    Hook("commands", Kind.COLLECT, "engine start: command name -> handler, each name once"),
    Hook("open_commands", Kind.COLLECT, "engine start: commands allowed before consent"),
    Hook("on_start", Kind.GUARD, "a /start with a payload (a resolved deep link)"),
    Hook("on_reminder", Kind.GUARD, "a scheduler event"),
    Hook("intercept", Kind.GUARD, "a text or a tap, before the gates and before an answer"),
    Hook("holds", Kind.HOLD, "before a question is asked: is the conversation on hold?"),
    Hook("remind_hold", Kind.HOLD, "instead of a question, the holder only"),
    Hook("on_menu", Kind.GUARD, "a tap on an idle-menu entry"),
    Hook("menu", Kind.COLLECT, "the idle menu: (token, label msgid) entries"),
    Hook("after_answer", Kind.HANDLER, "an accepted answer, before the next question"),
    Hook("after_finish", Kind.HANDLER, "a completed flow, with its score"),
    Hook("after_command", Kind.HANDLER, "a command has run, before a hold is reminded"),
)


class OrderError(ValueError):
    """The features' order breaks what one of them needs."""


class PartClaimedTwice(ValueError):
    """Two features (or two models) claim the same memo key."""


def owned_parts(features: Sequence[Feature]) -> dict[str, tuple[str, type[Record | Mapped]]]:
    """Memo key -> (owning feature's name, its model), each key claimed once."""
    owners: dict[str, tuple[str, type[Record | Mapped]]] = {}
    for feature in features:
        for part in feature.parts:
            if part.KEY in owners:
                owner = owners[part.KEY][0]
                raise PartClaimedTwice(f"memo {part.KEY!r}: {owner} and {feature.name}")
            owners[part.KEY] = (feature.name, part)
    return owners


def check_order(features: Sequence[Feature]) -> None:
    names = [f.name for f in features]
    if len(set(names)) != len(names):
        raise OrderError(f"a feature is listed twice: {names}")
    firsts = [f.name for f in features if f.first]
    if firsts and (len(firsts) > 1 or names[0] != firsts[0]):
        raise OrderError(f"{firsts} must be first, alone; the order is {names}")
    for position, feature in enumerate(features):
        early = sorted(feature.after & set(names[position:]))
        if early:
            raise OrderError(f"{feature.name} must come after {early}; the order is {names}")


class Pipeline:
    """The features in their checked order, called hook by hook as `HOOKS` declares."""

    def __init__(self, features: Sequence[Feature]) -> None:
        check_order(features)
        self.features: tuple[Feature, ...] = tuple(features)
        self.parts = owned_parts(features)
        self.commands: dict[str, Command] = {}
        open_commands: set[str] = set()
        for feature in self.features:
            table = feature.commands()
            clash = set(self.commands) & set(table)
            if clash:
                raise ValueError(f"commands defined twice: {sorted(clash)}")
            self.commands.update(table)
            open_commands |= feature.open_commands()
        self.open_commands = frozenset(open_commands)

    # GUARD
    def on_start(self, turn: Turn) -> bool:
        return any(f.on_start(turn) for f in self.features)

    def on_reminder(self, turn: Turn) -> bool:
        return any(f.on_reminder(turn) for f in self.features)

    def intercept(self, turn: Turn) -> bool:
        return any(f.intercept(turn) for f in self.features)

    def on_menu(self, turn: Turn, token: str) -> bool:
        return any(f.on_menu(turn, token) for f in self.features)

    # HOLD
    def holder(self, turn: Turn) -> Feature | None:
        return next((f for f in self.features if f.holds(turn)), None)

    # HANDLER
    def after_answer(self, turn: Turn, frame: Frame, step: Step, value: AnswerValue) -> None:
        for feature in self.features:
            feature.after_answer(turn, frame, step, value)

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        for feature in self.features:
            feature.after_finish(turn, frame, flow, score)

    def after_command(self, turn: Turn, name: str) -> None:
        for feature in self.features:
            feature.after_command(turn, name)

    # COLLECT
    def menu(self, turn: Turn) -> list[tuple[str, str]]:
        return [entry for f in self.features for entry in f.menu(turn)]
