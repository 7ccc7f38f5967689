"""What the clinic portal shows about the patients who share with a clinic now.

(One patient's summary is bot.clinic.report.build_report, as for the PDF.)

Read from the database into plain values (the portal's templates only format them):
open red flags first, the latest score per instrument with its category, the trend of
the followed scores, the next pathway moment and the invitation's status. Access is
decided here: a patient who does not share with the clinic now is simply not found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clinic.access import ensure_ref, shared_patient_ids, shares_with
from bot.clinic.report import ReportContent
from bot.clinic.results import completed_results
from bot.instruments.registry import Instruments
from bot.pathway.progress import Direction, trend_summary
from bot.reports.model import QuestionnaireResult
from bot.store.models import (
    REMINDER_OPEN,
    Conversation,
    Invitation,
    Patient,
    RedFlag,
    Reminder,
)

SORT_ORDERS = ("flags", "activity", "ref")  # how the list can be sorted
LEVEL_RANK = {"urgent": 0, "semi_urgent": 1, "note": 2}
Trend = Direction  # of the pain rating (bot.pathway.progress) and of a change rule alike
InvitationStatus = Literal["open", "used", "completed", "expired", "revoked"]


@dataclass(frozen=True)
class OpenFlag:
    """A red flag no doctor has seen the patient for yet (by the patient's own account)."""

    level: str
    cluster: str
    raised_at: datetime


@dataclass(frozen=True)
class Moment:
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class RosterRow:
    patient_id: int  # for the audit log only: never shown, never in a URL
    ref: str
    last_activity: datetime | None
    open_flags: tuple[OpenFlag, ...]  # worst first
    latest: Mapping[str, QuestionnaireResult]  # per instrument (the list's columns)
    # per instrument: the pain rating's, then those with a change rule, from two values on
    trends: Mapping[str, Trend]
    next_moment: Moment | None
    invitation: InvitationStatus | None

    @property
    def flag_rank(self) -> int:
        return LEVEL_RANK.get(self.open_flags[0].level, 3) if self.open_flags else 9


def invitation_status(invitation: Invitation, now: datetime) -> InvitationStatus:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.completed_at is not None:
        return "completed"
    if invitation.used_at is not None:
        return "used"
    return "expired" if invitation.expires_at <= now else "open"


def _trends(results: Sequence[QuestionnaireResult], instruments: Instruments) -> dict[str, Trend]:
    trends: dict[str, Trend] = {}
    pain = instruments.with_role("pain")
    if pain is not None:
        # like with like: the weekly ratings, else the ratings of the moment (/pain, /flare)
        mine = [r for r in results if r.instrument == pain.id]
        weekly = [(r.completed_at, r.total) for r in mine if r.recall in (None, "week")]
        summary = trend_summary(weekly) or trend_summary(
            [(r.completed_at, r.total) for r in mine if r.recall == "now"]
        )
        if summary is not None:
            trends[pain.id] = summary.direction
    for instrument in instruments:
        change = instrument.descriptor.change
        totals = [r.total for r in results if r.instrument == instrument.id]
        if instrument.change is not None and change is not None and len(totals) > 1:
            trends[instrument.id] = change.trends[instrument.change(totals[-2], totals[-1])]
    return trends


async def roster(
    session: AsyncSession,
    content: ReportContent,
    clinic_id: int,
    now: datetime,
    only: int | None = None,
) -> list[RosterRow]:
    """One row per patient sharing with the clinic now (only `only` when given): red flags
    first (worst level, then newest), then the latest activity."""
    ids = await shared_patient_ids(session, clinic_id)
    if only is not None:
        ids = [i for i in ids if i == only]
    if not ids:
        return []
    patients = list((await session.execute(select(Patient).where(Patient.id.in_(ids)))).scalars())
    updated = select(Conversation.patient_id, Conversation.updated_at).where(
        Conversation.patient_id.in_(ids)
    )
    activity = {pid: at for pid, at in await session.execute(updated)}
    flags: dict[int, list[OpenFlag]] = {}
    open_flags = select(RedFlag).where(
        RedFlag.patient_id.in_(ids), RedFlag.seen_by_doctor_at.is_(None)
    )
    for flag in (await session.execute(open_flags)).scalars():
        flags.setdefault(flag.patient_id, []).append(
            OpenFlag(flag.level, flag.cluster, flag.raised_at)
        )
    results: dict[int, list[QuestionnaireResult]] = {}
    for patient_id, result in await completed_results(session, content.flows, ids):
        results.setdefault(patient_id, []).append(result)
    moments = await _next_moments(session, ids)
    invitations = await _invitations(session, clinic_id, ids, now)
    rows = []
    for patient in patients:
        mine = results.get(patient.id, [])
        rows.append(
            RosterRow(
                patient_id=patient.id,
                ref=await ensure_ref(session, patient),
                last_activity=activity.get(patient.id),
                open_flags=tuple(
                    sorted(
                        flags.get(patient.id, []),
                        key=lambda f: (LEVEL_RANK.get(f.level, 3), -f.raised_at.timestamp()),
                    )
                ),
                latest={r.instrument: r for r in mine if r.instrument in content.instruments},
                trends=_trends(mine, content.instruments),
                next_moment=moments.get(patient.id),
                invitation=invitations.get(patient.id),
            )
        )
    return sorted(rows, key=_default_order)


def _default_order(row: RosterRow) -> tuple[int, float, float]:
    newest_flag = -row.open_flags[0].raised_at.timestamp() if row.open_flags else 0.0
    activity = -row.last_activity.timestamp() if row.last_activity else 0.0
    return (row.flag_rank, newest_flag, activity)


async def _next_moments(session: AsyncSession, ids: Sequence[int]) -> dict[int, Moment]:
    first = (
        select(Reminder.patient_id, func.min(Reminder.due_at).label("due"))
        .where(Reminder.patient_id.in_(ids), Reminder.status == REMINDER_OPEN[0])
        .group_by(Reminder.patient_id)
        .subquery()
    )
    query = select(Reminder.patient_id, Reminder.kind, Reminder.due_at).join(
        first, (first.c.patient_id == Reminder.patient_id) & (first.c.due == Reminder.due_at)
    )
    moments: dict[int, Moment] = {}
    for patient_id, kind, due in await session.execute(query):
        moments.setdefault(patient_id, Moment(kind, due))
    return moments


async def _invitations(
    session: AsyncSession, clinic_id: int, ids: Sequence[int], now: datetime
) -> dict[int, InvitationStatus]:
    """The status of each patient's latest invitation from this clinic."""
    query = (
        select(Invitation)
        .where(Invitation.clinic_id == clinic_id, Invitation.patient_id.in_(ids))
        .order_by(Invitation.created_at, Invitation.id)
    )
    latest = {i.patient_id: i for i in (await session.execute(query)).scalars()}
    return {pid: invitation_status(i, now) for pid, i in latest.items() if pid is not None}


async def shared_patient(session: AsyncSession, clinic_id: int, ref: str) -> Patient | None:
    """The patient with this pseudonym if they share with the clinic now; else None (the
    portal answers 404 alike for "no such patient" and "not yours")."""
    patient = (
        await session.execute(select(Patient).where(Patient.ref == ref))
    ).scalar_one_or_none()
    if patient is None or not await shares_with(session, patient.id, clinic_id):
        return None
    return patient


async def planned_moments(session: AsyncSession, patient_id: int) -> list[Moment]:
    """The patient's pathway moments still to come (open reminders), in time order."""
    reminders = await session.execute(
        select(Reminder.kind, Reminder.due_at)
        .where(Reminder.patient_id == patient_id, Reminder.status.in_(REMINDER_OPEN))
        .order_by(Reminder.due_at)
    )
    return [Moment(kind, due) for kind, due in reminders]
