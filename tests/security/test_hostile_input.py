"""Unicode digits, the staff-link reply language and logs without patient text (issue #17,
items 6 and 7). Each of these failed before the fix."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.chat import Options, parse_line
from bot.engine import Engine, Event
from bot.engine.callbacks import Option, pack, unpack
from bot.engine.inputs import whole_number
from bot.engine.model import State
from bot.logging_setup import configure_logging
from bot.runtime import Runtime
from bot.service import Incoming
from tests.clinic_support import clinic, clinician
from tests.e2e.test_chat_cli import EPISODE, NO_RED_FLAGS, chat
from tests.integration.test_service import USER, consent_and_no_flags

ODD_DIGITS = ["²", "³", "¹⁰", "①", "٣", "५", "௫", "१०", "𝟕", "7²", "ⅷ", "-", "٣٣٣٣٣٣٣٣٣٣"]


@pytest.mark.parametrize("text", ODD_DIGITS)
def test_whole_number_never_raises(text: str) -> None:
    number = whole_number(text)
    assert number is None or number == int(text)


def test_whole_number_reads_decimal_digits_of_any_script_only() -> None:
    assert whole_number("7") == 7 and whole_number("٣") == 3 and whole_number("０８") == 8
    assert whole_number("²") is None and whole_number("①") is None and whole_number("") is None
    assert whole_number("1" * 4096) is None and whole_number("+1") is None


def test_forged_button_data_with_odd_digits_is_no_tap() -> None:
    assert unpack("2:o:²:0") is None and unpack("2:o:3:²") is None
    assert unpack("2:o:" + "9" * 5000 + ":0") is None
    assert unpack(pack(Option(3, 0))) == Option(3, 0)


@pytest.mark.parametrize("text", ODD_DIGITS)
def test_the_terminal_reads_odd_digits_as_text(text: str) -> None:
    waiting = Options(numbered={"1": "2:o:1:0", "2": "2:o:1:1"}, scale=True)
    event = parse_line(text, waiting)
    assert event.kind in ("text", "choice")


def _incoming(event: Event) -> Incoming:
    return Incoming("telegram", USER, event)  # the patient of consent_and_no_flags


@pytest.mark.parametrize(
    "event",
    [
        Event("text", text="²"),
        Event("text", text="¹⁰"),
        Event("choice", text="2:o:²:0"),
        Event("choice", text="2:o:5:²"),
        Event("choice", text="2:z:²:t"),
        Event("choice", text="2:t:²³⁴⁵"),
        Event("text", text="9" * 4096),
    ],
)
async def test_odd_digits_in_the_service_get_a_kind_reply(runtime: Runtime, event: Event) -> None:
    start = await runtime.service.handle(_incoming(Event("start", language_hint="fr")))
    await consent_and_no_flags(runtime, start)  # the 0-10 pain question
    outcome = await runtime.service.handle(_incoming(event))
    assert outcome.replies and outcome.language == "fr"
    # the pain question is still open and still takes an answer
    done = await runtime.service.handle(_incoming(Event("text", text="6")))
    assert "result.nrs" in [p.key for r in done.replies for p in r.parts]


async def test_a_broken_staff_link_is_answered_in_the_patients_language(runtime: Runtime) -> None:
    clinic_id = await clinic(runtime, "Praktijk De Brug", "nl")
    await clinician(runtime, clinic_id, "nl")
    start = await runtime.service.handle(_incoming(Event("start", language_hint="fr")))
    await consent_and_no_flags(runtime, start)
    # Telegram says Dutch, the patient chose French: the reply is French
    wrong = await runtime.service.handle(
        _incoming(Event("start", arg="s_" + "A" * 32, language_hint="nl"))
    )
    assert [p.key for r in wrong.replies for p in r.parts] == ["clinician.link_invalid"]
    assert wrong.language == "fr"


def test_a_chat_with_odd_digits_never_exits(tmp_path: Path) -> None:
    lines = ["²", "1", "²", "①", "٣", "1", *NO_RED_FLAGS, *EPISODE, "²", "¹⁰", "8"]
    result = chat(tmp_path / "c.db", lines, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "U gaf uw pijn een 8 op 10." in result.stdout


SECRET = "ik kan niet meer plassen sinds gisteren"


def _capture() -> tuple[logging.Logger, io.StringIO, logging.Handler]:
    """The handler `configure_logging` installs, writing to a string; root at DEBUG."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("DEBUG", "json", (), stream)
    root.setLevel(level)  # the test sets what it needs
    return root, stream, handler


def test_a_logged_exception_shows_its_type_and_frames_never_its_message() -> None:
    root, stream, handler = _capture()
    try:
        try:
            try:
                int(SECRET)
            except ValueError as inner:
                raise RuntimeError(f"while reading {SECRET!r}") from inner
        except RuntimeError:
            logging.getLogger("bot.telegram.app").error("update 7 failed", exc_info=True)
    finally:
        root.removeHandler(handler)
    logged = stream.getvalue()
    assert "update 7 failed" in logged
    assert "ValueError" in logged and "RuntimeError" in logged
    assert "test_hostile_input.py" in logged  # where it happened stays visible
    assert "plassen" not in logged


def test_libraries_below_info_never_reach_the_log() -> None:
    root, stream, handler = _capture()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        logging.getLogger("telegram.ext.ExtBot").debug("Calling sendMessage with %s", SECRET)
        logging.getLogger("aiosqlite").debug("executing %s", SECRET)
        logging.getLogger("telegram.ext.Application").warning("network trouble")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    logged = stream.getvalue()
    assert "plassen" not in logged and "network trouble" in logged


@pytest.mark.parametrize("consented", [False, True])
def test_choosing_a_language_with_nothing_running_gets_an_answer(
    engine: Engine, consented: bool
) -> None:
    """Found by the fuzz test: /language, a tap, and then silence."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    state = State(language="nl", consent="given", consent_version=1) if consented else State()
    asked = engine.step(state, Event("command", text="language"), now)
    chosen = engine.step(
        asked.state, Event("choice", text=asked.replies[-1].buttons[1][0].data), now
    )
    msgids = [p.key for r in chosen.replies for p in r.parts]
    assert chosen.state.language == "fr"
    assert msgids == (
        ["menu.prompt"] if consented else ["onboarding.welcome", "onboarding.privacy"]
    )
