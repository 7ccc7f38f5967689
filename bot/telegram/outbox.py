"""Send queued clinician summaries (table `notifications`) after the patient's commit.

Each row is claimed in its own transaction (so two workers never both send it) that
also reads and audits the report from the data as it is now; the PDF is drawn after
commit in a worker thread (no write lock held, the event loop free), then sent with
sendDocument. A
network failure or a 429 (RetryAfter) releases the claim for the next round of the
periodic job; a refusal by Telegram (blocked, chat gone) is kept as `last_error` and not
retried. A claim left by a crash is taken up again after CLAIM_LEASE.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from telegram import Bot, InputFile
from telegram.error import NetworkError, RetryAfter, TelegramError

from bot.clinic.report import ReportContent, ReportDenied, clinician_report, summary_pdf
from bot.engine.model import Language, Text
from bot.runtime import Runtime
from bot.store.models import Clinician, Notification, Patient

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)
CAPTIONS = {"completed": "clinician.summary_completed", "red_flag": "clinician.summary_red_flag"}


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Never claimed, or claimed by a sender that crashed before it could record the send:
    after the lease such a summary is sent again (a clinician may get it twice, never
    not at all)."""
    stale = and_(
        Notification.sent_at.is_(None),
        Notification.last_error.is_(None),
        Notification.claimed_at < now - CLAIM_LEASE,
    )
    return or_(Notification.claimed_at.is_(None), stale)


async def send_pending(runtime: Runtime, bot: Bot, *, unclaimed_only: bool = False) -> int:
    """Send every summary not sent yet; returns how many were sent.

    `unclaimed_only` (after each update): only summaries nobody has claimed, found through
    the index on claimed_at, so its cost does not grow with the summaries sent before;
    the periodic job also takes up stale claims.
    """
    now = runtime.clock.now()
    where = Notification.claimed_at.is_(None) if unclaimed_only else _claimable(now)
    async with runtime.db.session() as session:
        query = select(Notification.id).where(where)
        ids = list((await session.execute(query.order_by(Notification.id))).scalars())
    sent = 0
    for notification_id in ids:
        sent += await _send_one(runtime, bot, notification_id)
    return sent


async def _send_one(runtime: Runtime, bot: Bot, notification_id: int) -> int:
    now = runtime.clock.now()
    content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
    async with runtime.db.transaction() as session:
        claim = (
            update(Notification)
            .where(Notification.id == notification_id, _claimable(now))
            .values(claimed_at=now)
        )
        if not (await session.execute(claim)).rowcount:  # type: ignore[attr-defined]
            return 0
        notification = await session.get(Notification, notification_id)
        assert notification is not None
        clinician = await session.get(Clinician, notification.clinician_id)
        patient = await session.get(Patient, notification.patient_id)
        if clinician is None or patient is None or clinician.telegram_user_id is None:
            notification.last_error = "no_recipient"
            return 0
        language: Language = "fr" if clinician.language == "fr" else "nl"
        try:
            report = await clinician_report(
                session,
                content,
                patient,
                notification.clinic_id,
                language,
                now,
                f"clinician:{clinician.id}",
            )
        except ReportDenied:  # sharing withdrawn since it was queued
            notification.last_error = "not_shared"
            return 0
        chat_id = int(clinician.telegram_user_id)
        caption = Text(CAPTIONS[notification.reason], {"ref": report.patient_ref})
    pdf = await summary_pdf(content, report, language)  # after commit, in a worker thread
    try:
        await bot.send_document(
            chat_id,
            InputFile(pdf, filename=f"backpath-{report.patient_ref}.pdf"),
            caption=runtime.catalogs.render(language, caption),
        )
    except TelegramError as error:
        log.warning("summary %s not sent: %s", notification_id, type(error).__name__, exc_info=True)
        retry = isinstance(error, NetworkError | RetryAfter)  # later, by the periodic job
        await _finish(runtime, notification_id, error=type(error).__name__[:64], release=retry)
        return 0
    await _finish(runtime, notification_id)
    log.info("summary %s sent to clinician %s", notification_id, clinician.id)
    return 1


async def _finish(
    runtime: Runtime, notification_id: int, error: str | None = None, release: bool = False
) -> None:
    async with runtime.db.transaction() as session:
        notification = await session.get(Notification, notification_id)
        if notification is None:
            return
        notification.last_error = error
        if release:
            notification.claimed_at = None
        elif error is None:
            notification.sent_at = runtime.clock.now()
