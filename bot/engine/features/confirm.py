"""Yes/no confirmation buttons for commands with consequences (/delete, /sharing).

The buttons are `Confirm(seq, action, yes)` on the current prompt number, so a tap is
never stored as an answer and a tap on an old confirmation is stale.
"""

from __future__ import annotations

from typing import Literal

from bot.engine.callbacks import Confirm, pack, unpack_as
from bot.engine.model import Button, Reply, Text
from bot.engine.turn import Turn


def ask_confirmation(turn: Turn, question: Text, action: str, yes: str, no: str) -> None:
    seq = turn.next_seq()
    turn.reply(
        Reply(
            parts=(question,),
            buttons=(
                (Button(Text(yes), pack(Confirm(seq, action, yes=True))),),
                (Button(Text(no), pack(Confirm(seq, action, yes=False))),),
            ),
            expects="choice",
        )
    )


def confirmation(turn: Turn, action: str) -> Literal["yes", "no"] | None:
    """The patient's tap on the latest confirmation for `action`, or None if this is not one."""
    if turn.event.kind != "choice":
        return None
    tap = unpack_as(turn.event.text, Confirm)
    if tap is None or tap.seq != turn.state.prompt_seq or tap.action != action:
        return None
    return "yes" if tap.yes else "no"
