"""FHIR R4(B) `Questionnaire` resources for our flows (what a QuestionnaireResponse's
`questionnaire` canonical points at).

Built from the flow definition (steps, answer types, options, `when` conditions) and
the catalog texts: Dutch as the base text (`language` nl) and French as the standard
`translation` extension on each text. Items carry LOINC codes where the instrument's
descriptor gives them (`codes`). Scored instruments add read-only score items
(`score.total`, `score.<subscale>`, `score.category`) matching the responses.
The same resource goes into the export bundle and is served by the web app at its
canonical URL (`questionnaire_url`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.fhirprimitiveextension import FHIRPrimitiveExtension
from fhir.resources.R4B.questionnaire import (
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireItemAnswerOption,
    QuestionnaireItemEnableWhen,
)

from bot.engine.flows import Condition, Flow, Step
from bot.engine.model import Language
from bot.instruments.descriptor import Codes
from bot.instruments.registry import Instrument
from bot.reports.fhir_codes import LOINC, category_coding, option_system, questionnaire_url

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
BASE_LANGUAGE: Language = "nl"
TRANSLATIONS: tuple[Language, ...] = ("fr",)

#: (language, msgid) -> the catalog text, unformatted.
TextOf = Callable[[Language, str], str]


def questionnaire(flow: Flow, text: TextOf, instrument: Instrument | None = None) -> Questionnaire:
    """The Questionnaire of `flow` (validated on construction); `instrument`: the one it
    asks (its codes and score items), None for a flow that is not scored."""
    codes = instrument.descriptor.codes if instrument is not None else Codes()
    items = [_item(flow, step, text, codes) for step in flow.steps]
    if instrument is not None:
        items += _score_items(instrument)
    title, title_ext = _texts(text, flow.title)
    notice = text(BASE_LANGUAGE, flow.notice) if flow.notice else None
    return Questionnaire(
        id=flow.id.replace("_", "-"),  # FHIR ids: letters, digits, "-" and "."
        url=questionnaire_url(flow.id),
        version=str(flow.version),
        name=flow.id,
        title=title,
        title__ext=title_ext,
        status="active",
        language=BASE_LANGUAGE,
        subjectType=["Patient"],
        code=[Coding(system=LOINC, code=codes.panel)] if codes.panel else None,
        copyright=notice,
        item=items,
    )


def _texts(text: TextOf, msgid: str) -> tuple[str, FHIRPrimitiveExtension]:
    """The Dutch text and the French one as a translation extension."""
    translations = [
        Extension(
            url=TRANSLATION,
            extension=[
                Extension(url="lang", valueCode=language),
                Extension(url="content", valueString=text(language, msgid)),
            ],
        )
        for language in TRANSLATIONS
    ]
    return text(BASE_LANGUAGE, msgid), FHIRPrimitiveExtension(extension=translations)


def _item(flow: Flow, step: Step, text: TextOf, codes: Codes) -> QuestionnaireItem:
    question, question_ext = _texts(text, step.text)
    answer = step.answer
    fields: dict[str, Any] = {
        "linkId": step.id,
        "text": question,
        "text__ext": question_ext,
        "enableWhen": _enable_when(flow.id, step.when) if step.when else None,
        "enableBehavior": ("any" if step.when.any else "all") if step.when else None,
    }
    if step.id in codes.items:
        fields["code"] = [Coding(system=LOINC, code=codes.items[step.id])]
    if answer.type == "info":
        return QuestionnaireItem(type="display", **fields)
    fields["required"] = step.when is None
    if answer.type == "yesno":
        return QuestionnaireItem(type="boolean", **fields)
    if answer.type == "text":
        return QuestionnaireItem(type="text", maxLength=answer.max_length, **fields)
    if answer.type == "scale":
        fields["extension"] = [
            Extension(url=MIN_VALUE, valueInteger=answer.min),
            Extension(url=MAX_VALUE, valueInteger=answer.max),
        ]
        return QuestionnaireItem(type="integer", **fields)
    options = []
    for option in answer.options:
        if isinstance(option.value, int) and not isinstance(option.value, bool):
            options.append(QuestionnaireItemAnswerOption(valueInteger=option.value))
        else:
            display, display_ext = _texts(text, option.label)
            coding = Coding(
                system=option_system(flow.id, step.id),
                code=str(option.value).lower(),
                display=display,
                display__ext=display_ext,
            )
            options.append(QuestionnaireItemAnswerOption(valueCoding=coding))
    return QuestionnaireItem(type="choice", answerOption=options, **fields)


def _enable_when(flow: str, condition: Condition) -> list[QuestionnaireItemEnableWhen]:
    wanted = condition.any or condition.all or {}
    out = []
    for item, value in wanted.items():
        if isinstance(value, bool):
            out.append(
                QuestionnaireItemEnableWhen(question=item, operator="=", answerBoolean=value)
            )
        elif isinstance(value, int):
            out.append(
                QuestionnaireItemEnableWhen(question=item, operator="=", answerInteger=value)
            )
        else:
            out.append(
                QuestionnaireItemEnableWhen(
                    question=item,
                    operator="=",
                    answerCoding=Coding(system=option_system(flow, item), code=value),
                )
            )
    return out


def _score_items(instrument: Instrument) -> list[QuestionnaireItem]:
    codes = instrument.descriptor.codes

    def code(name: str) -> list[Coding] | None:
        loinc = codes.scores.get(name)
        return [Coding(system=LOINC, code=loinc)] if loinc else None

    items = [
        QuestionnaireItem(linkId=f"score.{name}", type="decimal", readOnly=True, code=code(name))
        for name in ("total", *instrument.descriptor.subscales)
    ]
    if instrument.category_ids:
        options = []
        for category in instrument.category_ids:
            system, value, display = category_coding(codes, instrument.id, category)
            options.append(
                QuestionnaireItemAnswerOption(
                    valueCoding=Coding(system=system, code=value, display=display)
                )
            )
        items.append(
            QuestionnaireItem(
                linkId="score.category",
                type="choice",
                readOnly=True,
                code=code("category"),
                answerOption=options,
            )
        )
    return items
