"""Turn what the patient sent (a button tap or typed text) into an answer value.

Button data is made and read in bot/engine/callbacks.py; an answer button is an
`Option` (question number and option index).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.flows import Step
from bot.engine.model import AnswerValue, Label, Language, Text
from bot.triage.yesno import read_yes_no

Render = Callable[[Language, Label], str]


MAX_DIGITS = 9


def whole_number(text: str) -> int | None:
    """`text` as a whole number when it is 1-9 decimal digits (of any script), else None.

    Never `str.isdigit()` before `int()`: it is also true for `²` and other digits that
    `int()` refuses. Decimal digits of every script are what `int()` reads (`٣` is 3), and
    the length bound keeps a 4,096-digit text from costing anything.
    """
    if 0 < len(text) <= MAX_DIGITS and text.isdecimal():
        return int(text)
    return None


def option_values(step: Step) -> tuple[AnswerValue, ...]:
    """The values a step's buttons stand for, in button order."""
    spec = step.answer
    if spec.type == "choice":
        return tuple(o.value for o in spec.options)
    if spec.type == "scale":
        assert spec.min is not None and spec.max is not None
        return tuple(range(spec.min, spec.max + 1))
    if spec.type == "yesno":
        return (True, False)
    return ()


def option_labels(step: Step) -> tuple[Label, ...]:
    spec = step.answer
    if spec.type == "choice":
        return tuple(Text(o.label) for o in spec.options)
    if spec.type == "yesno":
        return (Text("answer.yes"), Text("answer.no"))
    return ()


def value_for_index(step: Step, index: int) -> AnswerValue | None:
    values = option_values(step)
    return values[index] if index < len(values) else None


def normalise(text: str) -> str:
    """Casefold, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


@dataclass(frozen=True)
class Parsed:
    value: AnswerValue | None = None
    error: Text | None = None


def parse_text(step: Step, text: str, language: Language, render: Render) -> Parsed:
    """Interpret typed text as an answer to `step`, or explain kindly why not."""
    spec = step.answer
    if spec.type == "text":
        cleaned = text.strip()
        if not cleaned:
            return Parsed(error=Text("error.empty_text"))
        if len(cleaned) > spec.max_length:
            return Parsed(error=Text("error.text_too_long", {"max": spec.max_length}))
        return Parsed(value=cleaned)
    typed = normalise(text)
    if spec.type == "scale":
        assert spec.min is not None and spec.max is not None
        raw = text.strip()
        number = whole_number(raw.removeprefix("-"))
        if number is not None and raw.startswith("-"):
            number = -number
        if number is not None and spec.min <= number <= spec.max:
            return Parsed(value=number)
        return Parsed(error=Text("error.scale_range", {"min": spec.min, "max": spec.max}))
    if spec.type == "yesno":
        answer = read_yes_no(text)
        if answer is not None:
            return Parsed(value=answer)
    for value, label in zip(option_values(step), option_labels(step), strict=True):
        if typed and typed == normalise(render(language, label)):
            return Parsed(value=value)
    return Parsed(error=Text("error.use_buttons"))
