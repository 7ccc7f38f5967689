"""FHIR export of a clinic's data: a collection Bundle of QuestionnaireResponses, red
flags (Observation + Flag) and the Questionnaires the responses refer to.

FHIR version: R4-compatible models from `fhir.resources.R4B` (FHIR 4.3.0).
fhir.resources 8 defaults to R5 and has no R4 subpackage; its R4B package is the
closest. The resources and elements used here are unchanged between R4 and R4B, so
the JSON is valid R4 as well. R5 is not: for example its
QuestionnaireResponse.identifier is a list and `questionnaire` is required.

Layout of a QuestionnaireResponse:

- `questionnaire`: our canonical `https://backpath.be/fhir/Questionnaire/<flow>|<version>`;
  the Questionnaire itself is in the bundle (and served at that URL by the web app),
  its items carry the LOINC codes of the instrument's descriptor where it gives them.
- `subject`: a logical reference by identifier to the pseudonymous patient
  reference (system `https://backpath.be/fhir/patient-ref`); no Patient resource
  and never a name.
- `language`: the language the patient answered in; the extension
  `https://backpath.be/fhir/StructureDefinition/language-version-validated`
  (valueBoolean) says whether that language version of the instrument is validated
  (scored instruments only).
- One item per answer: `linkId` = item id; `valueInteger` for numbers, `valueBoolean`
  for yes/no, `valueCoding` (`https://backpath.be/fhir/CodeSystem/<flow>-<item>`) for
  a choice stored as a word, `valueString` for typed text.
- Scores as extra items after the answers (items, not extensions, so any FHIR
  consumer can read them without knowing our extensions): `score.total` and
  `score.<subscale>` with `valueDecimal`, `score.category` with `valueCoding`: LOINC
  answer codes for STarT Back (LL3578-3), `https://backpath.be/fhir/CodeSystem/
  <instrument>-category` otherwise. Item ids never contain a dot, so these linkIds
  cannot collide with answers.

A red flag is an `Observation` (category survey; code = the KCE cluster in
`https://backpath.be/fhir/CodeSystem/red-flag-cluster`; value = the level in
`.../red-flag-level`; effectiveDateTime = raised; `derivedFrom` = the red-flag screen's
QuestionnaireResponse when it came from the screen; components: shown, acknowledged and
seen-by-doctor times, the source (screen or free text) and each answer that raised it)
and a `Flag` for the clinician's record (status active until the patient said a doctor
saw them, period raised .. seen, the standard `flag-detail` extension pointing at the
Observation).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource

from bot.instruments.descriptor import Codes
from bot.instruments.registry import Instruments
from bot.reports.fhir_codes import BASE, category_coding, option_system, questionnaire_url
from bot.reports.model import (
    ExportFlag,
    ExportResponse,
    ExportRow,
    FlowResponse,
    FlowValue,
    QuestionnaireResult,
    RedFlagRecord,
)

PATIENT_REF_SYSTEM = f"{BASE}/patient-ref"
VALIDATED_EXTENSION = f"{BASE}/StructureDefinition/language-version-validated"
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
RED_FLAG_CLUSTER = f"{BASE}/CodeSystem/red-flag-cluster"
RED_FLAG_LEVEL = f"{BASE}/CodeSystem/red-flag-level"
RED_FLAG_COMPONENT = f"{BASE}/CodeSystem/red-flag-component"
RED_FLAG_SOURCE = f"{BASE}/CodeSystem/red-flag-source"
RED_FLAG_ITEM = option_system("redflags", "item")
# Stable namespace for resource ids derived from the data (same data, same id).
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/QuestionnaireResponse")


def questionnaire_canonical(flow: str, version: int) -> str:
    """The Questionnaire a response answers: always ours, with its version."""
    return f"{questionnaire_url(flow)}|{version}"


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, "|".join(parts)))


def response_id(result: QuestionnaireResult, patient_ref: str) -> str:
    """A deterministic UUID for the response, so repeated exports keep the same ids."""
    return _uuid(
        patient_ref, result.instrument, str(result.version), result.completed_at.isoformat()
    )


def flow_response_id(response: FlowResponse, patient_ref: str) -> str:
    return _uuid(
        patient_ref, response.flow, str(response.version), response.completed_at.isoformat()
    )


def _subject(patient_ref: str) -> Reference:
    return Reference(
        type="Patient", identifier=Identifier(system=PATIENT_REF_SYSTEM, value=patient_ref)
    )


def questionnaire_response(
    result: QuestionnaireResult, patient_ref: str, instruments: Instruments
) -> QuestionnaireResponse:
    """One completed questionnaire as an R4(B) QuestionnaireResponse (validated on construction);
    `instruments`: the registry, for the instrument's codes."""
    items = [_answer_item(result.instrument, item_id, value) for item_id, value in result.answers]
    items.append(_decimal_item("score.total", result.total))
    items += [_decimal_item(f"score.{name}", value) for name, value in result.subscales.items()]
    if result.category is not None:
        found = instruments.get(result.instrument)
        codes = found.descriptor.codes if found is not None else Codes()
        system, code, display = category_coding(codes, result.instrument, result.category)
        items.append(
            QuestionnaireResponseItem(
                linkId="score.category",
                answer=[
                    QuestionnaireResponseItemAnswer(
                        valueCoding=Coding(system=system, code=code, display=display)
                    )
                ],
            )
        )
    return QuestionnaireResponse(
        id=response_id(result, patient_ref),
        language=result.language,
        extension=[Extension(url=VALIDATED_EXTENSION, valueBoolean=result.validated_in_language)],
        questionnaire=questionnaire_canonical(result.instrument, result.version),
        status="completed",
        subject=_subject(patient_ref),
        authored=_aware(result.completed_at),
        item=items,
    )


