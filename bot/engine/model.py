"""Values the engine takes and gives: events in; state, replies and effects out.

Everything here is immutable and serialisable. Replies carry message ids and
parameters, never literal patient-facing strings: channels translate them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.engine.callbacks import check

Language = Literal["nl", "fr"]
AnswerValue = int | bool | str


def language_from_hint(hint: str | None) -> Language | None:
    """Telegram's language_code ("nl", "fr-BE", ...) as one of ours, if it is one."""
    code = (hint or "").split("-")[0].lower()
    return "nl" if code == "nl" else "fr" if code == "fr" else None


@dataclass(frozen=True)
class Text:
    """A catalog message: msgid plus parameters (which may themselves be Texts)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Raw:
    """A non-linguistic label such as a digit on a scale button."""

    value: str


Label = Text | Raw


@dataclass(frozen=True)
class Button:
    label: Label
    data: str

    def __post_init__(self) -> None:
        check(self.data)  # made by bot.engine.callbacks.pack, at most 64 bytes


@dataclass(frozen=True)
class Reply:
    """One outgoing message: text parts joined by blank lines, optional buttons."""

    parts: tuple[Text, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    progress: tuple[int, int] | None = None
    expects: str | None = None  # answer type awaited: choice, scale, yesno, text
    attachment: str | None = None  # a file the service makes after the step (e.g. "mydata")
    # A plain question (no lead-in, no text to keep): once it is answered, a channel may
    # show the next question in its place instead of in a new message (bot/delivery).
    replaceable: bool = False


EventKind = Literal["start", "text", "choice", "command", "reminder", "unsupported"]
InviteProblem = Literal["invalid", "expired", "used"]


@dataclass(frozen=True)
class VerifiedInvite:
    """An invitation the service found by its link token's hash, unused and not expired,
    with the clinic's name as stored. Only the service makes one (bot/clinic/links.py)."""

    invitation: int
    clinic: int
    instruments: tuple[str, ...]
    clinic_name: str


@dataclass(frozen=True)
class Event:
    """Something the patient (or the scheduler) did.

    `text` is the typed text, the command name (without slash) or the callback data;
    `arg` is the command argument (e.g. the /start payload): patient input, never trusted.
    `invite` is what the service verified about an invitation link on a /start: channels
    build events from what the patient sent and never set it, and the service replaces it
    with its own finding on every event, so no text can stand for a verified invitation.
    """

    kind: EventKind
    text: str = ""
    arg: str = ""
    language_hint: str | None = None
    invite: VerifiedInvite | InviteProblem | None = None


# --- effects: what the service must persist -------------------------------------


class Effect:
    """Base of everything the service must persist; each kind has a registered writer
    (bot/store/effects/). Features define their own effects as frozen dataclasses."""


@dataclass(frozen=True)
class RunStarted(Effect):
    run: int
    flow: str
    version: int
    language: Language


@dataclass(frozen=True)
class AnswerGiven(Effect):
    run: int
    item: str
    value: AnswerValue | None
    language: Language


@dataclass(frozen=True)
class RunFinished(Effect):
    run: int
    status: Literal["completed", "stopped"]
    score: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ConsentRecorded(Effect):
    status: Literal["given", "refused"]
    version: int


# --- clinic and data-rights effects (writers in bot/store/effects/clinic.py) ----------


@dataclass(frozen=True)
class InvitationAccepted(Effect):
    """The patient opened a valid invitation link: mark it used and link the patient."""

    invitation: int


@dataclass(frozen=True)
class SharingDecided(Effect):
    """The patient's separate answer to sharing with the inviting clinic."""

    clinic: int
    invitation: int
    granted: bool


@dataclass(frozen=True)
class SharingWithdrawn(Effect):
    """`/sharing`: stop sharing with every clinic."""


@dataclass(frozen=True)
class InvitationCompleted(Effect):
    """Every requested flow is done: the clinicians may get their summary."""

    invitation: int


@dataclass(frozen=True)
class DataExported(Effect):
    """`/mydata`: the patient's own data is sent to them (audited; the file is made after
    commit)."""


@dataclass(frozen=True)
class ErasureRequested(Effect):
    """`/delete` confirmed: erase every row about the patient."""


# --- conversation state ---------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """One running flow. Frames stack: an interruption (language, red flags) is pushed
    on top and, when it ends, the frame below asks its current question again."""

    flow: str
    version: int
    run: int
    answers: Mapping[str, AnswerValue | None] = field(default_factory=dict)
    history: tuple[str, ...] = ()  # answered step ids in order, for "back"
    shown: tuple[str, ...] = ()  # lead-ins already shown
    groups: tuple[str, ...] | None = None  # restrict to these step groups
    started: bool = False  # a run row exists (set by the engine once an answer is stored)


@dataclass(frozen=True)
class State:
    language: Language | None = None
    consent: Literal["given", "refused"] | None = None
    consent_version: int = 0
    stack: tuple[Frame, ...] = ()
    agenda: tuple[str, ...] = ()  # flows to start when the stack empties
    prompt_seq: int = 0  # increases with every question asked; stale buttons carry an old one
    # Question numbers of the messages that show a question still open, by question
    # ("<run>:<step>", or "menu" for the idle menu): a tap on any copy of the current
    # question is an answer to it, not a stale tap (see Turn.is_current_copy).
    copies: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    next_run: int = 1
    paused: bool = False
    memo: Mapping[str, Any] = field(default_factory=dict)  # per-feature patient memory (JSON)

    @property
    def top(self) -> Frame | None:
        return self.stack[-1] if self.stack else None


@dataclass(frozen=True)
class StepResult:
    state: State
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
    chosen: Label | None = None  # label of an accepted button answer, to mark the old keyboard
