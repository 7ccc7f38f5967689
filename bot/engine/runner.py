"""The conversation engine: step(state, event, now) -> StepResult. Pure.

The patient's position is a stack of frames (running flows). Answers move the top
frame on; when it ends it is scored (questionnaires), popped, and the frame below
asks its current question again; when the stack is empty the agenda starts the
next flow. Commands and interruptions (language, red flags) push frames too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass, replace
from datetime import datetime
from typing import Any, Literal

from bot.engine.flows import Flow, Step
from bot.engine.inputs import (
    Render,
    callback,
    option_labels,
    option_values,
    parse_callback,
    parse_text,
    value_for_token,
)
from bot.engine.model import (
    AnswerGiven,
    AnswerValue,
    Button,
    ConsentRecorded,
    Effect,
    Event,
    Frame,
    Label,
    Language,
    Raw,
    Reply,
    RunFinished,
    RunStarted,
    State,
    StepResult,
    Text,
)

Scorer = Callable[[Mapping[str, int]], Any]

CONSENT_VERSION = 1
ONBOARDING = "onboarding"
LANGUAGE_FLOW = "language"
MENU_FLOWS = ("nrs",)
PRE_CONSENT_COMMANDS = frozenset({"start", "help", "language", "about"})
SCALE_ROW = 6


class _Turn:
    """Accumulates the state, replies and effects of one step."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self.chosen: Label | None = None

    def say(self, key: str, **params: Any) -> None:
        self.replies.append(Reply(parts=(Text(key, params),)))

    def result(self) -> StepResult:
        return StepResult(self.state, tuple(self.replies), tuple(self.effects), self.chosen)