def flow_questionnaire_response(response: FlowResponse, patient_ref: str) -> QuestionnaireResponse:
    """A completed unscored flow (red-flag screen, history) as a QuestionnaireResponse."""
    return QuestionnaireResponse(
        id=flow_response_id(response, patient_ref),
        language=response.language,
        questionnaire=questionnaire_canonical(response.flow, response.version),
        status="completed",
        subject=_subject(patient_ref),
        authored=_aware(response.completed_at),
        item=[
            _answer_item(response.flow, item, value, typed=item in response.typed)
            for item, value in response.answers
        ],
    )


def _answer_item(
    flow: str, item: str, value: FlowValue, *, typed: bool = False
) -> QuestionnaireResponseItem:
    if isinstance(value, bool):
        answer = QuestionnaireResponseItemAnswer(valueBoolean=value)
    elif isinstance(value, int):
        answer = QuestionnaireResponseItemAnswer(valueInteger=value)
    elif typed:
        answer = QuestionnaireResponseItemAnswer(valueString=value)
    else:  # a choice stored as a code word (`new_severe`)
        answer = QuestionnaireResponseItemAnswer(
            valueCoding=Coding(system=option_system(flow, item), code=value)
        )
    return QuestionnaireResponseItem(linkId=item, answer=[answer])


def _coded(system: str, code: str, display: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)])


def red_flag_observation(
    flag: RedFlagRecord, patient_ref: str, screen_response: str | None
) -> Observation:
    """A red flag as an Observation; `screen_response` is the id of the screen's
    QuestionnaireResponse in the same bundle (None for a flag from free text)."""
    times = (
        ("shown", flag.shown_at),
        ("acknowledged", flag.acknowledged_at),
        ("seen_by_doctor", flag.seen_by_doctor_at),
    )
    components = [
        ObservationComponent(code=_coded(RED_FLAG_COMPONENT, name), valueDateTime=_aware(at))
        for name, at in times
        if at is not None
    ]
    components.append(
        ObservationComponent(
            code=_coded(RED_FLAG_COMPONENT, "source"),
            valueCodeableConcept=_coded(RED_FLAG_SOURCE, flag.source),
        )
    )
    components += [
        ObservationComponent(
            code=_coded(RED_FLAG_ITEM, answer.item_id, answer.question),
            valueString=answer.answer,
        )
        for answer in flag.answers
    ]
    return Observation(
        id=red_flag_id(flag, patient_ref),
        status="final",
        category=[CodeableConcept(coding=[Coding(system=OBSERVATION_CATEGORY, code="survey")])],
        code=_coded(RED_FLAG_CLUSTER, flag.cluster),
        subject=_subject(patient_ref),
        effectiveDateTime=_aware(flag.raised_at),
        valueCodeableConcept=_coded(RED_FLAG_LEVEL, flag.level),
        derivedFrom=[Reference(reference=f"urn:uuid:{screen_response}")]
        if screen_response
        else None,
        component=components,
    )


