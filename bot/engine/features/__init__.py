"""Engine features: each capability (commands and reactions) in a module of its own.

A feature is pure like the rest of the engine: it reads and changes the conversation
only through the Turn it is given. The engine calls its hooks through
bot/engine/pipeline.py, which says for each hook whether it is a guard (the first True
stops the event), a handler (all run), a contribution (all joined) or the hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from bot.engine.model import AnswerValue, Frame

if TYPE_CHECKING:
    from bot.engine.flows import Flow, Step
    from bot.engine.memo import Mapped, Record
    from bot.engine.turn import Turn

Command = Callable[["Turn"], None]


class Feature:
    """Override what the feature needs; the defaults do nothing."""

    #: unique name, for the order checks
    name: ClassVar[str] = "feature"
    #: True: sees every event before any other feature (triage)
    first: ClassVar[bool] = False
    #: features that must come before this one when present (whose replies or memo it reads)
    after: ClassVar[frozenset[str]] = frozenset()
    #: the parts of the patient's memo it owns (bot/engine/memo.py): it writes them, others
    #: may only read them through the typed API; each key has one owner (the pipeline checks)
    parts: ClassVar[tuple[type[Record | Mapped], ...]] = ()

    def commands(self) -> Mapping[str, Command]:
        """Command name (without slash) -> handler."""
        return {}

    def open_commands(self) -> frozenset[str]:
        """Commands allowed before consent is given."""
        return frozenset()

    def on_start(self, turn: Turn) -> bool:
        """A /start (with what the service verified about its deep link); True = handled."""
        return False

    def intercept(self, turn: Turn) -> bool:
        """Look at a text/choice event before it is taken as an answer; True = handled."""
        return False

    def after_answer(self, turn: Turn, frame: Frame, step: Step, value: AnswerValue) -> None:
        """React to an accepted answer, before the next question is asked."""

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        """React to a completed flow (score is given for questionnaires)."""

    def on_reminder(self, turn: Turn) -> bool:
        """Handle a scheduler event; True = handled."""
        return False

    def after_command(self, turn: Turn, name: str) -> None:
        """React to a command that has run (`name` without slash; /help starts a session)."""

    def menu(self, turn: Turn) -> list[tuple[str, str]]:
        """Idle-menu entries: (token, label msgid)."""
        return []

    def on_menu(self, turn: Turn, token: str) -> bool:
        """A menu entry was tapped; True = handled."""
        return False

    def holds(self, turn: Turn) -> bool:
        """True to put the conversation on hold: no question is asked (an urgent flag)."""
        return False

    def remind_hold(self, turn: Turn) -> None:
        """What to say instead of a question while this feature holds the conversation."""
