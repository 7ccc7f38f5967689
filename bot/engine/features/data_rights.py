"""Patient data rights: /mydata (a copy of everything stored) and /delete (erasure).

The engine only asks and decides: the file is made by the service (reply attachment
"mydata", see bot/clinic/mydata.py) and the rows are erased by the writer of
ErasureRequested (bot/store/effects/clinic.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.engine.features import Command, Feature
from bot.engine.features.confirm import ask_confirmation, confirmation
from bot.engine.model import DataExported, ErasureRequested, Reply, State, Text
from bot.engine.turn import Turn

MYDATA_ATTACHMENT = "mydata"
MYDATA_READABLE = "mydata_readable"  # the same in plain words (bot/clinic/mydata_readable.py)


def mydata(turn: Turn) -> None:
    """Two files: a text the patient reads, in their language, then the JSON for machines."""
    turn.effect(DataExported())
    turn.reply(Reply(parts=(Text("mydata.sent"),), attachment=MYDATA_READABLE))
    turn.reply(Reply(parts=(Text("mydata.machines"),), attachment=MYDATA_ATTACHMENT))
    turn.ask_again()


def delete(turn: Turn) -> None:
    turn.state = replace(turn.state, paused=False)
    ask_confirmation(turn, Text("delete.confirm"), "delete", "delete.yes", "delete.no")


class DataRights(Feature):
    name = "data_rights"

    def commands(self) -> Mapping[str, Command]:
        return {"mydata": mydata, "delete": delete}

    def open_commands(self) -> frozenset[str]:
        return frozenset({"mydata", "delete"})  # data rights hold with or without consent

    def intercept(self, turn: Turn) -> bool:
        answer = confirmation(turn, "delete")
        if answer is None:
            return False
        if answer == "no":
            turn.say("delete.kept")
            turn.ask_again()
            return True
        turn.effect(ErasureRequested())
        # Forget everything; only the language stays, to say goodbye (the state is not saved).
        turn.state = State(language=turn.state.language)
        turn.say("delete.done")
        return True
