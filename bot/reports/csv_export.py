"""CSV export of completed questionnaires (one row each) and red flags (one row each)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.reports.model import ExportFlag, ExportRow

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
    "red_flag_level",
    "red_flag_cluster",
    "red_flag_source",
    "red_flag_raised_at",
    "red_flag_shown_at",
    "red_flag_acknowledged_at",
    "red_flag_seen_by_doctor_at",
)
RED_FLAG = "red_flag"  # the `instrument` of a red-flag row


def export_csv(
    rows: Iterable[ExportRow], out: TextIO, *, red_flags: Iterable[ExportFlag] = ()
) -> None:
    """Write `rows`, then `red_flags`, as CSV with a header line; open `out` with `newline=""`.

    Columns, in this order:

    - `patient_ref`: pseudonymous patient reference.
    - `instrument`, `version`: instrument id and flow version.
    - `language`: language answered in (`nl`, `fr`).
    - `validated_in_language`: `true` / `false`, whether that language version is validated.
    - `completed_at`: ISO 8601 in UTC, `2025-03-13T18:05:00Z`.
    - `total`: the score; integral values without decimals, others as Python writes floats.
    - `category`: the scorer's category id, empty when the instrument has none.
    - `subscales`: JSON object with sorted keys, `{}` when none.
    - `red_flag_level` (`urgent`, `semi_urgent`, `note`), `red_flag_cluster` (KCE
      cluster id), `red_flag_source` (`screen`, `free_text`) and the times
      `red_flag_raised_at`, `red_flag_shown_at`, `red_flag_acknowledged_at`,
      `red_flag_seen_by_doctor_at` (ISO 8601 UTC, empty when it did not happen): filled
      on red-flag rows only, whose `instrument` is `red_flag` and whose questionnaire
      columns are empty.
    - `item:<instrument>.<item id>`: the stored answer value (a yes/no as 1/0, as scored),
      empty when that item was not answered (another instrument, or a skipped
      conditional item). One column per item
      seen in `rows`, sorted. Qualified by instrument because item ids repeat across
      instruments with different scales (`leg_pain` is 0/1 in STarT Back, 0-10 in COMI).

    Red-flag rows come after the questionnaire rows, oldest first per patient.
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
        answers = {
            _item_column(result.instrument, item_id): str(int(value))  # yes/no: 1/0
            for item_id, value in result.answers
        }
        writer.writerow(
            [
                row.patient_ref,
                result.instrument,
                result.version,
                result.language,
                "true" if result.validated_in_language else "false",
                _utc(result.completed_at),
                _number(result.total),
                result.category or "",
                json.dumps(
                    {name: _json_number(value) for name, value in result.subscales.items()},
                    sort_keys=True,
                ),
                *("" for _ in range(7)),
                *(answers.get(column, "") for column in item_columns),
            ]
        )
    for entry in red_flags:
        flag = entry.flag
        writer.writerow(
            [
                entry.patient_ref,
                RED_FLAG,
                *("" for _ in range(7)),
                flag.level,
                flag.cluster,
                flag.source,
                _utc(flag.raised_at),
                *(
                    _utc(at) if at is not None else ""
                    for at in (flag.shown_at, flag.acknowledged_at, flag.seen_by_doctor_at)
                ),
                *("" for _ in item_columns),
            ]
        )


def _utc(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("CSV export needs timezone-aware datetimes")
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _item_column(instrument: str, item_id: str) -> str:
    return f"item:{instrument}.{item_id}"


def _json_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _number(value: float) -> str:
    return str(_json_number(value))
