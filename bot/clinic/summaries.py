"""A clinician's summary as a file of the delivery outbox (bot/delivery).

The patient's transaction queues a `notifications` row (what, for whom, why) and an outbox
row whose attachment names it (`summary:<notification id>`, bot/clinic/notify.py). When
the sender delivers that row it asks for the file: the report is read and audited in a
short transaction with the data as it is then, and the PDF is drawn after commit in a
worker thread (no write lock held, the event loop free). Sharing withdrawn meanwhile, or a
clinician gone: no file, and the row is done without a call (`last_error` says why).
Retries, order, the lease after a crash and "exactly once where Telegram allows it" are
the outbox's (bot/delivery/sender.py).
"""

from __future__ import annotations

from datetime import datetime

from bot.clinic.report import ReportContent, ReportDenied, clinician_report, summary_pdf
from bot.engine.model import Language, Text
from bot.service import Attachment
from bot.store import Database
from bot.store.models import Clinician, Notification, Patient

SUMMARY = "summary"  # outbox attachment name: summary:<notification id>
CAPTIONS = {"completed": "clinician.summary_completed", "red_flag": "clinician.summary_red_flag"}


def attachment_name(notification_id: int) -> str:
    return f"{SUMMARY}:{notification_id}"


class Summaries:
    def __init__(self, db: Database, content: ReportContent) -> None:
        self.db, self.content = db, content

    async def attachment(self, notification_id: int, now: datetime) -> Attachment | None:
        """The summary PDF of one queued notification, or None when it must not be sent."""
        async with self.db.transaction() as session:
            notification = await session.get(Notification, notification_id)
            if notification is None:
                return None
            clinician = await session.get(Clinician, notification.clinician_id)
            patient = await session.get(Patient, notification.patient_id)
            if clinician is None or patient is None or clinician.telegram_user_id is None:
                notification.last_error = "no_recipient"
                return None
            language: Language = "fr" if clinician.language == "fr" else "nl"
            try:
                report = await clinician_report(
                    session,
                    self.content,
                    patient,
                    notification.clinic_id,
                    language,
                    now,
                    f"clinician:{clinician.id}",
                )
            except ReportDenied:  # sharing withdrawn since it was queued
                notification.last_error = "not_shared"
                return None
            notification.claimed_at = now  # made for delivery (the outbox row says when sent)
            caption = Text(CAPTIONS[notification.reason], {"ref": report.patient_ref})
        pdf = await summary_pdf(self.content, report, language)  # after commit, in a thread
        return Attachment(f"backpath-{report.patient_ref}.pdf", pdf, caption)
