"""/mydata in plain words: what BackPath keeps about the patient, as a text a patient
reads, in their language. The JSON file (bot/clinic/mydata.py) stays for machines.

No codes, ids, token hashes or conversation state: questions and answers as the patient
saw them, scores, red flags with what they were about, the next reminders, the tips
shown and the clinics the answers are shared with. Made after commit, like the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.features.followup.upcoming import label as moment_label
from bot.engine.flows import Flow, Step
from bot.engine.model import Language, Text
from bot.i18n import BRUSSELS, Catalogs
from bot.i18n.formatting import format_minute, format_number
from bot.store.models import (
    AdviceShown,
    Answer,
    Clinic,
    Episode,
    Patient,
    RedFlag,
    Reminder,
    Response,
    Score,
    Sharing,
)

FILENAME = "backpath-mydata.txt"
# words built from stored values (listed for the msgid checks, bot/msgids.py)
PAIN_TYPES = ("back", "radicular")
LEVELS = ("urgent", "semi_urgent", "note")
STATUSES = ("stopped", "open")
EPISODE_KINDS = ("first_time", "recurrent")


class ReadableData:
    """The service's producer for READABLE."""

    def __init__(self, catalogs: Catalogs, flows: Mapping[str, Flow]) -> None:
        self.catalogs, self.flows = catalogs, flows

    async def attachment(
        self, session: AsyncSession, patient: Patient, now: datetime
    ) -> tuple[str, bytes, Text]:
        language: Language = "fr" if patient.language == "fr" else "nl"
        lines = await _Writer(self.catalogs, self.flows, language, session, patient).write(now)
        return FILENAME, ("\n".join(lines) + "\n").encode(), Text("mydata.readable.caption")


