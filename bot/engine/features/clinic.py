"""Pre-consultation invitations and sharing with a clinic.

The service resolves a `/start i_<token>` deep link against the database and hands the
engine only the outcome, in `Event.invite` (a VerifiedInvite or a problem): never the
token, and never anything the patient typed.
A valid invitation sets the agenda: the separate consent to share with the clinic,
the red-flag screen (when that flow exists), the episode (onset, back or radicular,
recurrence) when the patient has not described one yet, the requested instruments
(those that exist), the offer of the optional history (work, medication, treatments)
and an optional question for the appointment. When the last of them is done
the invitation is completed (InvitationCompleted: the clinicians get their summary).
`/sharing` withdraws the sharing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from bot.engine.features import Command, Feature
from bot.engine.features.confirm import ask_confirmation, confirmation
from bot.engine.features.core import ONBOARDING, begin
from bot.engine.features.followup.memo import episode_of
from bot.engine.flows import Flow
from bot.engine.memo import Mapped, Record
from bot.engine.model import (
    Frame,
    InvitationAccepted,
    InvitationCompleted,
    SharingDecided,
    SharingWithdrawn,
    Text,
    VerifiedInvite,
)
from bot.engine.turn import Turn

SHARING_FLOW = "clinic_sharing"
QUESTION_FLOW = "clinic_question"
REDFLAG_FLOW = "redflags"
HISTORY_OFFER_FLOW = "history_offer"  # the optional history (bot/engine/features/history.py)
EPISODE = "episode"  # the flow that sets the follow-up's episode (docs/contracts.md)


class OpenInvitation(Record):
    """Memo "clinic.invite" (this feature's; intake and history ask whether there is one):
    the invitation being filled in."""

    KEY: ClassVar[str] = "clinic.invite"

    invitation: int
    clinic: int
    clinic_name: str
    instruments: tuple[str, ...]


class SharedClinics(Mapped):
    """Memo "clinic.shared" (this feature's; history reads it): the clinics the patient
    shares with now, as [[clinic id, clinic name], ...]."""

    KEY: ClassVar[str] = "clinic.shared"
    root: tuple[tuple[int, str], ...]


def shared_clinics(turn: Turn) -> tuple[tuple[int, str], ...]:
    shared = turn.part(SharedClinics)
    return shared.root if shared is not None else ()


def invite_agenda(
    flows: Mapping[str, Flow], instruments: Sequence[str], *, ask_episode: bool = False
) -> tuple[str, ...]:
    """The flows an invitation runs, in order, leaving out those that do not exist.

    `ask_episode`: the patient has no episode yet, so the clinician's summary would
    lack onset, back or radicular pain and recurrence: ask it after the red flags.
    """
    episode = (EPISODE,) if ask_episode else ()
    wanted = (
        SHARING_FLOW,
        REDFLAG_FLOW,
        *episode,
        *instruments,
        HISTORY_OFFER_FLOW,
        QUESTION_FLOW,
    )
    seen: list[str] = []
    for flow_id in wanted:
        if flow_id in flows and flow_id not in seen:
            seen.append(flow_id)
    return tuple(seen)


def _agenda(turn: Turn, invite: OpenInvitation) -> tuple[str, ...]:
    return invite_agenda(
        turn.engine.flows, invite.instruments, ask_episode=episode_of(turn) is None
    )


def _open(turn: Turn, invite: VerifiedInvite) -> None:
    turn.effect(InvitationAccepted(invite.invitation))
    opened = OpenInvitation(
        invitation=invite.invitation,
        clinic=invite.clinic,
        clinic_name=invite.clinic_name,
        instruments=tuple(invite.instruments),
    )
    turn.keep(opened)
    turn.say("clinic.invited", clinic=invite.clinic_name)
    if turn.state.consent != "given":
        begin(turn)  # onboarding first; after_finish(onboarding) sets the agenda
        return
    turn.state = replace(
        turn.state, paused=False, agenda=(*_agenda(turn, opened), *turn.state.agenda)
    )
    if turn.state.top is None:
        turn.advance()
    else:
        turn.ask_again()


def sharing(turn: Turn) -> None:
    shared = shared_clinics(turn)
    if not shared:
        turn.say("sharing.none")
        turn.ask_again()
        return
    turn.state = replace(turn.state, paused=False)
    names = ", ".join(name for _, name in shared)
    question = Text("sharing.confirm", {"clinics": names})
    ask_confirmation(turn, question, "sharing", "sharing.stop", "sharing.keep")


class Clinic(Feature):
    name = "clinic"
    parts = (OpenInvitation, SharedClinics)

    def commands(self) -> Mapping[str, Command]:
        return {"sharing": sharing}

    def on_start(self, turn: Turn) -> bool:
        invite = turn.event.invite
        if invite is None:
            return False
        if isinstance(invite, VerifiedInvite):
            _open(turn, invite)
        else:
            turn.say(f"clinic.invite_{invite}")
            begin(turn)
        return True

    def intercept(self, turn: Turn) -> bool:
        answer = confirmation(turn, "sharing")
        if answer is None:
            return False
        if answer == "yes":
            turn.effect(SharingWithdrawn())
            turn.keep(SharedClinics(()))
            turn.say("sharing.stopped")
        else:
            turn.say("sharing.kept")
        turn.ask_again()
        return True

    def after_finish(
        self, turn: Turn, frame: Frame, flow: Flow, score: Mapping[str, Any] | None
    ) -> None:
        invite = turn.part(OpenInvitation)
        if invite is None:
            return
        if flow.id == ONBOARDING and turn.state.consent == "given":
            # The invitation's flows replace the default first questionnaire.
            turn.state = replace(turn.state, agenda=_agenda(turn, invite))
            return
        if flow.id == SHARING_FLOW:
            self._shared(turn, invite, frame.answers.get("share") == "yes")
        agenda = turn.state.agenda
        if QUESTION_FLOW in agenda[:-1]:
            # The episode queues the pathway's first questionnaires (COMI baseline, ...)
            # at the end: they belong in the summary, so the question stays last.
            last = (*(f for f in agenda if f != QUESTION_FLOW), QUESTION_FLOW)
            turn.state = replace(turn.state, agenda=last)
        planned = set(_agenda(turn, invite))
        pending = set(turn.state.agenda) | {f.flow for f in turn.state.stack}
        if flow.id in planned and not planned & pending:
            turn.effect(InvitationCompleted(invite.invitation))
            turn.forget(OpenInvitation)
            turn.say("clinic.invite_done", clinic=invite.clinic_name)
            turn.thanked = True

    @staticmethod
    def _shared(turn: Turn, invite: OpenInvitation, granted: bool) -> None:
        turn.effect(SharingDecided(invite.clinic, invite.invitation, granted))
        if granted:
            shared = [s for s in shared_clinics(turn) if s[0] != invite.clinic]
            turn.keep(SharedClinics((*shared, (invite.clinic, invite.clinic_name))))
            turn.say("clinic.sharing_granted", clinic=invite.clinic_name)
        else:
            # Nothing goes to the clinic, so no history or question for it either.
            dropped = (HISTORY_OFFER_FLOW, QUESTION_FLOW)
            agenda = tuple(f for f in turn.state.agenda if f not in dropped)
            turn.state = replace(turn.state, agenda=agenda)
            turn.say("clinic.sharing_refused")
