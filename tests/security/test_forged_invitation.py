"""A typed `/start invite:...` is never an invitation (issue #17, item 1).

The invitation the service verified travels in `Event.invite`, which only the service
sets; whatever a patient types stays text. These tests failed before the fix: a typed
argument took another patient's invitation and chose the clinic and its name.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.engine import Engine, Event
from bot.engine.model import InvitationAccepted, State, VerifiedInvite
from bot.runtime import Runtime
from bot.store.models import Invitation, Sharing
from tests.clinic_support import Patient as Talker
from tests.clinic_support import clinic, invite, keys

FORGED = [
    "invite:1:1:nrs:Evil Clinic",
    "invite:1:999:nrs:Nowhere",
    "invite:abc",
    "invite:",
    "invite:1:1",
    "invite:x:y:z:w",
    "invite:used",
    "invite:99999999999999999999999999:1::",
    "invite:²:1:nrs:X",
]


@pytest.mark.parametrize("arg", FORGED)
def test_the_engine_never_takes_a_typed_argument_as_an_invitation(engine: Engine, arg: str) -> None:
    now = datetime(2026, 3, 2, 9, 0)
    result = engine.step(State(), Event("start", arg=arg, language_hint="nl"), now)
    assert not any(isinstance(e, InvitationAccepted) for e in result.effects)
    msgids = [p.key for r in result.replies for p in r.parts]
    assert "clinic.invited" not in msgids
    assert "onboarding.welcome" in msgids  # the ordinary start


def test_the_engine_takes_a_verified_invitation(engine: Engine) -> None:
    invite_ = VerifiedInvite(7, 3, ("nrs",), "De Brug")
    event = Event("start", arg="i_whatever", language_hint="nl", invite=invite_)
    result = engine.step(State(), event, datetime(2026, 3, 2, 9, 0))
    assert InvitationAccepted(7) in result.effects
    assert result.replies[0].parts[0].params["clinic"] == "De Brug"


@pytest.mark.parametrize("arg", FORGED)
async def test_a_typed_argument_takes_no_invitation_and_shares_nothing(
    runtime: Runtime, arg: str
) -> None:
    clinic_id = await clinic(runtime, "Praktijk De Brug")
    token = await invite(runtime, clinic_id, ["nrs"])
    attacker = Talker(runtime, "666")
    opened = await attacker.start(arg)  # no IntegrityError, no crash
    assert "clinic.invited" not in keys(opened)
    assert "onboarding.welcome" in keys(opened)
    await attacker.tap("onboarding.consent_yes")
    async with runtime.db.session() as session:
        invitation = (await session.execute(select(Invitation))).scalar_one()
        assert (await session.execute(select(Sharing))).first() is None
    assert invitation.used_at is None and invitation.patient_id is None
    # the real link still works for its patient, with the clinic's name from the database
    real = await Talker(runtime, "1").start(f"i_{token}")
    assert keys(real)[0] == "clinic.invited"
    assert real.replies[0].parts[0].params["clinic"] == "Praktijk De Brug"


async def test_a_channel_cannot_hand_the_service_a_verified_invitation(runtime: Runtime) -> None:
    """Even an event that arrives with `invite` set is checked: the service decides."""
    clinic_id = await clinic(runtime)
    await invite(runtime, clinic_id, ["nrs"])
    forged = VerifiedInvite(1, clinic_id, ("nrs",), "Evil Clinic")
    outcome = await Talker(runtime, "666").send(
        Event("start", arg="", language_hint="nl", invite=forged)
    )
    assert "clinic.invited" not in keys(outcome)
    async with runtime.db.session() as session:
        invitation = (await session.execute(select(Invitation))).scalar_one()
    assert invitation.used_at is None