class _Writer:
    def __init__(
        self,
        catalogs: Catalogs,
        flows: Mapping[str, Flow],
        language: Language,
        session: AsyncSession,
        patient: Patient,
    ) -> None:
        self.catalogs, self.flows, self.language = catalogs, flows, language
        self.session, self.patient = session, patient

    def t(self, key: str, **params: Any) -> str:
        return self.catalogs.render(self.language, Text(key, params))

    def when(self, moment: datetime) -> str:
        return format_minute(moment, self.language)

    async def rows(self, model: Any, *order: Any) -> list[Any]:
        query = select(model).where(model.patient_id == self.patient.id).order_by(*order)
        return list((await self.session.execute(query)).scalars())

    async def write(self, now: datetime) -> list[str]:
        lines = [
            self.t("mydata.readable.title"),
            self.t("mydata.readable.made", moment=self.when(now)),
        ]
        for section in (
            await self.about(),
            await self.episodes(),
            await self.questionnaires(),
            await self.red_flags(),
            await self.reminders(now),
            await self.advice(),
        ):
            lines += ["", *section]
        return [*lines, "", self.t("mydata.readable.machines")]

    async def about(self) -> list[str]:
        p = self.patient
        lines = [self.t("mydata.readable.about")]
        lines.append(self.t("mydata.readable.language", language=Text(f"language.{self.language}")))
        if p.consent_status == "given" and p.consent_at is not None:
            lines.append(self.t("mydata.readable.consent", day=_day(p.consent_at)))
        if p.reminders_enabled:
            lines.append(self.t("mydata.readable.reminders_on", time=p.preferred_time or "10:00"))
        else:
            lines.append(self.t("mydata.readable.reminders_off"))
        query = (
            select(Clinic.name, Sharing.granted_at)
            .join(Sharing, Sharing.clinic_id == Clinic.id)
            .where(Sharing.patient_id == p.id, Sharing.withdrawn_at.is_(None))
            .order_by(Sharing.granted_at)
        )
        shared = (await self.session.execute(query)).all()
        lines += [self.t("mydata.readable.shared", clinic=n, day=_day(at)) for n, at in shared]
        if not shared:
            lines.append(self.t("mydata.readable.shared_nobody"))
        return lines

    async def episodes(self) -> list[str]:
        lines = [self.t("mydata.readable.episodes")]
        for e in await self.rows(Episode, Episode.id):
            recurrence = EPISODE_KINDS[1] if e.recurrent else EPISODE_KINDS[0]
            lines.append(
                self.t(
                    "mydata.readable.episode",
                    onset=e.onset,
                    pain=Text(f"mydata.readable.pain_{e.pain_type}"),
                    recurrence=Text(f"mydata.readable.{recurrence}"),
                    first=_day(e.first_contact_at),
                )
            )
        return lines if len(lines) > 1 else [*lines, self.t("mydata.readable.none")]

    async def questionnaires(self) -> list[str]:
        lines = [self.t("mydata.readable.questionnaires")]
        responses = await self.rows(Response, Response.started_at, Response.id)
        scores = {
            s.response_id: s
            for s in (
                await self.session.execute(
                    select(Score).where(Score.response_id.in_([r.id for r in responses]))
                )
            ).scalars()
        }
        for response in responses:
            flow = self.flows.get(response.flow)
            if flow is None:
                continue  # a flow that no longer exists: its texts are gone
            lines.append("")
            lines.append(self.response_line(response, flow, scores.get(response.id)))
            answers = await self.session.execute(
                select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)
            )
            latest = {a.item: a.value for a in answers.scalars()}  # a changed answer counts
            steps = {s.id: s for s in flow.steps}
            for item, value in latest.items():
                if item in steps and value is not None:
                    question = self.t(steps[item].text).replace("\n", "\n    ")
                    lines += [f"  - {question}", f"    → {self.said(steps[item], value)}"]
        return lines if len(lines) > 1 else [*lines, self.t("mydata.readable.none")]

    def response_line(self, response: Response, flow: Flow, score: Score | None) -> str:
        title = Text(flow.title)
        if response.status == "completed" and response.completed_at is not None:
            moment = self.when(response.completed_at)
            if score is None:
                return self.t("mydata.readable.done", title=title, moment=moment)
            total = format_number(score.total, self.language)
            return self.t("mydata.readable.scored", title=title, moment=moment, score=total)
        key = STATUSES[0] if response.status == "stopped" else STATUSES[1]
        return self.t(f"mydata.readable.{key}", title=title, moment=self.when(response.started_at))

    def said(self, step: Step, value: object) -> str:
        """The answer as the patient saw it: the button's label, the number, their text."""
        if isinstance(value, bool):
            return self.t("answer.yes" if value else "answer.no")
        for option in step.answer.options:
            if option.value == value and type(option.value) is type(value):
                return self.t(option.label)
        if isinstance(value, str) and step.answer.type == "choice":
            return value
        return str(value)

    async def red_flags(self) -> list[str]:
        lines = [self.t("mydata.readable.red_flags")]
        for flag in await self.rows(RedFlag, RedFlag.raised_at, RedFlag.id):
            seen = (
                self.t("mydata.readable.seen", day=_day(flag.seen_by_doctor_at))
                if flag.seen_by_doctor_at is not None
                else self.t("mydata.readable.not_seen")
            )
            lines.append(
                self.t(
                    "mydata.readable.red_flag",
                    moment=self.when(flag.raised_at),
                    what=Text(f"escalation.cluster.{flag.cluster}"),
                    level=Text(f"mydata.readable.level_{flag.level}"),
                    seen=seen,
                )
            )
        return lines if len(lines) > 1 else [*lines, self.t("mydata.readable.none")]

    async def reminders(self, now: datetime) -> list[str]:
        lines = [self.t("mydata.readable.reminders")]
        for row in await self.rows(Reminder, Reminder.due_at, Reminder.id):
            if row.status == "planned" and row.due_at > now:
                what = Text(moment_label(row.kind))
                lines.append(
                    self.t("mydata.readable.reminder", moment=self.when(row.due_at), what=what)
                )
        return lines if len(lines) > 1 else [*lines, self.t("mydata.readable.none")]

    async def advice(self) -> list[str]:
        lines = [self.t("mydata.readable.advice")]
        for shown in await self.rows(AdviceShown, AdviceShown.shown_at, AdviceShown.id):
            title = f"advice.{shown.advice_id}.title"
            if self.catalogs.has(title):
                lines.append(
                    self.t("mydata.readable.tip", day=_day(shown.shown_at), title=Text(title))
                )
        return lines if len(lines) > 1 else [*lines, self.t("mydata.readable.none")]


def _day(moment: datetime | None) -> date | None:
    """The local calendar day of a stored moment (Brussels)."""
    return moment.astimezone(BRUSSELS).date() if moment is not None else None