class Engine:
    def __init__(
        self, flows: Mapping[str, Flow], render: Render, scorers: Mapping[str, Scorer]
    ) -> None:
        for needed in (ONBOARDING, LANGUAGE_FLOW):
            if needed not in flows:
                raise ValueError(f"flow {needed!r} is required")
        self.flows = dict(flows)
        self.render = render
        self.scorers = dict(scorers)

    # --- entry point ----------------------------------------------------------

    def step(self, state: State, event: Event, now: datetime) -> StepResult:
        turn = _Turn(state)
        if event.kind in ("start", "command"):
            self._command(turn, event)
        elif state.consent != "given" and not state.stack:
            turn.say("consent.needed")
        elif state.paused:
            turn.say("pause.active")
        elif event.kind == "choice":
            self._tap(turn, event.text)
        elif event.kind == "text":
            self._typed(turn, event.text)
        elif event.kind == "unsupported":
            turn.say("error.unsupported")
            self._ask_again(turn)
        else:  # reminders arrive with the follow-up work; until then they only re-ask
            self._ask_again(turn)
        return turn.result()

    # --- commands -------------------------------------------------------------

    def _command(self, turn: _Turn, event: Event) -> None:
        name = "start" if event.kind == "start" else event.text
        state = turn.state
        if state.consent != "given" and name not in PRE_CONSENT_COMMANDS:
            turn.say("consent.needed")
            self._ask_again(turn)
            return
        if name == "start":
            self._start(turn, event)
        elif name == "help":
            turn.say("help.text")
            self._ask_again(turn)
        elif name == "about":
            self._about(turn)
            self._ask_again(turn)
        elif name == "language":
            self._push(turn, LANGUAGE_FLOW)
            self._advance(turn)
        elif name == "pause":
            turn.state = replace(state, paused=True)
            turn.say("pause.done")
        elif name == "resume":
            turn.state = replace(state, paused=False)
            self._ask_again(turn)
        elif name == "back":
            self._back(turn)
        elif name == "pain":
            turn.state = replace(state, paused=False)
            self._push(turn, "nrs")
            self._advance(turn)
        else:
            turn.say("error.unknown_command")
            self._ask_again(turn)

    def _start(self, turn: _Turn, event: Event) -> None:
        state = turn.state
        if state.language is None and event.language_hint:
            hint = event.language_hint.split("-")[0].lower()
            if hint in ("nl", "fr"):
                state = replace(state, language=hint)  # type: ignore[arg-type]
        turn.state = replace(state, paused=False)
        if state.consent == "given":
            turn.say("start.welcome_back")
            self._ask_again(turn)
            return
        turn.state = replace(turn.state, stack=(), agenda=())
        self._push(turn, ONBOARDING)
        self._advance(turn)

    def _about(self, turn: _Turn) -> None:
        notices = [Text(f.notice) for f in self.flows.values() if f.notice]
        turn.replies.append(Reply(parts=(Text("about.text"), *notices)))

    def _back(self, turn: _Turn) -> None:
        frame = turn.state.top
        if frame is None or not frame.history:
            turn.say("back.nothing")
            self._ask_again(turn)
            return
        last = frame.history[-1]
        answers = {k: v for k, v in frame.answers.items() if k != last}
        self._set_top(turn, replace(frame, answers=answers, history=frame.history[:-1]))
        self._advance(turn)

    # --- answers --------------------------------------------------------------

    def _tap(self, turn: _Turn, data: str) -> None:
        tap = parse_callback(data)
        state = turn.state
        if tap is None or tap.seq != state.prompt_seq:
            turn.say("error.stale_button")
            self._ask_again(turn)
            return
        if tap.token == "b":
            self._back(turn)
            return
        if tap.token.startswith("g:") and state.top is None:
            flow = tap.token[2:]
            if flow in MENU_FLOWS:
                self._push(turn, flow)
                self._advance(turn)
                return
        step = self._current(turn.state)
        value = value_for_token(step, tap.token) if step else None
        if step is None or value is None:
            turn.say("error.stale_button")
            self._ask_again(turn)
            return
        turn.chosen = self._label_for(step, value)
        self._accept(turn, step, value)

    def _typed(self, turn: _Turn, text: str) -> None:
        step = self._current(turn.state)
        if step is None:
            self._menu(turn, key="menu.prompt")
            return
        parsed = parse_text(step, text, self._language(turn.state), self.render)
        if parsed.error is not None:
            turn.replies.append(Reply(parts=(parsed.error,)))
            self._ask_again(turn)
            return
        assert parsed.value is not None
        self._accept(turn, step, parsed.value)

    def _accept(self, turn: _Turn, step: Step, value: AnswerValue) -> None:
        frame = turn.state.top
        assert frame is not None
        if step.sets == "language":
            turn.state = replace(turn.state, language=str(value))  # type: ignore[arg-type]
        elif step.sets == "consent":
            given = value == "given"
            status: Literal["given", "refused"] = "given" if given else "refused"
            turn.effects.append(ConsentRecorded(status, CONSENT_VERSION))
            turn.state = replace(turn.state, consent=status, consent_version=CONSENT_VERSION)
            if not given:
                turn.state = replace(turn.state, stack=(), agenda=())
                turn.say("consent.refused")
                return
        else:
            self._store(turn, frame, step.id, value)
        frame = turn.state.top
        assert frame is not None
        self._set_top(
            turn,
            replace(
                frame, answers={**frame.answers, step.id: value}, history=(*frame.history, step.id)
            ),
        )
        self._advance(turn)

    def _store(self, turn: _Turn, frame: Frame, item: str, value: AnswerValue | None) -> None:
        if not frame.started:
            flow = self.flows[frame.flow]
            turn.effects.append(
                RunStarted(frame.run, flow.id, flow.version, self._language(turn.state))
            )
            self._set_top(turn, replace(frame, started=True))
        turn.effects.append(AnswerGiven(frame.run, item, value, self._language(turn.state)))

    # --- moving through flows -------------------------------------------------

    def _push(self, turn: _Turn, flow_id: str, groups: tuple[str, ...] | None = None) -> None:
        state = turn.state
        flow = self.flows[flow_id]
        frame = Frame(flow=flow.id, version=flow.version, run=state.next_run, groups=groups)
        turn.state = replace(state, stack=(*state.stack, frame), next_run=state.next_run + 1)

    def _set_top(self, turn: _Turn, frame: Frame) -> None:
        turn.state = replace(turn.state, stack=(*turn.state.stack[:-1], frame))

    def _visible(self, frame: Frame, state: State) -> list[Step]:
        flow = self.flows[frame.flow]
        steps = []
        for step in flow.ordered(self._language(state)):
            if frame.groups is not None and step.group not in frame.groups:
                continue
            if step.when is not None and not step.when.holds(frame.answers):
                continue
            if step.skip_if_set and step.sets == "language" and state.language is not None:
                continue
            steps.append(step)
        return steps

    def _next_step(self, frame: Frame, state: State) -> Step | None:
        for step in self._visible(frame, state):
            if step.id not in frame.answers:
                return step
        return None

    def _current(self, state: State) -> Step | None:
        frame = state.top
        if frame is None:
            return None
        step = self._next_step(frame, state)
        return step if step is not None and step.answer.type != "info" else None

    def _advance(self, turn: _Turn) -> None:
        """Show info steps and finish flows until a question waits (or nothing is left)."""
        finished_any = False
        while True:
            frame = turn.state.top
            if frame is None:
                if turn.state.agenda:
                    nxt, *rest = turn.state.agenda
                    turn.state = replace(turn.state, agenda=tuple(rest))
                    self._push(turn, nxt)
                    continue
                if finished_any:
                    self._menu(turn, key="flows.done")
                return
            step = self._next_step(frame, turn.state)
            if step is None:
                finished_any = finished_any or frame.started
                self._finish(turn, frame)
                continue
            if step.answer.type == "info":
                turn.replies.append(
                    Reply(parts=(*self._lead_in(turn, frame, step), Text(step.text)))
                )
                frame = turn.state.top
                assert frame is not None
                self._set_top(turn, replace(frame, answers={**frame.answers, step.id: None}))
                continue
            self._ask(turn, step)
            return

    def _finish(self, turn: _Turn, frame: Frame) -> None:
        flow = self.flows[frame.flow]
        state = turn.state
        turn.state = replace(state, stack=state.stack[:-1], agenda=(*state.agenda, *flow.next))
        if not frame.started:
            return
        score = None
        if flow.instrument is not None and flow.instrument in self.scorers:
            answers = {k: int(v) for k, v in frame.answers.items() if isinstance(v, int)}
            result = self.scorers[flow.instrument](answers)
            is_record = is_dataclass(result) and not isinstance(result, type)
            score = asdict(result) if is_record else dict(result)
        turn.effects.append(RunFinished(frame.run, "completed", score))

    def _lead_in(self, turn: _Turn, frame: Frame, step: Step) -> tuple[Text, ...]:
        if step.lead_in is None or step.lead_in in frame.shown:
            return ()
        self._set_top(turn, replace(frame, shown=(*frame.shown, step.lead_in)))
        return (Text(step.lead_in),)

    def _ask(self, turn: _Turn, step: Step) -> None:
        seq = turn.state.prompt_seq + 1
        turn.state = replace(turn.state, prompt_seq=seq)
        frame = turn.state.top
        assert frame is not None
        parts = [*self._lead_in(turn, frame, step), Text(step.text)]
        spec = step.answer
        if spec.type == "scale" and spec.min_label and spec.max_label:
            parts.append(
                Text(
                    "scale.anchors",
                    {
                        "min": spec.min,
                        "max": spec.max,
                        "min_label": Text(spec.min_label),
                        "max_label": Text(spec.max_label),
                    },
                )
            )
        buttons = self._buttons(step, seq)
        flow = self.flows[frame.flow]
        progress = None
        if flow.kind == "questionnaire":
            visible = [s for s in self._visible(frame, turn.state) if s.answer.type != "info"]
            position = [s.id for s in visible].index(step.id) + 1
            progress = (position, len(visible))
            if frame.history:
                buttons = (*buttons, (Button(Text("nav.back"), callback(seq, "b")),))
        turn.replies.append(
            Reply(parts=tuple(parts), buttons=buttons, progress=progress, expects=spec.type)
        )

    def _buttons(self, step: Step, seq: int) -> tuple[tuple[Button, ...], ...]:
        spec = step.answer
        if spec.type == "scale":
            buttons = [
                Button(Raw(str(v)), callback(seq, str(i)))
                for i, v in enumerate(option_values(step))
            ]
            return tuple(
                tuple(buttons[i : i + SCALE_ROW]) for i in range(0, len(buttons), SCALE_ROW)
            )
        return tuple(
            (Button(label, callback(seq, str(i))),) for i, label in enumerate(option_labels(step))
        )

    def _label_for(self, step: Step, value: AnswerValue) -> Label:
        if step.answer.type == "scale":
            return Raw(str(value))
        for v, label in zip(option_values(step), option_labels(step), strict=True):
            if v == value and type(v) is type(value):
                return label
        return Raw(str(value))

    def _ask_again(self, turn: _Turn) -> None:
        """Re-send the current question (after a note, a command or a restart)."""
        frame = turn.state.top
        if frame is None:
            if turn.state.consent == "given":
                self._menu(turn, key="menu.prompt")
            return
        step = self._next_step(frame, turn.state)
        if step is None or step.answer.type == "info":
            self._advance(turn)
            return
        self._ask(turn, step)

    def _menu(self, turn: _Turn, key: str) -> None:
        seq = turn.state.prompt_seq + 1
        turn.state = replace(turn.state, prompt_seq=seq)
        buttons = tuple((Button(Text(f"menu.{f}"), callback(seq, f"g:{f}")),) for f in MENU_FLOWS)
        turn.replies.append(Reply(parts=(Text(key),), buttons=buttons, expects="choice"))

    @staticmethod
    def _language(state: State) -> Language:
        return state.language or "nl"
