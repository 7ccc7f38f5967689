"""Sample reports and clinician labels in Dutch and French for the report tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reports.model import (
    ExportRow,
    HistoryPoint,
    PatientReport,
    QuestionnaireResult,
    RedFlagAnswer,
    RedFlagRecord,
)
from bot.reports.texts import ReportTexts

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=BRUSSELS)

STARTBACK = QuestionnaireResult(
    instrument="startback",
    version=1,
    language="fr",
    completed_at=datetime(2025, 3, 13, 18, 5, tzinfo=UTC),
    total=6,
    category="high",
    validated_in_language=True,
    answers=(
        ("leg_pain", 1),
        ("shoulder_neck", 0),
        ("walk_short", 1),
        ("dress_slow", 0),
        ("fear", 1),
        ("worry", 1),
        ("catastrophising", 0),
        ("anhedonia", 1),
        ("bothersome", 3),
    ),
    subscales={"psychosocial": 4},
)
OREBRO = QuestionnaireResult(
    instrument="orebro",
    version=1,
    language="fr",
    completed_at=datetime(2025, 3, 13, 18, 12, tzinfo=UTC),
    total=58,
    category="elevated",
    validated_in_language=False,
    answers=(
        ("duration", 3),
        ("pain", 7),
        ("light_work", 2),
        ("sleep", 5),
        ("anxious", 6),
        ("depressed", 4),
        ("persist_risk", 8),
        ("work_chance", 6),
        ("pain_stop", 9),
        ("normal_work", 8),
    ),
)
COMI = QuestionnaireResult(
    instrument="comi",
    version=1,
    language="fr",
    completed_at=datetime(2025, 3, 13, 18, 20, tzinfo=UTC),
    total=5.875,
    category=None,
    validated_in_language=False,
    answers=(
        ("main_problem", 1),
        ("back_pain", 7),
        ("leg_pain", 5),
        ("function", 3),
        ("wellbeing", 4),
        ("quality_of_life", 3),
        ("social_disability", 3),
        ("work_disability", 2),
    ),
    subscales={
        "pain": 7,
        "function": 5,
        "wellbeing": 7.5,
        "quality_of_life": 5,
        "disability": 3.75,
    },
)
NRS = QuestionnaireResult(
    instrument="nrs",
    version=1,
    language="fr",
    completed_at=datetime(2025, 3, 13, 18, 2, tzinfo=UTC),
    total=7,
    category=None,
    validated_in_language=True,
    answers=(("pain", 7),),
)
RESULTS = (NRS, STARTBACK, OREBRO, COMI)

RED_FLAG = RedFlagRecord(
    level="urgent",
    cluster="neuro",
    answers=(
        RedFlagAnswer(
            item_id="saddle",
            question="Avez-vous un engourdissement entre les jambes, comme assis sur une selle ?",
            answer="Oui",
        ),
    ),
    raised_at=datetime(2025, 3, 13, 17, 58, tzinfo=UTC),
    shown_at=datetime(2025, 3, 13, 17, 58, 1, tzinfo=UTC),
    acknowledged_at=None,
)

HISTORY = tuple(
    HistoryPoint("nrs", NOW - timedelta(days=7 * weeks), value)
    for weeks, value in ((3, 8), (2, 7), (1, 7), (0, 5))
)


def report(**changes: object) -> PatientReport:
    """A typical French-speaking patient's report; keyword arguments replace fields."""
    fields: dict[str, object] = {
        "patient_ref": "P-7F3K-92QD",
        "clinic_name": "Kinésithérapie Sainte-Anne",
        "generated_at": NOW,
        "patient_language": "fr",
        "report_language": "nl",
        "results": RESULTS,
        "red_flags": (),
        "history": HISTORY,
        "patient_question": "Puis-je continuer à faire du vélo ? J'ai peur d'aggraver.",
        "notices": (
            "STarT Back © 2007 Keele University. Niet-commercieel gebruik.",
            "ÖMPSQ-SF © S.J. Linton.",
        ),
        "radicular": False,
    }
    fields.update(changes)
    return PatientReport(**fields)  # type: ignore[arg-type]


def export_rows() -> list[ExportRow]:
    return [ExportRow("P-7F3K-92QD", result) for result in RESULTS] + [
        ExportRow("P-22AB-0000", STARTBACK)
    ]


_ITEMS = ("fear", "worry", "catastrophising", "anhedonia", "bothersome")

