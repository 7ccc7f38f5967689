"""The service's pre-step for deep links: `/start i_<token>` and `/start s_<token>`.

Tokens are checked against their stored hashes here, before the engine runs; the engine
sees only the outcome (bot.engine.features.clinic.invite_arg) and the token never
reaches the engine, the conversation state or the logs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.tokens import hash_token, parse_start_payload
from bot.engine.features.clinic import Invite, InviteProblem, invite_arg
from bot.engine.model import Event, Language, Reply, Text, language_from_hint
from bot.store.models import Clinic, Clinician, Invitation


async def resolve_invitation(session: AsyncSession, event: Event, now: datetime) -> Event:
    """A /start carrying an invitation payload becomes `invite:...`; anything else is kept."""
    if event.kind != "start":
        return event
    parsed = parse_start_payload(event.arg)
    if parsed is None or parsed[0] != "invite":
        # A mangled invitation link is still an invitation: say so kindly.
        return replace(event, arg=invite_arg("invalid")) if event.arg.startswith("i_") else event
    query = (
        select(Invitation, Clinic)
        .join(Clinic, Clinic.id == Invitation.clinic_id)
        .where(Invitation.token_hash == hash_token(parsed[1]))
        .with_for_update(of=Invitation)
    )
    row = (await session.execute(query)).first()
    outcome: Invite | InviteProblem
    if row is None:
        outcome = "invalid"
    else:
        invitation, clinic = row
        if invitation.revoked_at is not None:  # withdrawn by the clinic
            outcome = "invalid"
        elif invitation.used_at is not None:
            outcome = "used"
        elif invitation.expires_at <= now:
            outcome = "expired"
        else:
            instruments = tuple(invitation.instruments.get("instruments", ()))
            outcome = Invite(invitation.id, clinic.id, instruments, clinic.name)
    return replace(event, arg=invite_arg(outcome))


async def link_clinician(
    session: AsyncSession, event: Event, user: str, now: datetime
) -> tuple[Reply, Language] | None:
    """A staff link: link this Telegram account to the clinician; None if not a staff link.

    A clinician is not a patient: the answer comes in the clinician's language and no
    patient row is made.
    """
    if event.kind != "start":
        return None
    parsed = parse_start_payload(event.arg)
    if parsed is None or parsed[0] != "staff":
        return None
    query = (
        select(Clinician, Clinic)
        .join(Clinic, Clinic.id == Clinician.clinic_id)
        .where(Clinician.link_token_hash == hash_token(parsed[1]))
        .with_for_update(of=Clinician)
    )
    row = (await session.execute(query)).first()
    if row is None:
        return Reply(parts=(Text("clinician.link_invalid"),)), (
            language_from_hint(event.language_hint) or "nl"
        )
    clinician, clinic = row
    language: Language = "fr" if clinician.language == "fr" else "nl"
    if clinician.linked_at is not None or clinician.link_expires_at <= now:
        return Reply(parts=(Text("clinician.link_invalid"),)), language
    clinician.telegram_user_id = user
    clinician.linked_at = now
    text = Text("clinician.linked", {"name": clinician.name, "clinic": clinic.name})
    return Reply(parts=(text,)), language
