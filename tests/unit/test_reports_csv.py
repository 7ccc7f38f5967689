from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime

from bot.reports.csv_export import FIXED_COLUMNS, export_csv
from bot.reports.model import ExportFlag
from tests.unit.report_samples import RED_FLAG, export_rows


def _export() -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    export_csv(iter(export_rows()), out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_columns_are_fixed_then_sorted_items() -> None:
    out = io.StringIO(newline="")
    export_csv(export_rows(), out)
    header = next(csv.reader(io.StringIO(out.getvalue())))

    assert tuple(header[: len(FIXED_COLUMNS)]) == FIXED_COLUMNS
    items = header[len(FIXED_COLUMNS) :]
    assert items == sorted(items)
    assert "item:startback.leg_pain" in items
    assert "item:comi.leg_pain" in items
    assert "item:nrs.pain" in items


def test_one_row_per_questionnaire() -> None:
    rows = _export()

    assert [row["instrument"] for row in rows] == [
        "nrs",
        "startback",
        "orebro",
        "comi",
        "startback",
    ]
    startback = rows[1]
    assert startback["patient_ref"] == "P-7F3K-92QD"
    assert startback["version"] == "1"
    assert startback["language"] == "fr"
    assert startback["validated_in_language"] == "true"
    assert startback["completed_at"] == "2025-03-13T18:05:00Z"
    assert startback["total"] == "6"
    assert startback["category"] == "high"
    assert json.loads(startback["subscales"]) == {"psychosocial": 4}
    assert startback["item:startback.bothersome"] == "3"
    assert startback["item:comi.leg_pain"] == ""


def test_values_without_category_or_subscales() -> None:
    nrs, comi = _export()[0], _export()[3]

    assert nrs["category"] == ""
    assert nrs["subscales"] == "{}"
    assert comi["total"] == "5.875"
    assert comi["validated_in_language"] == "false"


def test_empty_export_has_only_the_header() -> None:
    out = io.StringIO(newline="")
    export_csv([], out)

    assert list(csv.reader(io.StringIO(out.getvalue()))) == [list(FIXED_COLUMNS)]


def test_red_flags_are_rows_with_level_cluster_source_and_times() -> None:
    flag = replace(RED_FLAG, seen_by_doctor_at=datetime(2025, 3, 14, 10, 0, tzinfo=UTC))
    out = io.StringIO(newline="")
    export_csv(export_rows(), out, red_flags=[ExportFlag("P-7F3K-92QD", flag)])
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))

    questionnaire, red = rows[0], rows[-1]
    assert len(rows) == len(export_rows()) + 1
    assert questionnaire["red_flag_level"] == ""
    assert red["patient_ref"] == "P-7F3K-92QD"
    assert red["instrument"] == "red_flag"
    assert (red["red_flag_level"], red["red_flag_cluster"], red["red_flag_source"]) == (
        "urgent",
        "neuro",
        "screen",
    )
    assert red["red_flag_raised_at"] == "2025-03-13T17:58:00Z"
    assert red["red_flag_shown_at"] == "2025-03-13T17:58:01Z"
    assert red["red_flag_acknowledged_at"] == ""
    assert red["red_flag_seen_by_doctor_at"] == "2025-03-14T10:00:00Z"
    assert red["total"] == red["completed_at"] == red["item:startback.fear"] == ""
