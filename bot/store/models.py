"""Database tables. Times are stored timezone-aware, in UTC."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
    }


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(2))
    consent_status: Mapped[str | None] = mapped_column(String(8))
    consent_version: Mapped[int] = mapped_column(Integer, default=0)
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    ref: Mapped[str | None] = mapped_column(String(16), unique=True)  # pseudonym for clinicians
    preferred_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" Brussels time
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    blocked_at: Mapped[datetime | None]  # Telegram said the patient blocked the bot


class Conversation(Base):
    """The resumable position: the engine state as JSON, one row per patient."""

    __tablename__ = "conversations"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class Response(Base):
    """One run of a flow that stored answers (a questionnaire filled in, or partly)."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("patient_id", "run_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    run_no: Mapped[int] = mapped_column(Integer)
    flow: Mapped[str] = mapped_column(String(32))
    flow_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12))  # in_progress | completed | stopped
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class Answer(Base):
    """Every answer given, also ones changed later (the latest per item counts)."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(48))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    answered_at: Mapped[datetime]
    flow_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2))
    update_id: Mapped[int | None] = mapped_column(BigInteger)


class Score(Base):
    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    instrument: Mapped[str] = mapped_column(String(32))
    instrument_version: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    subscales: Mapped[dict[str, Any]]
    category: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime]
    # pain ratings (nrs): "now" or "week", the period the question asked about
    recall: Mapped[str | None] = mapped_column(String(8))


class ProcessedUpdate(Base):
    """Update ids handled that never went through the inbox (handed to the service
    directly): a duplicate stops here. An inbox update's own row is its duplicate check
    (bot/delivery/inbox.py, mark_processed)."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(index=True)  # pruned after the retention


class AuditEntry(Base):
    """Who did what to which record. Never answers or message texts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]]


class Episode(Base):
    """One episode of back pain: the pathway clock starts at its onset."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    onset: Mapped[date] = mapped_column(Date)
    pain_type: Mapped[str] = mapped_column(String(12))  # back | radicular
    recurrent: Mapped[bool] = mapped_column(Boolean, default=False)
    first_contact_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    followup: Mapped[str] = mapped_column(String(12), default="active")  # active | stopped | done


REMINDER_OPEN = ("planned", "sending", "sent")  # statuses of a reminder not yet closed


class Reminder(Base):
    """A planned moment of the pathway; dispatched by a periodic job, never twice."""

    __tablename__ = "reminders"
    __table_args__ = (
        # a patient's reminders of a status (replanned, cancelled, blocked): without it
        # SQLite took ix_reminders_status and read every patient's planned reminders
        Index("ix_reminders_patient_status", "patient_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(
        String(12), index=True
    )  # planned|sent|answered|expired|cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class RedFlag(Base):
    """An escalation: what raised it, when it was shown, acknowledged and followed up."""

    __tablename__ = "red_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(12))  # urgent | semi_urgent | note
    cluster: Mapped[str] = mapped_column(String(24))
    answers: Mapped[dict[str, Any]]  # item id -> answer that raised it
    source: Mapped[str] = mapped_column(String(12))  # screen | free_text
    raised_at: Mapped[datetime]
    shown_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    seen_by_doctor_at: Mapped[datetime | None]
    clinician_notified_at: Mapped[datetime | None]


class AdviceShown(Base):
    """Exactly what a patient was told: advice id, version, language, when."""

    __tablename__ = "advice_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    advice_id: Mapped[str] = mapped_column(String(48))
    advice_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2))
    trigger: Mapped[str] = mapped_column(String(16))
    shown_at: Mapped[datetime]


class Clinic(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime]


class Clinician(Base):
    __tablename__ = "clinicians"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2))
    link_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_expires_at: Mapped[datetime]
    linked_at: Mapped[datetime | None]
    telegram_user_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime]


