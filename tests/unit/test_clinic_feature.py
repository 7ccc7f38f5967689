"""The pure side of invitations: the verified invitation on /start and the agenda."""

from __future__ import annotations

from bot.engine import Engine, Event
from bot.engine.features.clinic import invite_agenda
from bot.engine.model import VerifiedInvite
from bot.i18n import Catalogs
from tests.unit.test_engine import Talk, no_red_flags


def test_the_agenda_skips_flows_that_do_not_exist(engine: Engine) -> None:
    agenda = invite_agenda(engine.flows, ["nope", "nrs", "nrs"])
    assert agenda[0] == "clinic_sharing" and agenda[-1] == "clinic_question"
    assert "nope" not in agenda and agenda.count("nrs") == 1
    assert ("redflags" in agenda) == ("redflags" in engine.flows)


def test_an_invitation_from_start_to_one_thank_you(engine: Engine, catalogs: Catalogs) -> None:
    """Onboarding, sharing, red flags, the episode, the NRS (then the COMI baseline the
    episode asks for), the question: one closing thank-you."""
    talk = Talk(engine, catalogs)
    invite = VerifiedInvite(7, 3, ("nrs",), "De Brug")
    talk.send(Event("start", invite=invite, language_hint="nl"))
    assert talk.msgids()[0] == "clinic.invited"
    talk.tap("Ja, ik ga akkoord")
    talk.tap(catalogs.message("nl", "clinic.sharing_yes"))
    no_red_flags(talk)
    assert "episode.onset" in talk.msgids()
    talk.tap(catalogs.message("nl", "episode.onset_1_2_weeks"))
    talk.tap(catalogs.message("nl", "episode.pain_type_back"))
    talk.tap(catalogs.message("nl", "answer.no"))
    talk.tap("3")
    while "clinic.question_offer" not in talk.msgids():
        assert "clinic.invite_done" not in talk.msgids()
        talk.tap(next(label for label, _ in talk.buttons()))  # the COMI baseline
    talk.tap(catalogs.message("nl", "clinic.question_skip"))
    msgids = talk.msgids()
    assert "clinic.invite_done" in msgids
    assert "flows.done" not in msgids and msgids[-1] == "menu.prompt"


def test_the_agenda_asks_the_episode_only_when_there_is_none(engine: Engine) -> None:
    asked = invite_agenda(engine.flows, ["nrs"], ask_episode=True)
    assert asked.index("redflags") < asked.index("episode") < asked.index("nrs")
    assert "episode" not in invite_agenda(engine.flows, ["nrs"])
