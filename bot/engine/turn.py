"""One engine step in progress: the state being changed, and the replies and effects
produced so far. Features (bot/engine/features/) act on the conversation through it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import fields, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.engine.callbacks import Back, MenuPick, Option, pack
from bot.engine.flows import Flow, Step
from bot.engine.inputs import option_labels, option_values
from bot.engine.memo import Mapped, Part, Record, read_part, write_part
from bot.engine.model import (
    AnswerGiven,
    AnswerValue,
    Button,
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

if TYPE_CHECKING:
    from bot.engine.runner import Engine

SCALE_ROW = 6
MENU = "menu"  # the key of the idle menu's copies (State.copies)
MAX_COPIES = 20  # copies of one question still answerable; older ones are stale


class Turn:
    def __init__(self, engine: Engine, state: State, event: Event, now: datetime) -> None:
        self.engine = engine
        self.state = state
        self.event = event
        self.now = now
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self.chosen: Label | None = None
        self.thanked = False  # a closing thank-you was said this step

    # --- output ---------------------------------------------------------------

    @property
    def language(self) -> Language:
        return self.state.language or "nl"

    def say(self, key: str, **params: Any) -> None:
        self.replies.append(Reply(parts=(Text(key, params),)))

    def reply_error(self, text: Text) -> None:
        self.replies.append(Reply(parts=(text,)))

    def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    def effect(self, effect: Effect) -> None:
        self.effects.append(effect)

    def result(self) -> StepResult:
        return StepResult(self.state, tuple(self.replies), tuple(self.effects), self.chosen)

    # --- patient memory: typed parts only (bot/engine/memo.py) ------------------

    def part(self, part: type[Part]) -> Part | None:
        """A typed part of the patient's memory (bot/engine/memo.py); None when absent."""
        return read_part(self.state.memo, part)

    def keep(self, value: Record | Mapped) -> None:
        """Store a typed part of the patient's memory, with its schema version."""
        self.state = replace(self.state, memo=write_part(self.state.memo, value))

    def forget(self, part: type[Record | Mapped]) -> None:
        """Drop a typed part of the patient's memory (`part` then reads as None)."""
        self.state = replace(self.state, memo={**self.state.memo, part.KEY: None})

    # --- flows ----------------------------------------------------------------

    def flow(self, flow_id: str) -> Flow:
        return self.engine.flows[flow_id]

    def refresh_flows(self) -> None:
        """Frames of a flow that changed (a new version) or was removed since they began:
        their run ends as stopped (its answers stay, it is never scored against other
        items) and the flow starts again from its first question. Queued flows that no
        longer exist are dropped. Keeps a deploy from leaving a patient stuck."""
        if all(
            f.flow in self.engine.flows and self.engine.flows[f.flow].version == f.version
            for f in self.state.stack
        ) and all(a in self.engine.flows for a in self.state.agenda):
            return
        frames, next_run = [], self.state.next_run
        for frame in self.state.stack:
            flow = self.engine.flows.get(frame.flow)
            if flow is not None and flow.version == frame.version:
                frames.append(frame)
                continue
            if frame.started:
                self.effect(RunFinished(frame.run, "stopped", None))
            if flow is not None:
                frames.append(
                    Frame(flow=flow.id, version=flow.version, run=next_run, groups=frame.groups)
                )
                next_run += 1
        agenda = tuple(a for a in self.state.agenda if a in self.engine.flows)
        self.state = replace(self.state, stack=tuple(frames), agenda=agenda, next_run=next_run)

    def push(self, flow_id: str, groups: tuple[str, ...] | None = None) -> None:
        flow = self.flow(flow_id)
        frame = Frame(flow=flow.id, version=flow.version, run=self.state.next_run, groups=groups)
        self.state = replace(
            self.state, stack=(*self.state.stack, frame), next_run=self.state.next_run + 1
        )

    def set_top(self, frame: Frame) -> None:
        self.state = replace(self.state, stack=(*self.state.stack[:-1], frame))

    def visible(self, frame: Frame) -> list[Step]:
        """The steps of a frame that apply now, in the patient's language order."""
        return list(self._applying(frame))

    def _applying(self, frame: Frame) -> Iterator[Step]:
        for step in self.flow(frame.flow).ordered(self.language):
            if frame.groups is not None and step.group not in frame.groups:
                continue
            if step.when is not None and not step.when.holds(frame.answers):
                continue
            if step.skip_if_set and step.sets == "language" and self.state.language is not None:
                continue
            yield step

    def next_step(self, frame: Frame) -> Step | None:
        """The first step that applies and is not answered (the later ones not looked at)."""
        return next((s for s in self._applying(frame) if s.id not in frame.answers), None)

    def current(self) -> Step | None:
        """The question waiting for an answer, if any."""
        frame = self.state.top
        if frame is None:
            return None
        step = self.next_step(frame)
        return step if step is not None and step.answer.type != "info" else None

    def store(self, item: str, value: AnswerValue | None) -> None:
        frame = self.state.top
        assert frame is not None
        if not frame.started:
            flow = self.flow(frame.flow)
            self.effect(RunStarted(frame.run, flow.id, flow.version, self.language))
            self.set_top(replace(frame, started=True))
        self.effect(AnswerGiven(frame.run, item, value, self.language))

    def record(self, step: Step, value: AnswerValue | None) -> None:
        """Mark a step answered in the top frame (without storing a row)."""
        frame = self.state.top
        assert frame is not None
        self.set_top(
            replace(
                frame,
                answers={**frame.answers, step.id: value},
                history=(*frame.history, step.id) if step.answer.type != "info" else frame.history,
            )
        )

    def advance(self) -> None:
        """Show info steps and finish flows until a question waits (or nothing is left)."""
        finished_any = False
        while True:
            if self.engine.holding(self) is not None:
                return
            frame = self.state.top
            if frame is None:
                if self.state.agenda:
                    nxt, *rest = self.state.agenda
                    self.state = replace(self.state, agenda=tuple(rest))
                    self.push(nxt)
                    continue
                if finished_any:
                    # a feature may already have thanked the patient (e.g. an invitation)
                    self.menu("menu.prompt" if self.thanked else "flows.done")
                return
            step = self.next_step(frame)
            if step is None:
                finished_any = finished_any or frame.started
                self.finish()
                continue
            if step.answer.type == "info":
                self.reply(Reply(parts=(*self._lead_in(step), Text(step.text))))
                self.record(step, None)
                continue
            self.ask(step)
            return

    def finish(self, status: str = "completed") -> None:
        """Pop the top frame; score a completed questionnaire; let features react."""
        frame = self.state.top
        assert frame is not None
        flow = self.flow(frame.flow)
        self.state = replace(self.state, stack=self.state.stack[:-1])
        if status == "completed":
            self.state = replace(self.state, agenda=(*self.state.agenda, *flow.next))
        score: Mapping[str, Any] | None = None
        if frame.started:
            if status == "completed" and flow.instrument is not None:
                score = self._score(flow, frame)
            self.effect(
                RunFinished(frame.run, "completed" if status == "completed" else "stopped", score)
            )
        if status == "completed":
            self.engine.pipeline.after_finish(self, frame, flow, score)

    def _score(self, flow: Flow, frame: Frame) -> Mapping[str, Any]:
        assert flow.instrument is not None
        # Numbers as stored; a yes/no item scores 1 for yes and 0 for no (docs/contracts.md).
        # Texts and unanswered (skipped) items are not scored.
        answers = {k: int(v) for k, v in frame.answers.items() if isinstance(v, int)}
        result = self.engine.instruments[flow.instrument].score(answers)
        data = {f.name: getattr(result, f.name) for f in fields(result)}
        data["subscales"] = dict(data.get("subscales") or {})  # JSON-ready copy
        if flow.recall is not None:
            data["recall"] = flow.recall
        return data

    def _lead_in(self, step: Step) -> tuple[Text, ...]:
        frame = self.state.top
        assert frame is not None
        if step.lead_in is None or step.lead_in in frame.shown:
            return ()
        self.set_top(replace(frame, shown=(*frame.shown, step.lead_in)))
        return (Text(step.lead_in),)

    def next_seq(self) -> int:
        self.state = replace(self.state, prompt_seq=self.state.prompt_seq + 1)
        return self.state.prompt_seq

    def _copy_key(self) -> str | None:
        """Which question the patient is looking at now: "<run>:<step>", "menu", or None."""
        frame = self.state.top
        if frame is None:
            return MENU
        step = self.current()
        return f"{frame.run}:{step.id}" if step is not None else None

    def _shown_copy(self, key: str, seq: int) -> None:
        """Remember that message `seq` shows question `key`. Only questions still open
        (those of running frames, and the menu) are kept."""
        runs = {f"{frame.run}:" for frame in self.state.stack}
        kept = {
            k: v for k, v in self.state.copies.items() if k == MENU or k[: k.find(":") + 1] in runs
        }
        kept[key] = (*kept.get(key, ()), seq)[-MAX_COPIES:]
        self.state = replace(self.state, copies=kept)

    def is_current_copy(self, seq: int) -> bool:
        """A tap carrying question number `seq` answers the current question: it is the
        latest prompt, or an older message that showed this same question (re-asked after
        a note, a command, an interruption or a restart)."""
        if seq == self.state.prompt_seq:
            return True
        key = self._copy_key()
        return key is not None and seq in self.state.copies.get(key, ())

    def ask(self, step: Step) -> None:
        seq = self.next_seq()
        frame = self.state.top
        assert frame is not None
        self._shown_copy(f"{frame.run}:{step.id}", seq)
        lead_in = self._lead_in(step)
        parts = [*lead_in, Text(step.text)]
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
        progress = None
        if self.flow(frame.flow).kind == "questionnaire":
            visible = [s for s in self.visible(frame) if s.answer.type != "info"]
            progress = ([s.id for s in visible].index(step.id) + 1, len(visible))
            if frame.history:
                buttons = (*buttons, (Button(Text("nav.back"), pack(Back(seq))),))
        self.reply(
            Reply(
                parts=tuple(parts),
                buttons=buttons,
                progress=progress,
                expects=spec.type,
                replaceable=not lead_in and not step.keep,
            )
        )

    @staticmethod
    def _buttons(step: Step, seq: int) -> tuple[tuple[Button, ...], ...]:
        if step.answer.type == "scale":
            buttons = [
                Button(Raw(str(v)), pack(Option(seq, i))) for i, v in enumerate(option_values(step))
            ]
            return tuple(
                tuple(buttons[i : i + SCALE_ROW]) for i in range(0, len(buttons), SCALE_ROW)
            )
        return tuple(
            (Button(label, pack(Option(seq, i))),) for i, label in enumerate(option_labels(step))
        )

    def ask_again(self) -> None:
        """Re-send the current question (after a note, a command or a restart)."""
        holder = self.engine.holding(self)
        if holder is not None:
            holder.remind_hold(self)
            return
        frame = self.state.top
        if frame is None and self.state.agenda and not self.state.paused:
            self.advance()  # queued flows (e.g. a reminder's check-in) start now
            return
        if frame is None:
            if self.state.consent == "given":
                self.menu("menu.prompt")
            return
        step = self.next_step(frame)
        if step is None or step.answer.type == "info":
            self.advance()
            return
        self.ask(step)

    def menu(self, key: str) -> None:
        """The idle menu: what the patient can start now."""
        seq = self.next_seq()
        self._shown_copy(MENU, seq)
        entries = self.engine.pipeline.menu(self)
        buttons = tuple(
            (Button(Text(label), pack(MenuPick(seq, token))),) for token, label in entries
        )
        self.reply(
            Reply(parts=(Text(key),), buttons=buttons, expects="choice" if buttons else None)
        )
