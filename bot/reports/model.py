"""What a clinician report needs, independent of the database.

The engine fills these from storage; the renderers in `bot.reports` read only these.
Every datetime is timezone-aware. Texts that reach the report verbatim (red-flag
questions and answers, notices, the patient's question) are already in the report
language: the renderers never translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class QuestionnaireResult:
    """One completed questionnaire, scored.

    `answers` are the stored answer values keyed by item id (docs/contracts.md,
    "Stored answer values"), in the order asked. `category` is the scorer's category
    id (`"low"`, `"medium"`, `"high"`, `"elevated"` ...) or None for instruments
    without one (NRS, COMI).
    """

    instrument: str
    version: int
    language: str
    completed_at: datetime
    total: float
    category: str | None
    validated_in_language: bool
    answers: tuple[tuple[str, int], ...]
    subscales: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportRow:
    """A result with the pseudonymous patient it belongs to (CSV and FHIR exports)."""

    patient_ref: str
    result: QuestionnaireResult


@dataclass(frozen=True)
class RedFlagAnswer:
    """A red-flag question and the patient's answer, both as shown, in the report language."""

    item_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class RedFlagRecord:
    """A raised red flag: what was answered, when, and what the patient was shown.

    `level` is `"urgent"` or `"semi_urgent"`; `cluster` is the KCE cluster id
    (`"neuro"`, `"fracture"`, ...). `shown_at` is when the escalation message was
    shown to the patient, `acknowledged_at` when the patient confirmed it.
    """

    level: str
    cluster: str
    answers: tuple[RedFlagAnswer, ...]
    raised_at: datetime
    shown_at: datetime | None
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class HistoryPoint:
    """One value of a followed score (NRS pain, COMI total) over time."""

    instrument: str
    at: datetime
    value: float


@dataclass(frozen=True)
class PatientReport:
    """Everything on the one-page pre-consultation summary.

    `patient_ref` is pseudonymous, never a name. Times are printed in the timezone
    of `generated_at`, so pass it in the clinic's zone (Europe/Brussels).
    `radicular` is set when triage found radicular pain: STarT Back and Örebro are
    validated for low back pain only, and the report says so.
    """

    patient_ref: str
    clinic_name: str
    generated_at: datetime
    patient_language: str
    report_language: str
    results: tuple[QuestionnaireResult, ...] = ()
    red_flags: tuple[RedFlagRecord, ...] = ()
    history: tuple[HistoryPoint, ...] = ()
    patient_question: str | None = None
    notices: tuple[str, ...] = ()
    radicular: bool = False
