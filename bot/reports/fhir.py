"""FHIR export of completed questionnaires: QuestionnaireResponse and a collection Bundle.

FHIR version: R4-compatible models from `fhir.resources.R4B` (FHIR 4.3.0).
fhir.resources 8 defaults to R5 and has no R4 subpackage; its R4B package is the
closest. QuestionnaireResponse and Bundle are unchanged between R4 and R4B for
every element used here, so the JSON is valid R4 as well. R5 is not: for example
its QuestionnaireResponse.identifier is a list and `questionnaire` is required.

Layout of a QuestionnaireResponse:

- `questionnaire`: LOINC for the NRS (`http://loinc.org/q/72514-3`, LOINC's
  questionnaire canonical pattern; 72514-3 = "Pain severity - 0-10 verbal numeric
  rating [Score] - Reported"), our own canonical for the others:
  `https://backpath.be/fhir/Questionnaire/<instrument>|<version>`.
- `subject`: a logical reference by identifier to the pseudonymous patient
  reference (system `https://backpath.be/fhir/patient-ref`); no Patient resource
  and never a name.
- `language`: the language the patient answered in; the extension
  `https://backpath.be/fhir/StructureDefinition/language-version-validated`
  (valueBoolean) says whether that language version of the instrument is validated.
- One item per answer: `linkId` = item id, `answer.valueInteger` = stored value.
- Scores as extra items after the answers (items, not extensions, so any FHIR
  consumer can read them without knowing our extensions): `score.total` and
  `score.<subscale>` with `valueDecimal`, `score.category` with `valueCoding` in
  `https://backpath.be/fhir/CodeSystem/<instrument>-category`. Item ids never
  contain a dot, so these linkIds cannot collide with answers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference

from bot.reports.model import ExportRow, QuestionnaireResult

BASE = "https://backpath.be/fhir"
PATIENT_REF_SYSTEM = f"{BASE}/patient-ref"
VALIDATED_EXTENSION = f"{BASE}/StructureDefinition/language-version-validated"
LOINC_QUESTIONNAIRES = {"nrs": "http://loinc.org/q/72514-3"}
# Stable namespace for resource ids derived from the result (same data, same id).
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/QuestionnaireResponse")


def questionnaire_canonical(instrument: str, version: int) -> str:
    """The Questionnaire a response answers: LOINC where certain, else ours with version."""
    return LOINC_QUESTIONNAIRES.get(instrument, f"{BASE}/Questionnaire/{instrument}|{version}")


def response_id(result: QuestionnaireResult, patient_ref: str) -> str:
    """A deterministic UUID for the response, so repeated exports keep the same ids."""
    key = "|".join(
        (patient_ref, result.instrument, str(result.version), result.completed_at.isoformat())
    )
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def questionnaire_response(result: QuestionnaireResult, patient_ref: str) -> QuestionnaireResponse:
    """One completed questionnaire as an R4(B) QuestionnaireResponse (validated on construction)."""
    items = [
        QuestionnaireResponseItem(
            linkId=item_id, answer=[QuestionnaireResponseItemAnswer(valueInteger=value)]
        )
        for item_id, value in result.answers
    ]
    items.append(_decimal_item("score.total", result.total))
    items += [_decimal_item(f"score.{name}", value) for name, value in result.subscales.items()]
    if result.category is not None:
        coding = Coding(
            system=f"{BASE}/CodeSystem/{result.instrument}-category", code=result.category
        )
        items.append(
            QuestionnaireResponseItem(
                linkId="score.category",
                answer=[QuestionnaireResponseItemAnswer(valueCoding=coding)],
            )
        )
    return QuestionnaireResponse(
        id=response_id(result, patient_ref),
        language=result.language,
        extension=[Extension(url=VALIDATED_EXTENSION, valueBoolean=result.validated_in_language)],
        questionnaire=questionnaire_canonical(result.instrument, result.version),
        status="completed",
        subject=Reference(
            type="Patient", identifier=Identifier(system=PATIENT_REF_SYSTEM, value=patient_ref)
        ),
        authored=_aware(result.completed_at),
        item=items,
    )


def export_bundle(rows: Iterable[ExportRow], *, generated_at: datetime) -> dict[str, Any]:
    """A `collection` Bundle of the responses as a JSON-ready dict (FHIR JSON, no nulls)."""
    responses = [questionnaire_response(row.result, row.patient_ref) for row in rows]
    bundle = Bundle(
        id=str(
            uuid.uuid5(
                _ID_NAMESPACE, "|".join([generated_at.isoformat(), *(str(r.id) for r in responses)])
            )
        ),
        type="collection",
        timestamp=_aware(generated_at),
        entry=[
            BundleEntry(fullUrl=f"urn:uuid:{response.id}", resource=response)
            for response in responses
        ],
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
