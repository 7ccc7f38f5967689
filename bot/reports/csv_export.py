"""CSV export of completed questionnaires, one row per questionnaire."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import UTC
from typing import TextIO

from bot.reports.model import ExportRow

FIXED_COLUMNS = (
    "patient_ref",
    "instrument",
    "version",
    "language",
    "validated_in_language",
    "completed_at",
    "total",
    "category",
    "subscales",
)


def export_csv(rows: Iterable[ExportRow], out: TextIO) -> None:
    """Write `rows` as CSV with a header line; open `out` with `newline=""`.

    Columns, in this order:

    - `patient_ref`: pseudonymous patient reference.
    - `instrument`, `version`: instrument id and flow version.
    - `language`: language answered in (`nl`, `fr`).
    - `validated_in_language`: `true` / `false`, whether that language version is validated.
    - `completed_at`: ISO 8601 in UTC, `2025-03-13T18:05:00Z`.
    - `total`: the score; integral values without decimals, others as Python writes floats.
    - `category`: the scorer's category id, empty when the instrument has none.
    - `subscales`: JSON object with sorted keys, `{}` when none.
    - `item:<instrument>.<item id>`: the stored answer value, empty when that item was not
      answered (another instrument, or a skipped conditional item). One column per item
      seen in `rows`, sorted. Qualified by instrument because item ids repeat across
      instruments with different scales (`leg_pain` is 0/1 in STarT Back, 0-10 in COMI).

    `rows` is read twice (the item columns are the union over all rows), so it is
    materialised first.
    """
    rows = list(rows)
    item_columns = sorted(
        {
            _item_column(row.result.instrument, item_id)
            for row in rows
            for item_id, _ in row.result.answers
        }
    )
    writer = csv.writer(out)
    writer.writerow([*FIXED_COLUMNS, *item_columns])
    for row in rows:
        result = row.result
        if result.completed_at.tzinfo is None:
            raise ValueError("CSV export needs timezone-aware datetimes")
        answers = {
            _item_column(result.instrument, item_id): str(value)
            for item_id, value in result.answers
        }
        writer.writerow(
            [
                row.patient_ref,
                result.instrument,
                result.version,
                result.language,
                "true" if result.validated_in_language else "false",
                result.completed_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                _number(result.total),
                result.category or "",
                json.dumps(
                    {name: _json_number(value) for name, value in result.subscales.items()},
                    sort_keys=True,
                ),
                *(answers.get(column, "") for column in item_columns),
            ]
        )


def _item_column(instrument: str, item_id: str) -> str:
    return f"item:{instrument}.{item_id}"


def _json_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _number(value: float) -> str:
    return str(_json_number(value))
