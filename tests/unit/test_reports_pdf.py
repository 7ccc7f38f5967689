from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.clinic.report_texts import report_texts
from bot.engine.model import Language
from bot.i18n import Catalogs
from bot.reports.model import EpisodeInfo, PatientReport, RedFlagScreen
from bot.reports.pdf import render_summary_pdf
from bot.reports.qr import qr_png
from bot.reports.texts import ReportTexts
from tests.instrument_support import INSTRUMENTS
from tests.unit.pdf_text import extract_text
from tests.unit.report_samples import DUTCH, FRENCH, NOW, RED_FLAG, report


def _render(
    report: PatientReport, texts: ReportTexts = DUTCH, chart_png: bytes | None = None
) -> bytes:
    return render_summary_pdf(report, texts, chart_png, INSTRUMENTS, compress=False)


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_is_a_single_page_pdf() -> None:
    pdf = render_summary_pdf(report(red_flags=(RED_FLAG,)), DUTCH, None, INSTRUMENTS)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert _page_count(pdf) == 1


@pytest.mark.parametrize(
    ("texts", "headings"),
    [
        (
            DUTCH,
            [
                "BackPath – samenvatting vóór de consultatie",
                "Scores",
                "Verloop",
                "Vraag van de patiënt",
                "Copyright",
            ],
        ),
        (
            FRENCH,
            [
                "BackPath – résumé avant la consultation",
                "Scores",
                "Évolution",
                "Question du patient",
                "Droits d'auteur",
            ],
        ),
    ],
)
def test_sections_in_the_clinician_language(texts: ReportTexts, headings: list[str]) -> None:
    text = extract_text(_render(report(), texts))

    for heading in headings:
        assert heading in text.splitlines()
    assert "Puis-je continuer à faire du vélo ? J'ai peur d'aggraver." in text
    assert "ÖMPSQ-SF © S.J. Linton." in text


def test_header_shows_reference_clinic_and_local_time() -> None:
    text = extract_text(_render(report()))

    assert "Patiëntreferentie: P-7F3K-92QD" in text
    assert "Kinésithérapie Sainte-Anne" in text
    assert "Aangemaakt: 14/03/2025 09:30" in text
    assert "Taal patiënt: Frans" in text


def test_red_flag_section_only_when_there_are_red_flags() -> None:
    without = extract_text(_render(report()))
    with_flag = extract_text(_render(report(red_flags=(RED_FLAG,))))

    assert "Rode vlaggen" not in without
    lines = with_flag.splitlines()
    assert lines.index("Rode vlaggen") < lines.index("Scores")
    assert "DRINGEND: Neurologisch noodgeval" in lines
    # Verbatim answer, raised and shown times in Brussels time, no acknowledgement yet.
    assert any("comme assis sur une selle ?" in line and line.endswith("Oui") for line in lines)
    assert (
        "Gemeld: 13/03/2025 18:58    Doorverwijzing getoond: 13/03/2025 18:58    "
        "Bevestigd: niet geregistreerd"
    ) in lines


def test_scores_with_category_meaning_and_driving_answers() -> None:
    text = extract_text(_render(report()))

    assert "STarT Back: 6/9  –  Hoog risico" in text
    assert "Psychosociale factoren op de voorgrond." in text
    assert "nl-fear (1); nl-worry (1); nl-anhedonia (1); nl-bothersome (3 → 1)" in text
    assert "nl-catastrophising" not in text
    assert "Örebro (ÖMPSQ-SF): 58/100  –  Verhoogd risico (≥ 50)" in text
    assert "COMI: 5,9/10" in text


def test_unvalidated_language_versions_are_named() -> None:
    text = extract_text(_render(report()))

    assert "Niet-gevalideerde taalversies: Örebro (ÖMPSQ-SF) (FR), COMI (FR)" in text


def test_radicular_note_only_when_flagged() -> None:
    note = DUTCH.radicular_note

    assert note not in extract_text(_render(report()))
    assert note in extract_text(_render(report(radicular=True)))


def test_chart_replaces_the_text_history() -> None:
    chart = qr_png("https://t.me/BackPathBot")  # any PNG will do
    with_chart = _render(report(), chart_png=chart)
    text = extract_text(with_chart)

    assert b"/Subtype /Image" in with_chart
    assert "Verloop" in text
    assert "NRS pijn: 8 (21/02/2025 09:30)" not in text
    assert "NRS pijn: 8 (21/02/2025 09:30)" in extract_text(_render(report()))
    assert _page_count(with_chart) == 1


def test_missing_labels_show_their_key() -> None:
    texts = replace(DUTCH, categories={})

    assert "STarT Back: 6/9  –  startback.high" in extract_text(_render(report(), texts))


def test_same_input_same_bytes() -> None:
    first = render_summary_pdf(report(), DUTCH, None, INSTRUMENTS)

    assert first == render_summary_pdf(report(), DUTCH, None, INSTRUMENTS)
    assert NOW.strftime("%Y%m%d").encode() in first  # creation date from generated_at


SCREEN_DONE = RedFlagScreen(datetime(2025, 3, 13, 17, 50, tzinfo=UTC), all_negative=True)
EPISODE = EpisodeInfo(date(2025, 2, 20), "radicular", recurrent=True)


def test_screen_status_is_explicit_and_never_confusable() -> None:
    negative = extract_text(_render(report(screen=SCREEN_DONE))).splitlines()
    missing = extract_text(_render(report(screen=None))).splitlines()
    positive = extract_text(
        _render(report(screen=replace(SCREEN_DONE, all_negative=False), red_flags=(RED_FLAG,)))
    ).splitlines()

    assert "Rode-vlaggenscreening: alle antwoorden negatief (13/03/2025 18:50)" in negative
    assert "Rode-vlaggenscreening: niet afgenomen" in missing
    assert not any("negatief" in line for line in missing)
    assert not any("niet afgenomen" in line for line in negative)
    assert "Rode-vlaggenscreening (13/03/2025 18:50): niet alles negatief" in positive
    assert not any("alle antwoorden negatief" in line for line in positive)


def test_episode_and_invitation_note_under_the_header() -> None:
    text = extract_text(
        _render(report(episode=EPISODE, invitation_note="Na val van de trap, graag kijken."))
    ).splitlines()

    assert "Episode: begonnen op 20/02/2025  ·  radiculaire pijn  ·  recidiverend" in text
    assert "Notitie bij de uitnodiging: Na val van de trap, graag kijken." in text
    assert text.index("Notitie bij de uitnodiging: Na val van de trap, graag kijken.") < (
        text.index("Scores")
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["Rode-vlaggenscreening: alle antwoorden negatief (13/03/2025 18:50)",
                "Episode: begonnen op 20/02/2025  ·  radiculaire pijn (uitstralend tot onder "
                "de knie)  ·  recidiverende pijn",
                "Notitie bij de uitnodiging: controle"]),
        ("fr", ["Dépistage des drapeaux rouges : toutes les réponses négatives (13/03/2025 18:50)",
                "Épisode: début le 20/02/2025  ·  douleur radiculaire (irradiant sous le genou)"
                "  ·  douleur récidivante",
                "Note jointe à l'invitation: controle"]),
    ],
)  # fmt: skip
def test_context_block_with_the_real_catalog_texts(
    catalogs: Catalogs, language: Language, expected: list[str]
) -> None:
    texts = report_texts(catalogs, language)
    pdf = _render(report(screen=SCREEN_DONE, episode=EPISODE, invitation_note="controle"), texts)
    lines = extract_text(pdf).splitlines()

    for line in expected:
        assert line in lines
