"""The A4 pre-consultation summary for the clinician (fpdf2): one page, a second one
when the history and several red flags do not fit.

Order on the page: header, the red-flag screen status ("all negative (date)", "not
screened", or "not all negative"), the clinic's invitation note and the episode (onset,
back or radicular, recurrence), red flags (in red, only when there are any), scores
with their meaning and the answers that drive them (then the radicular-pain note and
the unvalidated language versions), the NRS/COMI chart (or the history as text when
no chart is given), the pre-consultation history (signals with why they matter first,
then the answers), the patient's question, instrument notices, disclaimer.
Times are printed in the timezone of `report.generated_at`. The creation date is
`generated_at`, so the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from io import BytesIO
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.instruments.registry import Instruments
from bot.reports.key_items import key_items
from bot.reports.model import (
    HistoryPoint,
    PatientHistory,
    PatientReport,
    QuestionnaireResult,
    RedFlagRecord,
)
from bot.reports.texts import ReportTexts

# DejaVu ships with matplotlib and covers French/Dutch accents and symbols like "≥".
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FONT = "DejaVu"

_RED = (176, 0, 32)
_GREY = (90, 90, 90)
_BLACK = (0, 0, 0)
_LINE = 4.6  # mm, body line height at 9 pt
_CHART_HEIGHT = 52  # mm: keeps a typical report on one page


def render_summary_pdf(
    report: PatientReport,
    texts: ReportTexts,
    chart_png: bytes | None,
    instruments: Instruments,
    *,
    compress: bool = True,
) -> bytes:
    """Render the summary; `instruments`: the registry (maximum totals, key items, the
    radicular note); `compress=False` leaves content streams readable for tests."""
    pdf = _Summary(report, texts, instruments, compress=compress)
    pdf.header_block()
    pdf.context_block()
    if report.red_flags:
        pdf.red_flags(report.red_flags)
    if report.results:
        pdf.scores(report.results)
    if chart_png is not None or report.history:
        pdf.history(report.history, chart_png)
    if report.patient_history is not None:
        pdf.background(report.patient_history)
    if report.patient_question:
        pdf.question(report.patient_question)
    pdf.footer_block()
    return pdf.output()


class _Summary:
    """Writes the sections onto one FPDF document (composition: FPDF's own method
    names such as `line` and `header` stay untouched)."""

    def __init__(
        self, report: PatientReport, texts: ReportTexts, instruments: Instruments, *, compress: bool
    ) -> None:
        self.report = report
        self.texts = texts
        self.instruments = instruments
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_compression(compress)
        pdf.set_creation_date(report.generated_at)
        pdf.set_title(texts.title)
        pdf.set_creator("BackPath")
        pdf.set_lang(report.report_language)
        pdf.set_margins(15, 12, 15)
        pdf.set_auto_page_break(auto=True, margin=12)
        pdf.add_font(_FONT, "", str(_FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font(_FONT, "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
        pdf.add_page()
        self.pdf = pdf

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    # -- building blocks -------------------------------------------------------

    def line(
        self,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        color: tuple[int, int, int] = _BLACK,
        height: float = _LINE,
    ) -> None:
        self.pdf.set_font(_FONT, "B" if bold else "", size)
        self.pdf.set_text_color(*color)
        self.pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, *, alert: bool = False) -> None:
        self.pdf.ln(2)
        self.pdf.set_font(_FONT, "B", 11)
        if alert:
            self.pdf.set_fill_color(*_RED)
            self.pdf.set_text_color(255, 255, 255)
        else:
            self.pdf.set_fill_color(230, 230, 230)
            self.pdf.set_text_color(*_BLACK)
        self.pdf.cell(0, 6.5, text, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def when(self, at: datetime | None) -> str:
        if at is None:
            return self.texts.not_recorded
        return at.astimezone(self.report.generated_at.tzinfo).strftime(self.texts.datetime_format)

    def number(self, value: float) -> str:
        text = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
        return text.replace(".", self.texts.decimal_separator)

    # -- sections --------------------------------------------------------------

    def header_block(self) -> None:
        t, r = self.texts, self.report
        self.line(t.title, size=14, bold=True, height=7)
        self.line(f"{t.patient_ref}: {r.patient_ref}    {t.clinic}: {r.clinic_name}")
        language = _label(t.languages, r.patient_language)
        self.line(f"{t.generated}: {self.when(r.generated_at)}    {t.patient_language}: {language}")

    def context_block(self) -> None:
        """Screen status, the invitation note and the episode, right under the header."""
        t, r = self.texts, self.report
        self.pdf.ln(1)
        if r.screen is None:
            self.line(t.screen_not_done, size=10, bold=True, color=_RED)
        elif r.screen.all_negative:
            self.line(
                t.screen_negative.format(date=self.when(r.screen.completed_at)), size=10, bold=True
            )
        else:
            self.line(
                t.screen_positive.format(date=self.when(r.screen.completed_at)),
                size=10,
                bold=True,
                color=_RED,
            )
        if r.episode is not None:
            onset = r.episode.onset.strftime(self.texts.datetime_format.split(" ")[0])
            parts = [
                f"{t.onset} {onset}",
                _label(t.pain_types, r.episode.pain_type),
                _label(t.recurrence, "recurrent" if r.episode.recurrent else "first"),
            ]
            self.line(f"{t.episode}: {'  ·  '.join(parts)}")
        if r.invitation_note:
            self.line(f"{t.invitation_note}: {r.invitation_note}")

    def red_flags(self, flags: tuple[RedFlagRecord, ...]) -> None:
        t = self.texts
        self.heading(t.red_flags_heading, alert=True)
        for flag in flags:
            level = _label(t.red_flag_levels, flag.level)
            cluster = _label(t.red_flag_clusters, flag.cluster)
            self.line(f"{level.upper()}: {cluster}", size=10, bold=True, color=_RED)
            self.line(
                f"{t.raised}: {self.when(flag.raised_at)}    "
                f"{t.escalation_shown}: {self.when(flag.shown_at)}    "
                f"{t.acknowledged}: {self.when(flag.acknowledged_at)}"
            )
            for answer in flag.answers:
                self.line(f"•  {answer.question}  →  {answer.answer}", bold=True)
            self.pdf.ln(1)

    def scores(self, results: tuple[QuestionnaireResult, ...]) -> None:
        t = self.texts
        self.heading(t.scores_heading)
        for result in results:
            self.score(result)
        sensitive = {i.id for i in self.instruments if i.descriptor.report.radicular_sensitive}
        if self.report.radicular and any(r.instrument in sensitive for r in results):
            self.line(t.radicular_note, bold=True, color=_RED)
        unvalidated = [
            f"{_label(t.instruments, r.instrument)} ({r.language.upper()})"
            for r in results
            if not r.validated_in_language
        ]
        if unvalidated:
            self.line(f"{t.unvalidated}: {', '.join(unvalidated)}", color=_GREY)

    def score(self, result: QuestionnaireResult) -> None:
        t = self.texts
        key = result.instrument
        total = self.number(result.total)
        if key in self.instruments:
            total = f"{total}/{self.instruments[key].descriptor.max_total}"
        summary = f"{_label(t.instruments, key)}: {total}"
        if result.category is not None:
            summary += f"  –  {_label(t.categories, f'{key}.{result.category}')}"
        self.line(summary, size=10, bold=True)
        details = [f"{t.completed}: {self.when(result.completed_at)}"]
        details += [
            f"{_label(t.subscales, f'{key}.{name}')} {self.number(value)}"
            for name, value in result.subscales.items()
        ]
        self.line("    ".join(details), color=_GREY)
        meaning_key = key if result.category is None else f"{key}.{result.category}"
        meaning = t.meanings.get(meaning_key)
        if meaning:
            self.line(meaning)
        drivers = [
            f"{_label(t.items, f'{key}.{item.item_id}')} ({item.value}"
            + (f" → {item.points})" if item.points != item.value else ")")
            for item in key_items(result, self.instruments)
        ]
        if drivers:
            self.line(f"{t.key_items}: {'; '.join(drivers)}")
        self.pdf.ln(1)

    def history(self, points: tuple[HistoryPoint, ...], chart_png: bytes | None) -> None:
        t = self.texts
        self.heading(t.history_heading)
        if chart_png is not None:
            # Fit inside the full text width x _CHART_HEIGHT box, whatever the PNG's shape.
            self.pdf.image(
                BytesIO(chart_png), w=self.pdf.epw, h=_CHART_HEIGHT, keep_aspect_ratio=True
            )
            return
        series: dict[str, list[HistoryPoint]] = {}
        for point in sorted(points, key=lambda p: p.at):
            series.setdefault(point.series, []).append(point)  # recall periods apart
        for name, values in series.items():
            steps = "  →  ".join(f"{self.number(p.value)} ({self.when(p.at)})" for p in values)
            self.line(f"{_label(t.instruments, name)}: {steps}")

    def background(self, history: PatientHistory) -> None:
        """The pre-consultation history: signals (bold, with why) first, then the answers."""
        t = self.texts
        self.heading(f"{t.background_heading} ({self.when(history.completed_at)})")
        for signal in history.signals:
            self.line(f"•  {signal.text}", bold=True)
            self.line(f"→ {signal.why}", color=_GREY)
        if history.answers:
            self.pdf.ln(1)
            self.line("    ".join(f"{a.label}: {a.answer}" for a in history.answers), size=8)

    def question(self, question: str) -> None:
        self.heading(self.texts.question_heading)
        self.line(question)

    def footer_block(self) -> None:
        t = self.texts
        if self.report.notices:
            self.pdf.ln(2)
            self.line(t.notices_heading, size=7, bold=True, color=_GREY, height=3.4)
            for notice in self.report.notices:
                self.line(notice, size=7, color=_GREY, height=3.4)
        self.pdf.ln(1)
        self.line(t.disclaimer, size=7, color=_GREY, height=3.4)


def _label(labels: Mapping[str, str], key: str) -> str:
    return labels.get(key, key)
