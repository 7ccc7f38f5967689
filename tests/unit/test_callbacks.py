"""Button data: one format, typed fields, the 64-byte limit, a version, question numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.engine.callbacks import (
    MAX_BYTES,
    VERSION,
    Back,
    CallbackData,
    CallbackDataError,
    Confirm,
    Flag,
    MenuPick,
    Option,
    Question,
    Reminders,
    ReminderTime,
    Snooze,
    kinds,
    pack,
    unpack,
    unpack_as,
)
from bot.engine.model import Button, Raw

EXAMPLES: list[CallbackData] = [
    Option(7, 3),
    Back(7),
    MenuPick(2, "startback"),
    Confirm(4, "delete", yes=True),
    Confirm(4, "sharing", yes=False),
    Flag("ack"),
    Flag("seen_yes"),
    Snooze(12, "t"),
    ReminderTime("0900"),
    Reminders("off"),
]


@pytest.mark.parametrize("data", EXAMPLES, ids=lambda d: type(d).__name__)
def test_pack_and_unpack_round_trip(data: CallbackData) -> None:
    packed = pack(data)
    assert packed.startswith(f"{VERSION}:{data.prefix}:") or packed == f"{VERSION}:{data.prefix}"
    assert len(packed.encode()) <= MAX_BYTES
    assert unpack(packed) == data


def test_every_kind_is_declared_once_and_covered_here() -> None:
    assert {type(d) for d in EXAMPLES} == set(kinds().values())
    assert len(kinds()) == 8


def test_buttons_that_answer_a_question_carry_its_number() -> None:
    answering = {Option, Back, MenuPick, Confirm}
    assert {k for k in kinds().values() if issubclass(k, Question)} == answering
    assert pack(Option(7, 3)) == f"{VERSION}:o:7:3"


@pytest.mark.parametrize(
    "raw",
    [
        "1:7:3",  # the format before version 2: an old keyboard
        "f:z:5:t",
        f"{VERSION}:?:1",  # unknown prefix
        f"{VERSION}:o:7",  # a field missing
        f"{VERSION}:o:7:3:9",  # a field too many
        f"{VERSION}:o:x:3",  # not a number
        f"{VERSION}:o:٣:3",  # a non-ASCII digit
        f"{VERSION}:x:4:delete:maybe",  # not a bool
        f"{VERSION}:r:nope",  # not one of the declared values
        f"{VERSION}:b:7" + "0" * 80,  # over 64 bytes
        "",
    ],
)
def test_foreign_or_damaged_data_unpacks_to_none(raw: str) -> None:
    assert unpack(raw) is None


def test_unpack_as_checks_the_kind() -> None:
    assert unpack_as(pack(Back(3)), Back) == Back(3)
    assert unpack_as(pack(Back(3)), Option) is None


def test_too_long_or_separator_in_a_field_is_refused() -> None:
    with pytest.raises(CallbackDataError, match="64 bytes"):
        pack(MenuPick(1, "x" * 60))
    with pytest.raises(CallbackDataError, match="contains"):
        pack(MenuPick(1, "a:b"))


def test_a_button_takes_only_packed_data() -> None:
    Button(Raw("1"), pack(Option(1, 0)))
    with pytest.raises(CallbackDataError):
        Button(Raw("1"), "1:1:0")


def test_a_prefix_is_taken_once() -> None:
    with pytest.raises(TypeError, match="taken"):

        @dataclass(frozen=True)
        class Twin(CallbackData):
            prefix: ClassVar[str] = "o"


@given(
    seq=st.integers(0, 10**9),
    index=st.integers(0, 10**6),
    token=st.from_regex(r"[a-z_]{1,20}", fullmatch=True),
)
def test_typed_fields_survive_any_value(seq: int, index: int, token: str) -> None:
    assert unpack(pack(Option(seq, index))) == Option(seq, index)
    assert unpack(pack(MenuPick(seq, token))) == MenuPick(seq, token)
