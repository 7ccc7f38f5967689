"""The pure side of invitations: the /start argument contract and the agenda."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.features.clinic import Invite, invite_agenda, invite_arg, parse_invite_arg


def test_the_start_argument_round_trips() -> None:
    invite = Invite(12, 3, ("startback", "nrs"), "Cabinet: Dos & Co")
    assert parse_invite_arg(invite_arg(invite)) == invite
    for problem in ("invalid", "expired", "used"):
        assert parse_invite_arg(invite_arg(problem)) == problem  # type: ignore[arg-type]
    assert parse_invite_arg("") is None and parse_invite_arg("other") is None


def test_the_agenda_skips_flows_that_do_not_exist(engine: Engine) -> None:
    agenda = invite_agenda(engine.flows, ["nope", "nrs", "nrs"])
    assert agenda[0] == "clinic_sharing" and agenda[-1] == "clinic_question"
    assert "nope" not in agenda and agenda.count("nrs") == 1
    assert ("redflags" in agenda) == ("redflags" in engine.flows)
