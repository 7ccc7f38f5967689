from __future__ import annotations

import csv
import io
import json

from bot.reports.csv_export import FIXED_COLUMNS, export_csv
from tests.unit.report_samples import export_rows


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
