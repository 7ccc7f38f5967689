"""Clinics, clinicians and invitations, as created from the command line."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.audit import audit
from bot.clinic.tokens import deep_link, hash_token, new_token, start_payload
from bot.store.models import Clinic, Clinician, Invitation

STAFF_LINK_VALID = timedelta(days=7)
_DURATION = re.compile(r"(\d+)([dhw])")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


class AdminError(ValueError):
    """A command-line request that cannot be done; the message says why."""


def parse_duration(text: str) -> timedelta:
    """`14d`, `48h`, `2w`."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise AdminError(f"not a duration: {text!r} (use e.g. 14d, 48h, 2w)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


async def add_clinic(session: AsyncSession, name: str, language: str, now: datetime) -> Clinic:
    clinic = Clinic(name=name, language=language, created_at=now)
    session.add(clinic)
    await session.flush()
    audit(session, now, "cli", "clinic_add", None, clinic=clinic.id)
    return clinic


async def existing_clinic(session: AsyncSession, clinic_id: int) -> Clinic:
    clinic = await session.get(Clinic, clinic_id)
    if clinic is None:
        raise AdminError(f"no clinic with id {clinic_id}")
    return clinic


@dataclass(frozen=True)
class Created:
    id: int
    link: str


async def add_clinician(
    session: AsyncSession,
    clinic_id: int,
    name: str,
    language: str,
    bot_username: str,
    now: datetime,
) -> Created:
    """A clinician and their one-time staff link (valid STAFF_LINK_VALID)."""
    await existing_clinic(session, clinic_id)
    token = new_token()
    clinician = Clinician(
        clinic_id=clinic_id,
        name=name,
        language=language,
        link_token_hash=hash_token(token),
        link_expires_at=now + STAFF_LINK_VALID,
        created_at=now,
    )
    session.add(clinician)
    await session.flush()
    audit(session, now, "cli", "clinician_add", None, clinic=clinic_id, clinician=clinician.id)
    return Created(clinician.id, deep_link(bot_username, start_payload("staff", token)))


async def create_invitation(
    session: AsyncSession,
    clinic_id: int,
    instruments: Sequence[str],
    known: Collection[str],
    expires: timedelta,
    note: str | None,
    bot_username: str,
    now: datetime,
    actor: str = "cli",
) -> Created:
    """An invitation for the named instruments (each must be a flow in `known`)."""
    await existing_clinic(session, clinic_id)
    unknown = [i for i in instruments if i not in known]
    if unknown or not instruments:
        raise AdminError(
            f"unknown instruments {unknown} (available: {', '.join(sorted(known))})"
            if unknown
            else "name at least one instrument"
        )
    token = new_token()
    invitation = Invitation(
        clinic_id=clinic_id,
        token_hash=hash_token(token),
        instruments={"instruments": list(dict.fromkeys(instruments))},
        note=note,
        expires_at=now + expires,
        created_at=now,
    )
    session.add(invitation)
    await session.flush()
    audit(session, now, actor, "invite", None, clinic=clinic_id, invitation=invitation.id)
    return Created(invitation.id, deep_link(bot_username, start_payload("invite", token)))