class Invitation(Base):
    """A one-time patient link from a clinic. Only the token's hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    instruments: Mapped[dict[str, Any]]  # {"instruments": [...]}
    note: Mapped[str | None] = mapped_column(String(500))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]  # withdrawn by the clinic: the link no longer works


class Sharing(Base):
    """A patient's separate consent to share answers with one clinic."""

    __tablename__ = "sharing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class Notification(Base):
    """A clinician summary queued in the patient's transaction (bot/clinic/notify.py).

    Delivered through the outbox like every message (an `outbox` row named
    `summary:<id>`, bot/clinic/summaries.py). `claimed_at` is when its file was last made
    for delivery, `last_error` why it was not sent (sharing withdrawn, no recipient);
    `sent_at` was used by the older queue and stays empty since 0007_outbox.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("clinicians.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(12))  # completed | red_flag
    red_flag_id: Mapped[int | None] = mapped_column(ForeignKey("red_flags.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(64))


class OutboxMessage(Base):
    """One Bot API call the engine asked for, stored with the state it belongs to.

    Written in the event's transaction (bot/service.py), delivered after commit by
    bot/delivery/sender.py in id order per chat. `status`: pending -> sent | failed.
    A sender holds a row while `claimed_until` is in the future (its lease; `claim` names
    the claim); `next_attempt_at` delays a retry. Once sent, the text and keyboard are
    blanked (the outbox keeps no message text longer than it needs) and `message_id`
    remembers Telegram's message, so the chat's live keyboard can be removed later.
    `replaceable`: the row shows a plain question (engine `Reply.replaceable`), which the
    next question may replace once it is answered; `edits`: the message this row is
    delivered into, an edit of the tapped question instead of a new message.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "status", "channel", "chat", "id"),
        Index("ix_outbox_chat", "channel", "chat", "id"),
        Index("ix_outbox_created_at", "created_at"),  # the rows old enough to prune
        # the chat's live keyboards (one, or a few), whatever its history: the predicate
        # is written as the statements that settle them say it (outbox.keyboard_live
        # IS 1 / IS true), for the planners to see that the index covers them
        Index(
            "ix_outbox_live",
            "channel",
            "chat",
            postgresql_where=text("keyboard_live IS true"),
            sqlite_where=text("keyboard_live IS 1"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(64))  # the channel's user (chat) id
    language: Mapped[str] = mapped_column(String(2))
    priority: Mapped[int] = mapped_column(Integer, default=1)  # 0: a red-flag escalation
    text: Mapped[str] = mapped_column(Text)
    keyboard: Mapped[Any] = mapped_column(JSON, nullable=True)  # [[[label, data], ...], ...]
    expects: Mapped[str | None] = mapped_column(String(12))
    attachment: Mapped[str | None] = mapped_column(String(24))  # a Service producer's name
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", ondelete="SET NULL"), index=True
    )
    red_flag_id: Mapped[int | None] = mapped_column(
        ForeignKey("red_flags.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(8), default="pending")
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    keyboard_live: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(String(64))
    replaceable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    edits: Mapped[int | None] = mapped_column(BigInteger)


class PortalLink(Base):
    """A short-lived, single-use sign-in link to the clinic portal. Only the token's hash."""

    __tablename__ = "portal_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("clinicians.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PortalSession(Base):
    """A signed-in portal session: the cookie holds a random token, the row its hash."""

    __tablename__ = "portal_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("clinicians.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # absolute end; idle sessions end sooner (bot/clinic/portal)
    ended_at: Mapped[datetime | None]  # signed out


class InboxUpdate(Base):
    """A Telegram update as it arrived, stored before Telegram is told we have it (the
    webhook's 200, the next getUpdates offset), then processed from here
    (bot/delivery/inbox.py).

    `chat` is the patient's key (the Telegram user id): one chat's rows are processed one
    at a time in update_id order, by whichever worker claims the chat's oldest pending row
    (its head). A claim holds the row until `claimed_until` (its lease). Once processed,
    the payload is dropped (no message text stays longer than needed); the row itself
    stays for the retention, so a late duplicate delivery is recognised, then is pruned.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        Index(
            "ix_inbox_pending",
            "chat",
            "update_id",
            postgresql_where=text("processed_at IS NULL"),
            sqlite_where=text("processed_at IS NULL"),
        ),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat: Mapped[str | None] = mapped_column(String(64))  # None: orders with no other update
    payload: Mapped[dict[str, Any] | None]  # the update's JSON; None once processed
    received_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # worker id, for the logs
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(String(64))  # exception type, never text


class SendSlot(Base):
    """The bot-wide send rate shared by PostgreSQL workers (bot/delivery/shared_limit.py):
    `next_at` is the earliest moment the next Bot API send may start."""

    __tablename__ = "send_slots"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_at: Mapped[datetime]


class SignInFailure(Base):
    """A failed portal sign-in: a hash of the client address, kept for the limit's window
    (bot/clinic/sign_in_failures.py)."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(index=True)
