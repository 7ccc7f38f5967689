"""Red flags in the conversation: escalate at once, never lose or hide a flag.

- After every answer of the red-flag screen the rules (bot/triage/rules.py) run; an
  urgent or semi-urgent escalation is shown at once, before the next question.
- Typed text that mentions a red-flag symptom, at any moment, starts the matching
  red-flag questions first; the interrupted question is asked again afterwards.
- After an URGENT message the bot asks no more questions (the conversation is on hold)
  until the patient says a doctor has seen them; commands keep working.
- Self-management advice is withheld while any escalated flag is not yet followed by a
  doctor's visit (`advice_withheld`). All of this survives restarts: the flags, the hold
  and the day the last escalation was shown are the patient memo's part `TriageMemo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, tzinfo
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.callbacks import Flag, FlagAction, pack, unpack_as
from bot.engine.consent import consent_current
from bot.engine.features import Command, Feature
from bot.engine.flows import Step
from bot.engine.memo import Mapped, Record
from bot.engine.model import AnswerValue, Button, Effect, Frame, Reply, Text
from bot.engine.turn import Turn
from bot.pathway.config import load_config
from bot.triage import Escalation, detect, evaluate
from bot.triage.answers import screen_answer
from bot.triage.rules import SCREENS, STABLE_FACTS, Level

REDFLAGS = "redflags"
PAIN_NOW = "pain_now"
RAISED_KEPT = 200  # raised keys remembered: far more than one screen can raise


class FlarePending(Mapped):
    """Memo "flare" (triage's): /flare was used and its pain rating is still to come;
    advice reads it when that rating is given (flare advice), then forgets it."""

    KEY: ClassVar[str] = "flare"
    root: bool


class RaisedFlag(BaseModel):
    """One flag raised: its level and cluster, the answers that raised it, whether the
    patient confirmed reading its message (`ack`) and said a doctor has seen them (`seen`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Level
    cluster: str
    #: the answers that raised it (absent in flags stored before 23 November: none known)
    items: tuple[str, ...] = ()
    seen: bool
    ack: bool


class TriageMemo(Record):
    """Memo "triage" (triage's own; others ask `advice_withheld` / `flag_unseen`)."""

    KEY: ClassVar[str] = "triage"

    flags: tuple[RaisedFlag, ...] = ()
    #: "<run>:<cluster>:<level>" of the escalations already raised (the last RAISED_KEPT)
    raised: tuple[str, ...] = ()
    #: an urgent flag holds the conversation until a doctor has seen the patient
    hold: bool = False
    #: the patient's local day an unread escalation was last shown (absent before a flag;
    #: stored as a UTC day before 1 December: at worst shown once more that day)
    shown_on: date | None = Field(default=None, exclude_if=lambda value: value is None)

    def escalation_open(self) -> bool:
        """An escalated flag (not a note) not yet followed by a doctor's visit."""
        return any(f.level != "note" and not f.seen for f in self.flags)


@dataclass(frozen=True)
class FlagRaised(Effect):
    run: int | None
    level: str
    cluster: str
    answers: Mapping[str, Any]
    source: str  # screen | free_text


@dataclass(frozen=True)
class FlagsAcknowledged(Effect):
    """The patient confirmed reading the escalation messages shown so far."""


@dataclass(frozen=True)
class FlagsSeen(Effect):
    """The patient says a doctor has seen them for the open flags."""


def _memo(turn: Turn) -> TriageMemo:
    return turn.part(TriageMemo) or TriageMemo()


def advice_withheld(turn: Turn) -> bool:
    """True while an escalated flag has not been followed by a doctor's visit."""
    return _memo(turn).escalation_open()


def flag_unseen(turn: Turn) -> bool:
    """True while any flag, a note for the clinician included, awaits a doctor's visit."""
    return any(not f.seen for f in _memo(turn).flags)


def take_typed_yes_no(turn: Turn, step: Step, value: bool | None) -> None:
    """A typed answer to a yes/no safety question (the screen, the radicular re-check):
    taken when clear; unclear, asked again kindly with its buttons, never guessed."""
    if value is None:
        turn.say("redflags.unclear_answer")
        turn.ask_again()
    else:
        turn.engine.accept(turn, step, value)


def _button(key: str, action: FlagAction) -> Button:
    return Button(Text(key), pack(Flag(action)))  # valid on older messages too


def _seen_question(turn: Turn) -> None:
    turn.reply(
        Reply(
            parts=(Text("escalation.seen_question"),),
            buttons=(
                (_button("escalation.seen_yes", "seen_yes"),),
                (_button("escalation.seen_no", "seen_no"),),
            ),
            expects="choice",
        )
    )


def _escalation_reply(level: str, cluster: str) -> Reply:
    """The message of a flag: urgent (112), within 48 h (1733; leg weakness: with a spine
    surgeon's opinion), or, where the seeds give no urgency, "tell your doctor"."""
    symptoms = {"symptoms": Text(f"escalation.cluster.{cluster}")}
    if level == "note":
        return Reply(parts=(Text("escalation.note", symptoms),))
    if level == "urgent":
        key = "escalation.urgent"
    elif cluster == "weakness":
        key = "escalation.semi_urgent_weakness"  # with a spine surgeon's opinion (002/003)
    else:
        key = "escalation.semi_urgent"
    return Reply(
        parts=(Text(key, symptoms),), buttons=((_button("escalation.ack_button", "ack"),),)
    )


def raise_flag(
    turn: Turn,
    escalation: Escalation,
    answers: Mapping[str, Any],
    run: int | None,
    source: str,
    today: date,
) -> None:
    """Record the flag and show its message first; `today` is the patient's local day."""
    memo = _memo(turn)
    flag = RaisedFlag(
        level=escalation.level,
        cluster=escalation.cluster,
        items=escalation.items,
        seen=False,
        ack=False,
    )
    urgent = escalation.level == "urgent"
    memo = memo.model_copy(
        update={"flags": (*memo.flags, flag), "shown_on": today, "hold": memo.hold or urgent}
    )
    turn.effect(FlagRaised(run, escalation.level, escalation.cluster, dict(answers), source))
    # Never silent, and first: before anything else this step had to say.
    turn.replies.insert(0, _escalation_reply(escalation.level, escalation.cluster))
    if urgent:
        top = turn.state.top
        if top is not None and top.flow == REDFLAGS:
            turn.finish(status="stopped")  # no more questions: the patient should get help now
    turn.keep(memo)


def _already_seen_as_note(memo: TriageMemo, escalation: Escalation) -> Escalation:
    """Facts that do not change (a cancer history, age, osteoporosis...) a doctor has
    already seen the patient for are kept as a note when asked again at a check-in: "tell
    your doctor", no withheld advice. Anything else escalates again: a new fever, new
    weight loss, and every urgent answer."""
    factors = set(escalation.items) - set(SCREENS)
    if escalation.level != "semi_urgent" or not factors <= STABLE_FACTS:
        return escalation
    seen_items = {
        item
        for f in memo.flags
        if f.cluster == escalation.cluster and f.level == "semi_urgent" and f.seen
        for item in f.items
    }
    return replace(escalation, level="note") if factors <= seen_items else escalation


def seen(turn: Turn) -> None:
    memo = _memo(turn)
    if not memo.escalation_open():
        turn.say("escalation.nothing_open")
        turn.ask_again()
        return
    flags = tuple(f.model_copy(update={"seen": True}) for f in memo.flags)
    turn.keep(memo.model_copy(update={"flags": flags, "hold": False}))
    turn.effect(FlagsSeen())
    turn.say("escalation.seen_thanks")
    turn.advance()
    if not turn.replies[-1].buttons and turn.state.top is None:
        turn.menu("menu.prompt")


def flare(turn: Turn) -> None:
    """Worse pain or new symptoms: the red-flag check first, then the pain score."""
    pending = set(turn.state.agenda) | {f.flow for f in turn.state.stack}
    # the pain of the moment ("now"), never stored as a weekly rating
    agenda = turn.state.agenda if PAIN_NOW in pending else (PAIN_NOW, *turn.state.agenda)
    turn.state = replace(turn.state, paused=False, agenda=agenda)
    turn.keep(FlarePending(True))
    turn.say("flare.intro")
    turn.push(REDFLAGS)
    turn.advance()


class Triage(Feature):
    name = "triage"
    first = True  # a red flag is never hidden behind another feature
    parts = (TriageMemo, FlarePending)

    def __init__(self, tz: tzinfo | None = None) -> None:
        """`tz`: the patients' time zone, where a new day (a new session) begins."""
        self.tz = tz or load_config().tz

    def _today(self, turn: Turn) -> date:
        return turn.now.astimezone(self.tz).date()

    def commands(self) -> Mapping[str, Command]:
        return {"seen": seen, "flare": flare}

    def holds(self, turn: Turn) -> bool:
        return _memo(turn).hold

    def remind_hold(self, turn: Turn) -> None:
        turn.say("escalation.still_urgent")
        _seen_question(turn)

    def intercept(self, turn: Turn) -> bool:
        event = turn.event
        if event.kind == "choice":
            tap = unpack_as(event.text, Flag)
            if tap is not None:
                self._button(turn, tap.action)
                return True
        clusters = detect(event.text, turn.language) if event.kind == "text" else frozenset()
        if clusters and not consent_current(turn.state):
            turn.say("escalation.without_consent")  # safety first, but nothing is stored
            return True
        if self.holds(turn):
            if clusters:
                self.remind_hold(turn)
                return True
            return False  # the engine reminds of the hold after other features' intercepts
        if event.kind in ("text", "choice"):
            self._show_unacknowledged(turn)
        step = turn.current()
        top = turn.state.top
        on_screen = top is not None and top.flow == REDFLAGS and step is not None
        typed_screen_answer = (
            on_screen
            and step is not None
            and event.kind == "text"
            and step.answer.type == "yesno"
            and consent_current(turn.state)
        )
        if typed_screen_answer and step is not None:
            turn.state = replace(turn.state, paused=False)
            value = screen_answer(event.text, turn.language, step.group)
            others = clusters - {step.group}
            if value is None and others:
                self._ask_about(turn, others)  # another symptom: its questions first
                return True
            # other symptoms the message states are asked next (after_answer)
            take_typed_yes_no(turn, step, value)
            return True
        if not clusters:
            return False
        turn.state = replace(turn.state, paused=False)
        if on_screen:
            self._ask_about(turn, clusters)  # other symptoms: their questions first
            return True
        if step is not None and step.answer.type == "text":
            return False  # stored as the answer first; after_answer starts the questions
        self._ask_about(turn, clusters)
        return True

    def _show_unacknowledged(self, turn: Turn, session_start: bool = False) -> None:
        """An escalation the patient has not confirmed reading is shown again, first, once
        per session (the first message of a new day, a reminder, or /help): the earlier
        message may never have reached them. Not before every question: one warning, kept
        visible."""
        memo = _memo(turn)
        open_flags = [f for f in memo.flags if f.level != "note" and not f.ack and not f.seen]
        today = self._today(turn)
        new_session = session_start or memo.shown_on != today
        if open_flags and new_session:
            turn.replies.insert(0, _escalation_reply(open_flags[-1].level, open_flags[-1].cluster))
            turn.keep(memo.model_copy(update={"shown_on": today}))

    def on_reminder(self, turn: Turn) -> bool:
        """A reminder starts a session: an unread escalation comes first (not handled:
        the reminder's own feature still asks its question)."""
        if not self.holds(turn):
            self._show_unacknowledged(turn, session_start=True)
        return False

    def after_command(self, turn: Turn, name: str) -> None:
        """/help starts a session too: an unread escalation comes before the help text.
        While on hold the engine repeats the numbers after it instead (remind_hold)."""
        if name == "help" and not self.holds(turn):
            self._show_unacknowledged(turn, session_start=True)

    def _ask_about(self, turn: Turn, clusters: frozenset[str], now: bool = True) -> None:
        """Push the matching red-flag questions; ask the first one now unless the engine will."""
        turn.say("redflags.free_text_intro")
        turn.push(REDFLAGS, groups=tuple(sorted(clusters)))
        if now:
            turn.advance()

    def _button(self, turn: Turn, action: FlagAction) -> None:
        memo = _memo(turn)
        if action == "ack":
            if any(not f.ack for f in memo.flags):
                flags = tuple(f.model_copy(update={"ack": True}) for f in memo.flags)
                turn.keep(memo.model_copy(update={"flags": flags}))
                turn.effect(FlagsAcknowledged())
            if memo.hold:
                _seen_question(turn)
            else:
                turn.say("escalation.ack_semi")
                turn.ask_again()
        elif action == "seen_yes":
            seen(turn)
        elif memo.hold:
            turn.say("escalation.still_urgent")
            _seen_question(turn)
        else:
            turn.ask_again()

    def after_answer(self, turn: Turn, frame: Frame, step: Step, value: AnswerValue) -> None:
        if frame.flow == REDFLAGS:
            memo = _memo(turn)
            # questions started by a typed message ask only the groups it mentioned
            source = "free_text" if frame.groups is not None else "screen"
            for found in evaluate(frame.answers):
                escalation = _already_seen_as_note(memo, found)
                key = f"{frame.run}:{escalation.cluster}:{escalation.level}"
                if key in memo.raised:
                    continue
                raised = (*memo.raised, key)[-RAISED_KEPT:]
                turn.keep(memo.model_copy(update={"raised": raised}))
                answers = {i: frame.answers.get(i) for i in escalation.items}
                run = frame.run if frame.started else None
                raise_flag(turn, escalation, answers, run, source, self._today(turn))
                memo = _memo(turn)
            if turn.event.kind == "text" and not self.holds(turn):
                others = detect(turn.event.text, turn.language) - {step.group}
                if others:  # "nee, maar ik heb wel koorts": the fever's questions next
                    self._ask_about(turn, others, now=False)
        elif step.answer.type == "text" and isinstance(value, str):
            clusters = detect(value, turn.language)
            if clusters:
                self._ask_about(turn, clusters, now=False)
