"""`backpath chat`: every option number on the screen is unique (issue #10)."""

from __future__ import annotations

from bot.chat import Options, format_rendered, parse_line
from bot.i18n.rendering import Rendered, RenderedButton

WARNING = Rendered("Belangrijk ...", ((RenderedButton("Ik heb dit gelezen", "1:0:k"),),), None)
QUESTION = Rendered(
    "Hebt u koorts?",
    ((RenderedButton("Ja", "1:7:0"), RenderedButton("Nee", "1:7:1")),),
    "yesno",
)
SCALE = Rendered(
    "Pijn?", (tuple(RenderedButton(str(n), f"1:8:{n}") for n in range(11)),), "scale"
)


def test_a_warning_and_the_next_question_share_no_number() -> None:
    options = Options()
    screen = format_rendered(WARNING, options) + "\n" + format_rendered(QUESTION, options)
    assert "  1) Ik heb dit gelezen" in screen
    assert "  2) Ja\n  3) Nee" in screen
    assert parse_line("1", options).text == "1:0:k"
    assert parse_line("2", options).text == "1:7:0"
    assert parse_line("3", options).text == "1:7:1"
    assert parse_line("nee", options).text == "1:7:1"  # the option's text works too


def test_next_to_a_scale_other_options_start_after_ten() -> None:
    options = Options(scale=True)
    screen = format_rendered(WARNING, options) + "\n" + format_rendered(SCALE, options)
    assert "  11) Ik heb dit gelezen" in screen and "[0 1 2 3 4 5 6 7 8 9 10]" in screen
    assert parse_line("1", options).kind == "text"  # the scale value 1
    assert parse_line("11", options).text == "1:0:k"
    assert parse_line("Ik heb dit gelezen", options).text == "1:0:k"