def red_flag_id(flag: RedFlagRecord, patient_ref: str) -> str:
    return _uuid(patient_ref, "red-flag", flag.cluster, flag.raised_at.isoformat())


def red_flag_flag(flag: RedFlagRecord, patient_ref: str) -> Flag:
    """The same red flag as a Flag (an alert in the clinician's record)."""
    observation = red_flag_id(flag, patient_ref)
    return Flag(
        id=_uuid(observation, "flag"),
        status="inactive" if flag.seen_by_doctor_at is not None else "active",
        category=[_coded(FLAG_CATEGORY, "clinical")],
        code=_coded(RED_FLAG_CLUSTER, flag.cluster),
        subject=_subject(patient_ref),
        period=Period(
            start=_aware(flag.raised_at),
            end=_aware(flag.seen_by_doctor_at) if flag.seen_by_doctor_at else None,
        ),
        extension=[
            Extension(
                url=FLAG_DETAIL, valueReference=Reference(reference=f"urn:uuid:{observation}")
            )
        ],
    )


def export_bundle(
    rows: Iterable[ExportRow],
    instruments: Instruments,
    *,
    generated_at: datetime,
    red_flags: Iterable[ExportFlag] = (),
    responses: Iterable[ExportResponse] = (),
    questionnaires: Iterable[Questionnaire] = (),
) -> dict[str, Any]:
    """A `collection` Bundle as a JSON-ready dict (FHIR JSON, no nulls): the scored
    responses, the unscored flow responses, red flags (Observation and Flag) and the
    Questionnaires they refer to. `instruments`: the registry (codes of the results)."""
    resources: list[Resource] = [
        questionnaire_response(row.result, row.patient_ref, instruments) for row in rows
    ]
    screen_ids: dict[int, str] = {}
    for entry in responses:
        resource = flow_questionnaire_response(entry.response, entry.patient_ref)
        screen_ids[entry.response.response_id] = str(resource.id)
        resources.append(resource)
    for raised in red_flags:
        screen = screen_ids.get(raised.flag.response_id) if raised.flag.response_id else None
        resources.append(red_flag_observation(raised.flag, raised.patient_ref, screen))
        resources.append(red_flag_flag(raised.flag, raised.patient_ref))
    entries = [
        BundleEntry(fullUrl=f"urn:uuid:{resource.id}", resource=resource) for resource in resources
    ]
    entries += [BundleEntry(fullUrl=q.url, resource=q) for q in questionnaires]
    bundle = Bundle(
        id=_uuid(generated_at.isoformat(), *(str(r.id) for r in resources)),
        type="collection",
        timestamp=_aware(generated_at),
        entry=entries,
    )
    data: dict[str, Any] = json.loads(bundle.model_dump_json())
    return data


def _decimal_item(link_id: str, value: float) -> QuestionnaireResponseItem:
    # str() first: Decimal(5.875) would carry the float's binary expansion.
    return QuestionnaireResponseItem(
        linkId=link_id, answer=[QuestionnaireResponseItemAnswer(valueDecimal=Decimal(str(value)))]
    )


def _aware(at: datetime) -> datetime:
    """FHIR dateTime with a time needs a zone; a naive datetime is a caller bug."""
    if at.tzinfo is None:
        raise ValueError("FHIR export needs timezone-aware datetimes")
    return at
