"""Portal sign-in without passwords: single-use links and server-side sessions.

A linked clinician asks the bot (`/portal`) or the admin (`backpath clinician link`) for a
sign-in link. The link carries a random token (192 bits); the database
keeps only its SHA-256 hash, it works once and for LINK_VALID. Redeeming it opens a
session: the browser's cookie holds another random token, the `portal_sessions` row its
hash, its CSRF token and its expiry (SESSION_IDLE since the last request, SESSION_MAX at
most). Signing out ends the row. Tokens never reach the logs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.audit import audit
from bot.clinic.tokens import hash_token
from bot.store.models import Clinic, Clinician, PortalLink, PortalSession

LINK_VALID = timedelta(minutes=15)
LINK_TOKEN_BYTES = 24  # 192 bits, 48 hex characters
SESSION_IDLE = timedelta(hours=1)
SESSION_MAX = timedelta(hours=12)
SIGNIN_PATH = "/portal/signin"

LinkProblem = Literal["invalid", "used", "expired"]


def signin_url(base_url: str, token: str) -> str:
    """The link a clinician opens: `<base>/portal/signin#<token>`. The token is in the
    fragment, which browsers never send: it reaches no access log and no Referer; the
    sign-in page's script puts it into the form."""
    return f"{base_url.rstrip('/')}{SIGNIN_PATH}#{token}"


async def issue_link(
    session: AsyncSession, clinician: Clinician, base_url: str, now: datetime, actor: str
) -> str:
    """A fresh sign-in link for the clinician; audited (without the token)."""
    token = secrets.token_hex(LINK_TOKEN_BYTES)  # hex: no character a chat app's
    link = PortalLink(  # link detection could cut off at the end of the URL
        clinician_id=clinician.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + LINK_VALID,
    )
    session.add(link)
    await session.flush()
    audit(session, now, actor, "portal_link", None, clinic=clinician.clinic_id, link=link.id)
    return signin_url(base_url, token)


@dataclass(frozen=True)
class Opened:
    """A new session: `token` goes into the cookie, never anywhere else."""

    token: str
    clinician_id: int


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> Opened | LinkProblem:
    """Use a sign-in link once: a new session, or why not."""
    if not token or len(token) > 64:
        return "invalid"
    query = select(PortalLink).where(PortalLink.token_hash == hash_token(token)).with_for_update()
    link = (await session.execute(query)).scalar_one_or_none()
    if link is None:
        return "invalid"
    if link.used_at is not None:
        audit(
            session, now, f"clinician:{link.clinician_id}", "portal_link_reused", None, link=link.id
        )
        return "used"
    if link.expires_at <= now:
        return "expired"
    link.used_at = now
    secret = secrets.token_urlsafe(32)
    row = PortalSession(
        clinician_id=link.clinician_id,
        token_hash=hash_token(secret),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_MAX,
    )
    session.add(row)
    await session.flush()
    audit(
        session,
        now,
        f"clinician:{link.clinician_id}",
        "portal_signin",
        None,
        link=link.id,
        portal_session=row.id,
    )
    return Opened(secret, link.clinician_id)


@dataclass(frozen=True)
class Who:
    """The signed-in clinician, as the portal's views need them."""

    session_id: int
    clinician_id: int
    clinic_id: int
    clinic_name: str
    name: str
    language: Literal["nl", "fr"]
    csrf: str

    @property
    def actor(self) -> str:
        return f"clinician:{self.clinician_id}"


async def current(session: AsyncSession, token: str | None, now: datetime) -> Who | None:
    """The session of a cookie token if it is still open; its idle clock starts again."""
    if not token or len(token) > 64:
        return None
    query = (
        select(PortalSession, Clinician, Clinic)
        .join(Clinician, Clinician.id == PortalSession.clinician_id)
        .join(Clinic, Clinic.id == Clinician.clinic_id)
        .where(PortalSession.token_hash == hash_token(token))
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None
    portal, clinician, clinic = row
    if (
        portal.ended_at is not None
        or portal.expires_at <= now
        or portal.last_seen_at + SESSION_IDLE <= now
    ):
        return None
    portal.last_seen_at = now
    return Who(
        session_id=portal.id,
        clinician_id=clinician.id,
        clinic_id=clinic.id,
        clinic_name=clinic.name,
        name=clinician.name,
        language="fr" if clinician.language == "fr" else "nl",
        csrf=portal.csrf_token,
    )


async def end(session: AsyncSession, who: Who, now: datetime) -> None:
    """Sign out: the session row is closed, the cookie token is worthless from now on."""
    portal = await session.get(PortalSession, who.session_id)
    if portal is not None and portal.ended_at is None:
        portal.ended_at = now
        audit(session, now, who.actor, "portal_signout", None, portal_session=who.session_id)
