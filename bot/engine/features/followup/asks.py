"""Which instrument a pathway moment asks: by its role in the registry, never by name.

The pathway's questionnaire moments (bot/pathway/config.yaml) are `risk_questionnaire`
(the instrument with role `risk`: STarT Back today) and `comi` (role `follow_up`); a
check-in asks the `pain` rating. The instruments themselves are in the descriptors
(flows/instruments/), carried by `turn.engine.instruments`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.instruments.descriptor import Role
    from bot.instruments.registry import Instrument, Instruments

#: Questionnaire moment kind -> the role of the instrument it asks.
MOMENT_ROLES: dict[str, Role] = {"risk_questionnaire": "risk", "comi": "follow_up"}


def moment_instrument(instruments: Instruments, kind: str) -> Instrument | None:
    """The instrument a questionnaire moment asks (None: another kind, or no such one)."""
    role = MOMENT_ROLES.get(kind)
    return instruments.with_role(role) if role is not None else None


def done_by(instruments: Instruments, kind: str) -> list[str]:
    """The instruments whose recent result makes a moment's questions unnecessary: its
    own, and for the risk moment any risk screen (STarT Back or Örebro)."""
    found = moment_instrument(instruments, kind)
    ids = [found.id] if found is not None else []
    if MOMENT_ROLES.get(kind) == "risk":
        ids += [i.id for i in instruments.risk_screens() if i.id not in ids]
    return ids


def pain_flow(instruments: Instruments) -> tuple[str, ...]:
    """The flow of the pain rating (past week), or nothing."""
    pain = instruments.with_role("pain")
    return (pain.flow,) if pain is not None else ()