DUTCH = ReportTexts(
    title="BackPath – samenvatting vóór de consultatie",
    patient_ref="Patiëntreferentie",
    clinic="Praktijk",
    generated="Aangemaakt",
    patient_language="Taal patiënt",
    red_flags_heading="Rode vlaggen",
    raised="Gemeld",
    escalation_shown="Doorverwijzing getoond",
    acknowledged="Bevestigd",
    not_recorded="niet geregistreerd",
    scores_heading="Scores",
    completed="Ingevuld",
    key_items="Bepalende antwoorden",
    history_heading="Verloop",
    question_heading="Vraag van de patiënt",
    unvalidated="Niet-gevalideerde taalversies",
    radicular_note="STarT Back en Örebro zijn niet gevalideerd bij radiculaire pijn.",
    notices_heading="Copyright",
    disclaimer="Screening, geen diagnose.",
    screen_negative="Rode-vlaggenscreening: alle antwoorden negatief ({date})",
    screen_positive="Rode-vlaggenscreening ({date}): niet alles negatief",
    screen_not_done="Rode-vlaggenscreening: niet afgenomen",
    episode="Episode",
    onset="begonnen op",
    invitation_note="Notitie bij de uitnodiging",
    background_heading="Voorgeschiedenis (eigen vragen, niet gevalideerd)",
    languages={"nl": "Nederlands", "fr": "Frans"},
    instruments={
        "startback": "STarT Back",
        "orebro": "Örebro (ÖMPSQ-SF)",
        "comi": "COMI",
        "nrs": "NRS pijn",
    },
    categories={
        "startback.low": "Laag risico",
        "startback.medium": "Gemiddeld risico",
        "startback.high": "Hoog risico",
        "orebro.elevated": "Verhoogd risico (≥ 50)",
    },
    meanings={
        "startback.high": "Psychosociale factoren op de voorgrond.",
        "orebro.elevated": "Verhoogd risico op chronische pijn.",
        "nrs": "0 = geen pijn, 10 = ergste pijn.",
    },
    subscales={"startback.psychosocial": "Psychosociaal", "comi.pain": "Pijn"},
    items={f"startback.{item}": f"nl-{item}" for item in _ITEMS},
    red_flag_levels={"urgent": "Dringend", "semi_urgent": "Binnen 48 u"},
    red_flag_clusters={"neuro": "Neurologisch noodgeval"},
    pain_types={"back": "lage rugpijn", "radicular": "radiculaire pijn"},
    recurrence={"first": "eerste episode", "recurrent": "recidiverend"},
)

FRENCH = ReportTexts(
    title="BackPath – résumé avant la consultation",
    patient_ref="Référence patient",
    clinic="Cabinet",
    generated="Généré le",
    patient_language="Langue du patient",
    red_flags_heading="Drapeaux rouges",
    raised="Signalé",
    escalation_shown="Orientation affichée",
    acknowledged="Confirmé",
    not_recorded="non enregistré",
    scores_heading="Scores",
    completed="Rempli",
    key_items="Réponses déterminantes",
    history_heading="Évolution",
    question_heading="Question du patient",
    unvalidated="Versions linguistiques non validées",
    radicular_note="STarT Back et Örebro ne sont pas validés en cas de douleur radiculaire.",
    notices_heading="Droits d'auteur",
    disclaimer="Dépistage, pas un diagnostic.",
    screen_negative="Dépistage des drapeaux rouges : toutes les réponses négatives ({date})",
    screen_positive="Dépistage des drapeaux rouges ({date}) : pas tout négatif",
    screen_not_done="Dépistage des drapeaux rouges : non réalisé",
    episode="Épisode",
    onset="début le",
    invitation_note="Note jointe à l'invitation",
    background_heading="Antécédents (nos questions, non validées)",
    languages={"nl": "néerlandais", "fr": "français"},
    instruments={
        "startback": "STarT Back",
        "orebro": "Örebro (ÖMPSQ-SF)",
        "comi": "COMI",
        "nrs": "EN douleur",
    },
    categories={"startback.high": "Risque élevé", "orebro.elevated": "Risque élevé (≥ 50)"},
    meanings={"startback.high": "Facteurs psychosociaux au premier plan."},
    subscales={"startback.psychosocial": "Psychosocial"},
    items={f"startback.{item}": f"fr-{item}" for item in _ITEMS},
    red_flag_levels={"urgent": "Urgent", "semi_urgent": "Dans les 48 h"},
    red_flag_clusters={"neuro": "Urgence neurologique"},
    pain_types={"back": "lombalgie", "radicular": "douleur radiculaire"},
    recurrence={"first": "premier épisode", "recurrent": "récidivante"},
)
