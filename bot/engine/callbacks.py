"""Button data: every kind of button declared once, with a prefix and typed fields.

Telegram gives a tapped button's data back as a string of at most 64 bytes. Each kind of
button is a frozen dataclass subclassing `CallbackData` with a unique `prefix`; its fields
are `int`, `str` or `bool`. `pack` makes the string, `unpack` reads it back as the typed
value (or None for anything else: an old format, a foreign string, a field of the wrong
type), and both enforce the 64-byte limit. The wire format is

    <VERSION>:<prefix>:<field>:<field>...

A button that answers a question (`Question` subclasses) carries the question number
(`seq`, the prompt it belongs to), so a tap on an older question's keyboard is recognised
as stale and never recorded. A question asked again (after a note, a command, an
interruption) gets a new number, and the engine remembers the numbers of every message
that shows the same open question (`State.copies`): a tap on any copy of the current
question is accepted, a tap on a question already answered or left is stale. Buttons
that stay valid on older messages (the red-flag acknowledgement, reminder snoozes and
settings) carry no question number.

Bump VERSION when a kind's fields change: data of another version unpacks to None, so a
tap on a keyboard sent before the change gets the kind "old button" note.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin, get_type_hints

VERSION = "2"
MAX_BYTES = 64  # Telegram's limit for callback_data
SEP = ":"

_KINDS: dict[str, type[CallbackData]] = {}
C = TypeVar("C", bound="CallbackData")


class CallbackDataError(ValueError):
    """Button data that cannot be made: too long, or a field value with the separator."""


@dataclass(frozen=True)
class CallbackData:
    prefix: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        prefix = cls.__dict__.get("prefix")
        if prefix is None:
            return  # an abstract base such as Question
        if not prefix or SEP in prefix or prefix in _KINDS:
            raise TypeError(f"{cls.__name__}: prefix {prefix!r} is empty, bad or taken")
        _KINDS[prefix] = cls


@dataclass(frozen=True)
class Question(CallbackData):
    """A button that answers the question numbered `seq` (the prompt it was sent with)."""

    seq: int


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if SEP in text:
        raise CallbackDataError(f"field value {text!r} contains {SEP!r}")
    return text


def pack(data: CallbackData) -> str:
    fields = [_text(getattr(data, f.name)) for f in dataclasses.fields(data)]
    packed = SEP.join((VERSION, data.prefix, *fields))
    if len(packed.encode()) > MAX_BYTES:
        raise CallbackDataError(f"button data over {MAX_BYTES} bytes: {packed!r}")
    return packed


def _value(kind: Any, text: str) -> object:
    if kind is bool:
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"
    if kind is int:
        if not text.isdigit() or not text.isascii():
            raise ValueError(text)
        return int(text)
    if get_origin(kind) is Literal:
        if text not in get_args(kind):
            raise ValueError(text)
        return text
    return text


_HINTS: dict[str, dict[str, Any]] = {}


def _hints(cls: type[CallbackData]) -> dict[str, Any]:
    """The field types of a kind, resolved once (every tap and every button is checked)."""
    if cls.prefix not in _HINTS:
        _HINTS[cls.prefix] = get_type_hints(cls)
    return _HINTS[cls.prefix]


def unpack(raw: str) -> CallbackData | None:
    """The typed button data, or None if `raw` is not data we made (in this VERSION)."""
    if len(raw.encode()) > MAX_BYTES:
        return None
    version, _, rest = raw.partition(SEP)
    prefix, _, body = rest.partition(SEP)
    cls = _KINDS.get(prefix)
    if version != VERSION or cls is None:
        return None
    fields = dataclasses.fields(cls)
    parts = body.split(SEP) if fields else []
    if len(parts) != len(fields) or (not fields and body):
        return None
    hints = _hints(cls)
    try:
        values = {
            f.name: _value(hints[f.name], part) for f, part in zip(fields, parts, strict=True)
        }
    except ValueError:
        return None
    return cls(**values)


def unpack_as(raw: str, kind: type[C]) -> C | None:
    """`unpack(raw)` when it is a `kind`, else None."""
    data = unpack(raw)
    return data if isinstance(data, kind) else None


def check(raw: str) -> None:
    """Raise unless `raw` is data `pack` made (buttons are only ever made from it)."""
    if unpack(raw) is None:
        raise CallbackDataError(f"not button data made by pack(): {raw!r}")


# --- every kind of button -----------------------------------------------------------


@dataclass(frozen=True)
class Option(Question):
    """An answer option of the current question (index into its options, scale values)."""

    prefix: ClassVar[str] = "o"
    index: int


@dataclass(frozen=True)
class Back(Question):
    """ "Previous question" under a questionnaire item."""

    prefix: ClassVar[str] = "b"


@dataclass(frozen=True)
class MenuPick(Question):
    """An entry of the idle menu (`token` is what the feature's `menu()` offered)."""

    prefix: ClassVar[str] = "m"
    token: str


@dataclass(frozen=True)
class Confirm(Question):
    """Yes or no to a command with consequences (/delete, /sharing)."""

    prefix: ClassVar[str] = "x"
    action: str
    yes: bool


FlagAction = Literal["ack", "seen_yes", "seen_no"]


@dataclass(frozen=True)
class Flag(CallbackData):
    """Red-flag buttons: "I have read this", "a doctor has (not) seen me". Never stale."""

    prefix: ClassVar[str] = "r"
    action: FlagAction


@dataclass(frozen=True)
class Snooze(CallbackData):
    """Snooze a reminder (`option`: a key of the follow-up's snooze table)."""

    prefix: ClassVar[str] = "z"
    reminder: int
    option: str


@dataclass(frozen=True)
class ReminderTime(CallbackData):
    """Reminders at this time of day (`hhmm`, e.g. "0900")."""

    prefix: ClassVar[str] = "t"
    hhmm: str


ReminderAction = Literal["off", "on", "keep"]


@dataclass(frozen=True)
class Reminders(CallbackData):
    """Reminders off, on again, or kept (after "you are doing well")."""

    prefix: ClassVar[str] = "f"
    action: ReminderAction


def kinds() -> dict[str, type[CallbackData]]:
    """Every declared kind of button, by prefix."""
    return dict(_KINDS)
