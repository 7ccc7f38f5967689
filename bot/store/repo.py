"""The queries the service needs, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Clinician, Conversation, Patient, ProcessedUpdate, Response


def _insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT DO NOTHING on both dialects."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


# The statements of every update are built once, with bound parameters: building one and
# its cache key costs more than running it (about 0.2 ms a statement, bench/ in README).
_CLAIM_UPDATE = {
    dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(ProcessedUpdate.__table__)
    .values(update_id=bindparam("update_id"), processed_at=bindparam("processed_at"))
    .on_conflict_do_nothing(index_elements=["update_id"])
    for dialect in (postgresql, sqlite)
}
# A Telegram account linked to a clinician (bot/clinic/staff.py): no patient flows for it.
LINKED_CLINICIAN = (
    Clinician.telegram_user_id == bindparam("user"),
    Clinician.linked_at.is_not(None),
)
# The patient and whether the account is a linked clinician's, in one statement.
_LOCK_PATIENT = (
    select(Patient, exists().where(*LINKED_CLINICIAN))
    .where(Patient.channel == bindparam("channel"), Patient.external_id == bindparam("user"))
    .with_for_update(of=Patient)
)
# The conversation's position (JSON; None before the first event), read and written on
# the table: the service needs no ORM object of it.
_CONVERSATIONS = cast(Table, Conversation.__table__)
STATE = (
    select(_CONVERSATIONS.c.state)
    .where(_CONVERSATIONS.c.patient_id == bindparam("patient"))
    .scalar_subquery()
)
_INSERT_STATE = insert(_CONVERSATIONS).values(
    patient_id=bindparam("patient"), state=bindparam("state"), updated_at=bindparam("now")
)
_UPDATE_STATE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.patient_id == bindparam("patient"))
    .values(state=bindparam("state"), updated_at=bindparam("now"))
)


async def claim_update(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record an incoming update id; False when it was handled before (a duplicate)."""
    stmt = _CLAIM_UPDATE[session.get_bind().dialect.name]
    result = await session.execute(stmt, {"update_id": update_id, "processed_at": now})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def lock_known_patient(
    session: AsyncSession, channel: str, external_id: str
) -> tuple[Patient, bool] | None:
    """The patient, holding its row lock (PostgreSQL) until commit, and whether the
    account is also a linked clinician's; None when the account has no patient row.

    The lock orders concurrent updates of one patient across worker processes. A known
    patient (every update but the first) costs this one statement.
    """
    found = await session.execute(_LOCK_PATIENT, {"channel": channel, "user": external_id})
    row = found.first()
    return (row[0], bool(row[1])) if row is not None else None


async def add_patient(
    session: AsyncSession, channel: str, external_id: str, now: datetime
) -> Patient:
    """Create the patient (tolerating a concurrent worker creating the same one) and hold
    its row lock."""
    stmt = _insert(session, Patient).values(
        channel=channel, external_id=external_id, consent_version=0, created_at=now
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["channel", "external_id"]))
    found = await session.execute(_LOCK_PATIENT, {"channel": channel, "user": external_id})
    patient: Patient = found.one()[0]
    return patient


async def patient_language(session: AsyncSession, channel: str, external_id: str) -> str | None:
    """The language a known patient chose, without creating or locking anything."""
    query = select(Patient.language).where(
        Patient.channel == channel, Patient.external_id == external_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def save_state(
    session: AsyncSession, patient_id: int, known: bool, state: dict[str, Any], now: datetime
) -> None:
    """Store the new position: an update of the row read at the start of the event
    (`known`: it had one), else its first row."""
    stmt = _UPDATE_STATE if known else _INSERT_STATE
    await session.execute(stmt, {"patient": patient_id, "state": state, "now": now})


async def response_for_run(session: AsyncSession, patient_id: int, run_no: int) -> Response:
    query = select(Response).where(Response.patient_id == patient_id, Response.run_no == run_no)
    return (await session.execute(query)).scalar_one()
