"""What a clinician report needs, independent of the database.

The engine fills these from storage; the renderers in `bot.reports` read only these.
Every datetime is timezone-aware. Texts that reach the report verbatim (red-flag
questions and answers, notices, the patient's question) are already in the report
language: the renderers never translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class QuestionnaireResult:
    """One completed questionnaire, scored.

    `answers` are the stored answer values keyed by item id (docs/contracts.md,
    "Stored answer values"), in the order asked; a yes/no item is True/False.
    `category` is the scorer's category id (`"low"`, `"medium"`, `"high"`,
    `"elevated"` ...) or None for instruments without one (NRS, COMI).
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
    recall: str | None = None  # pain ratings: "week" or "now" (None: stored before, a week)


@dataclass(frozen=True)
class ExportRow:
    """A result with the pseudonymous patient it belongs to (CSV and FHIR exports)."""

    patient_ref: str
    result: QuestionnaireResult


@dataclass(frozen=True)
class ExportFlag:
    """A red flag with the pseudonymous patient it belongs to (CSV and FHIR exports)."""

    patient_ref: str
    flag: RedFlagRecord


@dataclass(frozen=True)
class ExportResponse:
    """An unscored flow response with its patient (FHIR export: what red flags link to)."""

    patient_ref: str
    response: FlowResponse


@dataclass(frozen=True)
class ClinicExport:
    """Everything a clinic export holds: scored questionnaires, red flags, the flow
    responses they come from."""

    rows: tuple[ExportRow, ...] = ()
    red_flags: tuple[ExportFlag, ...] = ()
    responses: tuple[ExportResponse, ...] = ()


@dataclass(frozen=True)
class RedFlagAnswer:
    """A red-flag question and the patient's answer, both as shown, in the report language."""

    item_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class RedFlagRecord:
    """A raised red flag: what was answered, when, and what the patient was shown.

    `level` is `"urgent"`, `"semi_urgent"` or `"note"`; `cluster` is the KCE cluster id
    (`"neuro"`, `"fracture"`, ...). `shown_at` is when the escalation message was
    shown to the patient, `acknowledged_at` when the patient confirmed it,
    `seen_by_doctor_at` when the patient said a doctor had seen them. `source` is
    `"screen"` or `"free_text"`; `response_id` the stored screen response that raised
    it (None for free text), so exports can link the flag to that response.
    """

    level: str
    cluster: str
    answers: tuple[RedFlagAnswer, ...]
    raised_at: datetime
    shown_at: datetime | None
    acknowledged_at: datetime | None
    seen_by_doctor_at: datetime | None = None
    source: str = "screen"
    response_id: int | None = None


@dataclass(frozen=True)
class RedFlagScreen:
    """The latest completed red-flag screen: when, and whether every answer was "no".

    Printed as "all negative (date)" so a clean screen is never mistaken for a screen
    that was not done (then `PatientReport.screen` is None).
    """

    completed_at: datetime
    all_negative: bool


@dataclass(frozen=True)
class EpisodeInfo:
    """The current episode of pain as the patient described it (flows/episode.yaml)."""

    onset: date
    pain_type: str  # "back" | "radicular"
    recurrent: bool


FlowValue = bool | int | str


@dataclass(frozen=True)
class FlowResponse:
    """A completed unscored flow (the red-flag screen, the history) for the exports.

    `response_id` is the stored response's id (red flags point at it); `answers` are
    the latest stored value per item in the order first asked (yes/no as bool);
    `typed` names the items whose answer is the patient's own text (the other string
    answers are option codes such as `new_severe`).
    """

    response_id: int
    flow: str
    version: int
    language: str
    completed_at: datetime
    answers: tuple[tuple[str, FlowValue], ...]
    typed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HistoryPoint:
    """One value of a followed score (NRS pain, COMI total) over time."""

    instrument: str
    at: datetime
    value: float
    recall: str | None = None  # NRS: "week" or "now" (None: stored before, a week)

    @property
    def series(self) -> str:
        """What the value is listed with: "<instrument>_now" for ratings of the moment
        (/pain, /flare), else the instrument: like with like, never mixed."""
        return f"{self.instrument}_now" if self.recall == "now" else self.instrument


@dataclass(frozen=True)
class HistoryLine:
    """One answer of the pre-consultation history: short clinician label, the answer."""

    item_id: str
    label: str
    answer: str


@dataclass(frozen=True)
class HistorySignal:
    """An answer the pathway treats as a signal, and why it matters (clinician's words)."""

    key: str
    text: str
    why: str


@dataclass(frozen=True)
class PatientHistory:
    """The latest pre-consultation history (flows/history.yaml; own words, not a
    validated instrument): every answer, and the signals first."""

    completed_at: datetime
    signals: tuple[HistorySignal, ...]
    answers: tuple[HistoryLine, ...]


@dataclass(frozen=True)
class PatientReport:
    """Everything on the one-page pre-consultation summary.

    `patient_ref` is pseudonymous, never a name. Times are printed in the timezone
    of `generated_at`, so pass it in the clinic's zone (Europe/Brussels).
    `radicular` is set when triage found radicular pain: STarT Back and Örebro are
    validated for low back pain only, and the report says so.
    `screen` is the latest completed red-flag screen (None: not screened);
    `episode` the current episode; `invitation_note` the clinic's own note on the
    invitation the patient answered (never shown to the patient); `patient_history`
    the latest pre-consultation history with its signals.
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
    screen: RedFlagScreen | None = None
    episode: EpisodeInfo | None = None
    invitation_note: str | None = None
    patient_history: PatientHistory | None = None
