"""A linked clinician in Telegram: clinician help and `/portal`, never the patient flows.

The service asks this module before anything about patients: a Telegram account linked
to a clinician (`backpath clinician add` and the staff link) gets the clinician's help in
the clinician's language, and `/portal` answers with a single-use sign-in link to the
clinic portal. Summaries and red-flag notices keep arriving through the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.portal_auth import LINK_VALID, issue_link
from bot.engine.model import Event, Language, Reply, Text
from bot.store.models import Clinic, Clinician
from bot.store.repo import LINKED_CLINICIAN

PORTAL_COMMAND = "portal"
# The clinician a Telegram account is linked to (the latest link wins).
_LINKED = (
    select(Clinician)
    .where(*LINKED_CLINICIAN)
    .order_by(Clinician.linked_at.desc(), Clinician.id.desc())
    .limit(1)
)


async def clinician_turn(
    session: AsyncSession, event: Event, user: str, now: datetime, portal_url: str
) -> tuple[Reply, Language] | None:
    """The answer to a linked clinician's update, or None when `user` is no clinician.
    The service asks only when the patient lookup found a clinician, or no patient."""
    clinician = (await session.execute(_LINKED, {"user": user})).scalar_one_or_none()
    if clinician is None:
        return None
    language: Language = "fr" if clinician.language == "fr" else "nl"
    if event.kind == "command" and event.text == PORTAL_COMMAND:
        link = await issue_link(session, clinician, portal_url, now, f"clinician:{clinician.id}")
        minutes = int(LINK_VALID.total_seconds() // 60)
        return Reply(parts=(Text("clinician.portal_link", {"link": link, "minutes": minutes}),)), (
            language
        )
    clinic = await session.get(Clinic, clinician.clinic_id)
    name = clinic.name if clinic else ""
    return Reply(parts=(Text("clinician.help", {"name": clinician.name, "clinic": name}),)), (
        language
    )
