"""``backpath score``: score questionnaire forms from the command line (for clinicians).

``score INSTRUMENT ITEM=VALUE ...`` scores one form; ``score INSTRUMENT --csv FILE``
scores one form per CSV row (``-`` reads stdin). Every form is validated before
anything is printed, so an error never leaves partial output that could be taken
for a result.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
from collections.abc import Mapping, Sequence
from typing import TextIO

from bot.instruments import ITEMS, SCORERS, InstrumentScore, ScoringError, describe_values

EXIT_USAGE = 2

Row = dict[str, object]


class InputError(Exception):
    """Input that cannot become a scorable form; the message is shown as is."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backpath score",
        description="Score questionnaire forms: STarT Back, Örebro SF, COMI, NRS.",
        epilog="Item ids: "
        + "; ".join(f"{name}: {', '.join(items)}" for name, items in ITEMS.items()),
    )
    parser.add_argument("instrument", choices=sorted(SCORERS))
    parser.add_argument("answers", nargs="*", metavar="ITEM=VALUE", help="one form")
    parser.add_argument("--csv", metavar="FILE", help="one form per row ('-' = stdin)")
    parser.add_argument("--json", action="store_true", help="one JSON object per form")
    return parser


def _parse_int(instrument: str, item: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        allowed = ITEMS[instrument].get(item)
        hint = f"allowed values: {describe_values(allowed)}" if allowed else "unknown item"
        raise InputError(f"{instrument}: item {item!r} has value {text!r}; {hint}") from None


def _form_from_args(instrument: str, pairs: Sequence[str]) -> dict[str, int]:
    form: dict[str, int] = {}
    for pair in pairs:
        item, sep, text = pair.partition("=")
        item = item.strip()
        if not sep or not item:
            raise InputError(f"expected ITEM=VALUE, got {pair!r}")
        if item in form:
            raise InputError(f"{instrument}: item {item!r} is given twice")
        form[item] = _parse_int(instrument, item, text)
    return form


#: A form to score and where it came from (``None`` for the command line).
Form = tuple[str | None, dict[str, int]]


def _forms_from_csv(instrument: str, source: TextIO) -> list[Form]:
    """Read all forms; row 1 is the first non-empty line after the header."""
    reader = csv.reader(source)
    header = [name.strip() for name in next(reader, [])]
    if not header:
        raise InputError("CSV: no header row of item ids")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(f"CSV header: column {repeated[0]!r} appears twice")
    forms: list[Form] = []
    for number, cells in enumerate((r for r in reader if any(c.strip() for c in r)), 1):
        where = f"row {number} (line {reader.line_num})"
        if len(cells) > len(header):
            raise InputError(f"{where}: more values than header columns")
        form: dict[str, int] = {}
        for item, cell in zip(header, cells, strict=False):
            if cell.strip():  # an empty cell is a missing answer
                try:
                    form[item] = _parse_int(instrument, item, cell)
                except InputError as error:
                    raise InputError(f"{where}: {error}") from None
        forms.append((where, form))
    return forms


def result_row(result: InstrumentScore) -> Row:
    """The published JSON object for one scored form."""
    name = result.instrument
    if name == "startback":
        return {
            "instrument": name,
            "total": int(result.total),
            "psychosocial": int(result.subscales["psychosocial"]),
            "risk": result.category,
        }
    if name == "orebro":
        return {
            "instrument": name,
            "total": int(result.total),
            "elevated_risk": result.category == "elevated",
        }
    if name == "comi":
        return {"instrument": name, "score": result.total, "domains": dict(result.subscales)}
    return {"instrument": name, "pain": int(result.total)}


def _cells(row: Row) -> dict[str, str | float | int]:
    """Flatten a result row for the table (COMI domains become columns)."""
    cells: dict[str, str | float | int] = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            cells.update(_cells(dict(value)))
        elif isinstance(value, bool):
            cells[key] = "yes" if value else "no"
        elif isinstance(value, str | float | int) and key != "instrument":
            cells[key] = value
    return cells


def _table(rows: Sequence[Row], numbered: bool) -> list[str]:
    """An aligned text table: numbers right-aligned, words left-aligned.

    ``numbered`` adds the CSV row number as the first column.
    """
    if not rows:
        return []
    records = [({"row": n} if numbered else {}) | _cells(row) for n, row in enumerate(rows, 1)]
    texts = [
        {k: f"{v:.2f}" if isinstance(v, float) else str(v) for k, v in r.items()} for r in records
    ]
    columns = list(records[0])
    width = {c: max(len(c), *(len(t[c]) for t in texts)) for c in columns}
    left = {c for c in columns if isinstance(records[0][c], str)}

    def line(values: Mapping[str, str]) -> str:
        return "  ".join(
            values[c].ljust(width[c]) if c in left else values[c].rjust(width[c]) for c in columns
        ).rstrip()

    return [line({c: c for c in columns}), *(line(t) for t in texts)]


def _score_all(instrument: str, forms: Sequence[Form]) -> list[Row]:
    results: list[Row] = []
    for where, form in forms:
        try:
            results.append(result_row(SCORERS[instrument](form)))
        except ScoringError as error:
            prefix = f"{where}: " if where is not None else ""
            raise InputError(f"{prefix}{error}") from None
    return results


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``backpath score``; ``argv`` excludes the word ``score``. Returns the exit code."""
    parser = _parser()
    try:
        # argparse writes usage and help to sys.stdout/sys.stderr and exits.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_intermixed_args(list(argv))
            if args.csv is not None and args.answers:
                parser.error("give ITEM=VALUE pairs or --csv FILE, not both")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE

    instrument: str = args.instrument
    try:
        forms: list[Form]
        if args.csv is None:
            forms = [(None, _form_from_args(instrument, args.answers))]
        elif args.csv == "-":
            forms = list(_forms_from_csv(instrument, stdin))
        else:
            with open(args.csv, newline="", encoding="utf-8-sig") as source:
                forms = list(_forms_from_csv(instrument, source))
        results = _score_all(instrument, forms)
    except (InputError, OSError, csv.Error) as error:
        print(f"backpath score: error: {error}", file=stderr)
        return EXIT_USAGE

    if args.json:
        lines = [json.dumps(row, ensure_ascii=False) for row in results]
    else:
        lines = _table(results, numbered=args.csv is not None)
    for text in lines:
        print(text, file=stdout)
    return 0
