"""`backpath chat`: every option number on the screen is unique (issue #10)."""

from __future__ import annotations

from bot.chat import Options, format_rendered, parse_line
from bot.engine.callbacks import Flag, Option, pack
from bot.i18n.rendering import Rendered, RenderedButton

ACK = pack(Flag("ack"))
YES, NO = pack(Option(7, 0)), pack(Option(7, 1))
WARNING = Rendered("Belangrijk ...", ((RenderedButton("Ik heb dit gelezen", ACK),),), None)
QUESTION = Rendered(
    "Hebt u koorts?", ((RenderedButton("Ja", YES), RenderedButton("Nee", NO)),), "yesno"
)
SCALE = Rendered(
    "Pijn?", (tuple(RenderedButton(str(n), pack(Option(8, n))) for n in range(11)),), "scale"
)


def test_a_warning_and_the_next_question_share_no_number() -> None:
    options = Options()
    screen = format_rendered(WARNING, options) + "\n" + format_rendered(QUESTION, options)
    assert "  1) Ik heb dit gelezen" in screen
    assert "  2) Ja\n  3) Nee" in screen
    assert parse_line("1", options).text == ACK
    assert parse_line("2", options).text == YES
    assert parse_line("3", options).text == NO
    assert parse_line("nee", options).text == NO  # the option's text works too


def test_next_to_a_scale_other_options_start_after_ten() -> None:
    options = Options(scale=True)
    screen = format_rendered(WARNING, options) + "\n" + format_rendered(SCALE, options)
    assert "  11) Ik heb dit gelezen" in screen and "[0 1 2 3 4 5 6 7 8 9 10]" in screen
    assert parse_line("1", options).kind == "text"  # the scale value 1
    assert parse_line("11", options).text == ACK
    assert parse_line("Ik heb dit gelezen", options).text == ACK
