"""Database tables. Times are stored timezone-aware, in UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
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


class ProcessedUpdate(Base):
    """Telegram update ids already handled: a duplicate delivery stops here."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what to which record. Never answers or message texts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]]
