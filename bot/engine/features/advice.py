"""KCE self-management advice, tailored and never repeated too soon.

When: at the end of the intake ("onboarding"), after each questionnaire ("result"),
after a check-in ("checkin"), after the pain score that closes a /flare ("flare"),
and on /advice ("advice_command"). Never while an escalated red flag is not yet
followed by a doctor's visit. Every item shown is an effect (id, version, language,
trigger) so we can say exactly what a patient was told.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from bot.advice.selection import AdviceItem, PatientProfile, load_library, select_advice
from bot.engine.features import Command, Feature
from bot.engine.features.followup.memo import current_phase, episode_of, latest_risk
from bot.engine.features.intake import standard_intake
from bot.engine.features.triage import PAIN_NOW, FlarePending, advice_withheld, flag_unseen
from bot.engine.flows import Flow
from bot.engine.memo import Mapped, Moment
from bot.engine.model import Effect, Frame, Reply, Text
from bot.engine.turn import Turn
from bot.pathway.config import PathwayConfig, load_config

SHOWN_LIMIT = 100


class AdviceShown(Mapped):
    """Memo "advice_shown" (this feature's): [[advice id, when], ...], the last
    SHOWN_LIMIT, so advice is not repeated within the repeat window."""

    KEY: ClassVar[str] = "advice_shown"
    root: tuple[tuple[str, Moment], ...]


class ScoredAnswers(Mapped):
    """Memo "answers" (this feature's): the latest numeric answer per
    "<instrument>.<item>", for advice rules that look at single answers."""

    KEY: ClassVar[str] = "answers"
    root: dict[str, int]


class IntakeAdviceGiven(Mapped):
    """Memo "intake_advice_given" (this feature's): the intake's advice has been given."""

    KEY: ClassVar[str] = "intake_advice_given"
    root: bool


@dataclass(frozen=True)
class AdviceGiven(Effect):
    advice_id: str
    version: int
    language: str
    trigger: str


def profile_of(turn: Turn, config: PathwayConfig) -> PatientProfile:
    """What the bot knows about the patient, from its memory."""
    episode = episode_of(turn)
    return PatientProfile(
        phase=current_phase(turn, config),
        pain_type=episode.pain_type if episode else None,
        risk=latest_risk(turn),
        answers=dict(answers.root) if (answers := turn.part(ScoredAnswers)) is not None else {},
        red_flag_open=advice_withheld(turn),
        flag_unseen=flag_unseen(turn),
    )


class Advice(Feature):
    name = "advice"
    # reads the scores; replies after the check-in summary
    after = frozenset({"questionnaires", "followup"})
    parts = (ScoredAnswers, AdviceShown, IntakeAdviceGiven)

    def __init__(
        self,
        repeat_window: timedelta = timedelta(days=14),
        library: Sequence[AdviceItem] | None = None,
        config: PathwayConfig | None = None,
    ) -> None:
        self.repeat_window = repeat_window
        self.library = tuple(library) if library is not None else load_library()
        self.config = config or load_config()

    def commands(self) -> Mapping[str, Command]:
        return {"advice": self._command}

    def give(self, turn: Turn, trigger: str, limit: int = 1) -> bool:
        """Show the most fitting advice not shown recently; False when there is none."""
        profile = profile_of(turn, self.config)
        stored = turn.part(AdviceShown)
        shown = list(stored.root) if stored is not None else []
        items = select_advice(
            self.library, profile, trigger, shown, turn.now, self.repeat_window, limit=limit
        )
        for item in items:
            turn.reply(
                Reply(parts=(Text("advice.intro"), Text(item.title_msgid), Text(item.body_msgid)))
            )
            turn.effect(AdviceGiven(item.id, item.version, turn.language, trigger))
            shown.append((item.id, turn.now))
        turn.keep(AdviceShown(tuple(shown[-SHOWN_LIMIT:])))
        return bool(items)

    def _command(self, turn: Turn) -> None:
        if advice_withheld(turn):
            turn.say("advice.withheld")
        elif not self.give(turn, "advice_command"):
            turn.say("advice.none_new")
        turn.ask_again()

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        if flow.instrument is not None:
            stored = turn.part(ScoredAnswers)
            answers = dict(stored.root) if stored is not None else {}
            answers.update(
                {
                    f"{flow.instrument}.{k}": v
                    for k, v in frame.answers.items()
                    if isinstance(v, int) and not isinstance(v, bool)
                }
            )
            turn.keep(ScoredAnswers(answers))
        busy = turn.state.top is not None or bool(turn.state.agenda)
        if advice_withheld(turn) or busy:  # advice waits until no question is queued
            return
        if flow.id == PAIN_NOW and (flare := turn.part(FlarePending)) is not None and flare.root:
            turn.forget(FlarePending)
            self.give(turn, "flare", limit=2)
        elif flow.id == "checkin":
            self.give(turn, "checkin")
        elif self._intake_complete(turn, flow):
            turn.keep(IntakeAdviceGiven(True))
            self.give(turn, "onboarding", limit=2)
        elif flow.instrument is not None:
            self.give(turn, "result")

    @staticmethod
    def _intake_complete(turn: Turn, flow: Flow) -> bool:
        given = turn.part(IntakeAdviceGiven)
        return flow.id in standard_intake(turn) and not (given is not None and given.root)
