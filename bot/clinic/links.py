"""The service's pre-step for deep links: `/start i_<token>` and `/start s_<token>`.

Tokens are checked against their stored hashes here, before the engine runs; the engine
sees only the outcome (`Event.invite`, which no channel sets) and the token never
reaches the engine, the conversation state or the logs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.tokens import hash_token, parse_start_payload
from bot.engine.model import (
    Event,
    InviteProblem,
    Language,
    Reply,
    Text,
    VerifiedInvite,
    language_from_hint,
)
from bot.store import repo
from bot.store.models import Clinic, Clinician, Invitation


async def resolve_invitation(session: AsyncSession, event: Event, now: datetime) -> Event:
    """The event with `invite` set to what the database says, on every event.

    Whatever arrived in `invite` is replaced: only a /start carrying an `i_<token>` link
    whose token hash is stored gets an invitation (or the reason it cannot be used).
    """
    return replace(event, invite=await _check_invitation(session, event, now))


async def _check_invitation(
    session: AsyncSession, event: Event, now: datetime
) -> VerifiedInvite | InviteProblem | None:
    if event.kind != "start":
        return None
    parsed = parse_start_payload(event.arg)
    if parsed is None or parsed[0] != "invite":
        # A mangled invitation link is still an invitation: say so kindly.
        return "invalid" if event.arg.startswith("i_") else None
    query = (
        select(Invitation, Clinic)
        .join(Clinic, Clinic.id == Invitation.clinic_id)
        .where(Invitation.token_hash == hash_token(parsed[1]))
        .with_for_update(of=Invitation)
    )
    row = (await session.execute(query)).first()
    if row is None:
        return "invalid"
    invitation, clinic = row
    if invitation.revoked_at is not None:  # withdrawn by the clinic
        return "invalid"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    instruments = tuple(invitation.instruments.get("instruments", ()))
    return VerifiedInvite(invitation.id, clinic.id, instruments, clinic.name)


async def link_clinician(
    session: AsyncSession, event: Event, channel: str, user: str, now: datetime
) -> tuple[Reply, Language] | None:
    """A staff link: link this Telegram account to the clinician; None if not a staff link.

    A clinician is not a patient: the answer comes in the clinician's language and no
    patient row is made. A link that does not work is answered in the sender's language:
    the one a patient chose, else their Telegram language, else Dutch.
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
    invalid = Reply(parts=(Text("clinician.link_invalid"),))
    if row is None:
        return invalid, await _sender_language(session, event, channel, user)
    clinician, clinic = row
    if clinician.linked_at is not None or clinician.link_expires_at <= now:
        return invalid, await _sender_language(session, event, channel, user)
    language: Language = "fr" if clinician.language == "fr" else "nl"
    clinician.telegram_user_id = user
    clinician.linked_at = now
    text = Text("clinician.linked", {"name": clinician.name, "clinic": clinic.name})
    return Reply(parts=(text,)), language


async def _sender_language(
    session: AsyncSession, event: Event, channel: str, user: str
) -> Language:
    chosen = await repo.patient_language(session, channel, user)
    return language_from_hint(chosen) or language_from_hint(event.language_hint) or "nl"
