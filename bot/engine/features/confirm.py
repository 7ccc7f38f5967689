"""Yes/no confirmation buttons for commands with consequences (/delete, /sharing).

The buttons carry `x:<action>:y` or `x:<action>:n` on the current prompt number, so a
tap is never stored as an answer and a tap on an old confirmation is stale.
"""

from __future__ import annotations

from typing import Literal

from bot.engine.inputs import callback, parse_callback
from bot.engine.model import Button, Reply, Text
from bot.engine.turn import Turn


def ask_confirmation(turn: Turn, question: Text, action: str, yes: str, no: str) -> None:
    seq = turn.next_seq()
    turn.reply(
        Reply(
            parts=(question,),
            buttons=(
                (Button(Text(yes), callback(seq, f"x:{action}:y")),),
                (Button(Text(no), callback(seq, f"x:{action}:n")),),
            ),
            expects="choice",
        )
    )


def confirmation(turn: Turn, action: str) -> Literal["yes", "no"] | None:
    """The patient's tap on the latest confirmation for `action`, or None if this is not one."""
    if turn.event.kind != "choice":
        return None
    tap = parse_callback(turn.event.text)
    if tap is None or tap.seq != turn.state.prompt_seq:
        return None
    if tap.token == f"x:{action}:y":
        return "yes"
    if tap.token == f"x:{action}:n":
        return "no"
    return None
