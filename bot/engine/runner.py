"""The conversation engine: step(state, event, now) -> StepResult. Pure.

The patient's position is a stack of frames (running flows). Answers move the top
frame on; when it ends it is scored (questionnaires), popped, and the frame below
asks its current question again; when the stack is empty the agenda starts the
next flow. Commands and interruptions (language, red flags) push frames too.
Capabilities plug in as features (bot/engine/features/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from bot.engine.callbacks import Back, MenuPick, Option, Question, unpack
from bot.engine.consent import current_version
from bot.engine.features import Command, Feature
from bot.engine.features.core import LANGUAGE_FLOW, ONBOARDING
from bot.engine.flows import Flow, Step
from bot.engine.inputs import (
    Render,
    option_labels,
    option_values,
    parse_text,
    value_for_index,
)
from bot.engine.manners import FREE_TEXT, is_free_text
from bot.engine.model import (
    AnswerValue,
    ConsentRecorded,
    Event,
    Raw,
    State,
    StepResult,
    Text,
)
from bot.engine.pipeline import Pipeline
from bot.engine.turn import Turn

if TYPE_CHECKING:
    from bot.instruments.registry import Instruments

# Bump when the privacy text (onboarding.privacy) changes: patients who consented to an
# older version are asked again at their next message (flow `consent`).
CONSENT_FLOW = "consent"


class Engine:
    def __init__(
        self,
        flows: Mapping[str, Flow],
        render: Render,
        instruments: Instruments,
        features: Sequence[Feature] | None = None,
    ) -> None:
        """`instruments`: the registry (bot/instruments/registry.py) scoring the flows."""
        for needed in (ONBOARDING, LANGUAGE_FLOW, CONSENT_FLOW):
            if needed not in flows:
                raise ValueError(f"flow {needed!r} is required")
        self.flows = dict(flows)
        self.render = render
        self.instruments = instruments
        if features is None:
            from bot.engine.features.registry import default_features

            features = default_features(self.flows, instruments=instruments)
        self.pipeline = Pipeline(features)  # the hooks, in their checked order
        self.features: tuple[Feature, ...] = self.pipeline.features
        self.commands: dict[str, Command] = self.pipeline.commands
        self.open_commands = self.pipeline.open_commands

    def holding(self, turn: Turn) -> Feature | None:
        """The feature that holds the conversation (no questions asked), if any."""
        return self.pipeline.holder(turn)

    # --- entry point ----------------------------------------------------------

    def step(self, state: State, event: Event, now: datetime) -> StepResult:
        turn = Turn(self, state, event, now)
        turn.refresh_flows()
        outdated = _consent_outdated(state, event)
        if event.kind in ("start", "command") and not (outdated and event.kind == "command"):
            self._command(turn, "start" if event.kind == "start" else event.text)
            if outdated:  # a /start (deep link) still does its work, then consent comes first
                _ask_consent_again(turn)
        elif event.kind == "reminder":
            if not self.pipeline.on_reminder(turn):
                turn.ask_again()
        # Intercepts come before the consent and pause gates: a red-flag symptom typed at
        # any moment is never ignored, and confirmations (/delete) work without consent.
        elif self.pipeline.intercept(turn):
            pass
        elif (holder := self.holding(turn)) is not None:
            holder.remind_hold(turn)  # an urgent flag: no question until a doctor has seen them
        elif outdated:
            _ask_consent_again(turn)
        elif state.consent != "given" and not state.stack:
            turn.say("consent.needed")
        elif state.paused:
            turn.say("pause.active")
        elif event.kind == "choice":
            self._tap(turn, event.text)
        elif event.kind == "text":
            self._typed(turn, event.text)
        else:
            turn.say("error.unsupported")
            turn.ask_again()
        return turn.result()

    def _command(self, turn: Turn, name: str) -> None:
        handler = self.commands.get(name)
        if turn.state.consent != "given" and name not in self.open_commands:
            turn.say("consent.needed")
            turn.ask_again()
        elif handler is None:
            turn.say("error.unknown_command")
            turn.ask_again()
        else:
            handler(turn)
            self.pipeline.after_command(turn, name)
            holder = self.holding(turn)
            if holder is not None and not any(r.buttons for r in turn.replies):
                holder.remind_hold(turn)  # a command may not leave the patient without the numbers

    # --- answers --------------------------------------------------------------

    def _tap(self, turn: Turn, data: str) -> None:
        tap = unpack(data)
        if not isinstance(tap, Question) or not turn.is_current_copy(tap.seq):
            turn.say("error.stale_button")
            turn.ask_again()
            return
        if isinstance(tap, Back):
            self.commands["back"](turn)
            return
        picked = tap.token if isinstance(tap, MenuPick) and turn.state.top is None else None
        if picked is not None and self.pipeline.on_menu(turn, picked):
            return
        step = turn.current()
        value = value_for_index(step, tap.index) if step and isinstance(tap, Option) else None
        if step is None or value is None:
            turn.say("error.stale_button")
            turn.ask_again()
            return
        turn.chosen = self._label_for(step, value)
        self.accept(turn, step, value)

    def _typed(self, turn: Turn, text: str) -> None:
        step = turn.current()
        if step is None:
            if is_free_text(text):
                turn.reply_error(FREE_TEXT)
            turn.menu("menu.prompt")
            return
        parsed = parse_text(step, text, turn.language, self.render)
        if parsed.error is not None:
            # before consent the commands it points to (/flare, /advice) do not work yet
            kind = is_free_text(text) and turn.state.consent == "given"
            turn.reply_error(FREE_TEXT if kind else parsed.error)
            turn.ask_again()
            return
        assert parsed.value is not None
        self.accept(turn, step, parsed.value)

    def accept(self, turn: Turn, step: Step, value: AnswerValue) -> None:
        """Take `value` as the answer to the current question `step`."""
        if step.sets == "language":
            turn.state = replace(turn.state, language=str(value))  # type: ignore[arg-type]
        elif step.sets == "consent":
            given = value == "given"
            status: Literal["given", "refused"] = "given" if given else "refused"
            version = current_version()
            turn.effect(ConsentRecorded(status, version))
            turn.state = replace(turn.state, consent=status, consent_version=version)
            if not given:
                while turn.state.top is not None:  # runs already started end as stopped
                    turn.finish(status="stopped")
                turn.state = replace(turn.state, agenda=())
                turn.say("consent.refused")
                return
        else:
            turn.store(step.id, value)
        turn.record(step, value)
        frame = turn.state.top
        assert frame is not None
        self.pipeline.after_answer(turn, frame, step, value)
        turn.advance()

    @staticmethod
    def _label_for(step: Step, value: AnswerValue) -> Text | Raw:
        if step.answer.type == "scale":
            return Raw(str(value))
        for v, label in zip(option_values(step), option_labels(step), strict=True):
            if v == value and type(v) is type(value):
                return label
        return Raw(str(value))


def _consent_outdated(state: State, event: Event) -> bool:
    """Consent was given to an older privacy text and is not being asked again yet."""
    return (
        state.consent == "given"
        and state.consent_version < current_version()
        and event.kind != "reminder"
        and not any(frame.flow == CONSENT_FLOW for frame in state.stack)
    )


def _ask_consent_again(turn: Turn) -> None:
    turn.say("consent.updated")
    turn.push(CONSENT_FLOW)
    turn.advance()
