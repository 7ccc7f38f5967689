"""``backpath score``: score questionnaire forms from the command line (for clinicians).

``score INSTRUMENT ITEM=VALUE ...`` scores one form; ``score INSTRUMENT --csv FILE``
scores one form per CSV row (``-`` reads stdin), as clinics keep paper forms in a
spreadsheet: comma or semicolon separated (detected from the file), an optional ID
column (``--id``, default ``id``) copied to the output. A bad row is reported on stderr
(row, line, ID, item, allowed values) and the other rows are still scored; the exit
status is then 1. A bad command line or header exits with 2 and prints nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.config import Settings
from bot.i18n import Catalogs
from bot.instruments.descriptor import Output
from bot.instruments.model import InstrumentScore, ScoringError, describe_values
from bot.instruments.registry import Instrument, Instruments, load_content

EXIT_USAGE = 2
EXIT_ROWS_FAILED = 1

Row = dict[str, object]


def content_instruments(settings: Settings) -> Instruments:
    """The instruments of the content directory (BACKPATH_CONTENT_DIR), as the bot loads them."""
    catalogs = Catalogs.load(settings.messages_dir)
    return load_content(settings.flows_dir, catalogs.has)[1]


class InputError(Exception):
    """Input that cannot become a scorable form; the message is shown as is."""


def _epilog(instruments: Instruments) -> str:
    """How paper answers are typed, per instrument (the descriptors' `score_cli.help`)."""
    lines = ["value coding (what to type for each answer):"]
    for instrument in instruments:
        lines.append(f"  {instrument.id}")
        for help_ in instrument.descriptor.score_cli.help:
            lines.append(_wrap(f"{', '.join(help_.items)}:", "    "))
            lines.append(_wrap(help_.coding, " " * 8))
    lines += [
        "",
        "CSV: a header row of item ids (and optionally an ID column), one form per row;",
        "comma or semicolon separated; an empty cell is a missing answer. A bad row is",
        "reported on stderr with its row number and ID and the others are scored; the",
        "exit status is then 1 (2 for a bad command line or header).",
    ]
    return "\n".join(lines)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, 88, initial_indent=indent, subsequent_indent=indent)


def _parser(instruments: Instruments) -> argparse.ArgumentParser:
    labels = ", ".join(i.descriptor.label for i in instruments)
    parser = argparse.ArgumentParser(
        prog="backpath score",
        description=f"Score questionnaire forms: {labels}.",
        epilog=_epilog(instruments),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("instrument", choices=sorted(instruments.ids()))
    parser.add_argument("answers", nargs="*", metavar="ITEM=VALUE", help="one form")
    parser.add_argument("--csv", metavar="FILE", help="one form per row ('-' = stdin)")
    parser.add_argument(
        "--id",
        default="id",
        metavar="COLUMN",
        help="CSV column copied to the output as the form's ID (default: id, any case)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per form")
    return parser


def _parse_int(instrument: Instrument, item: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        allowed = instrument.items.get(item)
        hint = f"allowed values: {describe_values(allowed)}" if allowed else "unknown item"
        raise InputError(f"{instrument.id}: item {item!r} has value {text!r}; {hint}") from None


def _form_from_args(instrument: Instrument, pairs: Sequence[str]) -> dict[str, int]:
    form: dict[str, int] = {}
    for pair in pairs:
        item, sep, text = pair.partition("=")
        item = item.strip()
        if not sep or not item:
            raise InputError(f"expected ITEM=VALUE, got {pair!r}")
        if item in form:
            raise InputError(f"{instrument.id}: item {item!r} is given twice")
        form[item] = _parse_int(instrument, item, text)
    return form


@dataclass(frozen=True)
class Form:
    """A form to score: where it came from (None for the command line), its ID, answers.

    `error` is set instead of answers for a CSV row that could not be read.
    """

    where: str | None
    ident: str | None
    answers: dict[str, int]
    error: str | None = None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma or semicolon, whichever the header and first rows use (comma if unclear)."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,")
    except csv.Error:
        return csv.excel


def _forms_from_csv(instrument: Instrument, text: str, id_column: str) -> tuple[bool, list[Form]]:
    """(has an ID column, the forms); row 1 is the first non-empty line after the header."""
    reader = csv.reader(text.removeprefix("\ufeff").splitlines(), _dialect(text))
    header = [name.strip() for name in next(reader, [])]
    if not any(header):
        raise InputError("CSV: no header row of item ids")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(f"CSV header: column {repeated[0]!r} appears twice")
    id_index = next(
        (n for n, name in enumerate(header) if name.casefold() == id_column.casefold()), None
    )
    unknown = [
        name for n, name in enumerate(header) if n != id_index and name not in instrument.items
    ]
    if unknown:
        raise InputError(
            f"CSV header: unknown column {unknown[0]!r}; known items: "
            f"{', '.join(instrument.items)}; ID column: {id_column!r} (--id)"
        )
    forms: list[Form] = []
    for number, cells in enumerate((r for r in reader if any(c.strip() for c in r)), 1):
        ident = cells[id_index].strip() if id_index is not None and id_index < len(cells) else None
        where = f"row {number} (line {reader.line_num}" + (f", id {ident})" if ident else ")")
        if len(cells) > len(header):
            forms.append(Form(where, ident, {}, "more values than header columns"))
            continue
        form: dict[str, int] = {}
        error = None
        for n, (item, cell) in enumerate(zip(header, cells, strict=False)):
            if n != id_index and cell.strip():  # an empty cell is a missing answer
                try:
                    form[item] = _parse_int(instrument, item, cell)
                except InputError as bad:
                    error = str(bad)
                    break
        forms.append(Form(where, ident, form, error))
    return id_index is not None, forms


def result_row(result: InstrumentScore, output: Output) -> Row:
    """The published JSON object for one scored form, keyed as the descriptor's
    `score_cli.output` says (`{"instrument": "nrs", "pain": 4}`)."""
    total: object = result.total
    if not output.decimal and float(result.total).is_integer():
        total = int(result.total)
    row: Row = {"instrument": result.instrument, output.total: total}
    if output.subscales is not None:
        row[output.subscales] = dict(result.subscales)
    else:
        row.update(result.subscales)
    if output.flag is not None:
        ((key, category),) = output.flag.items()
        row[key] = result.category == category
    elif result.category is not None:
        row[output.category] = result.category
    return row


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


def _table(rows: Sequence[Row]) -> list[str]:
    """An aligned text table: numbers right-aligned, words left-aligned."""
    if not rows:
        return []
    records = [_cells(row) for row in rows]
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


def _score_all(
    instrument: Instrument, forms: Sequence[Form], *, numbered: bool, with_id: bool
) -> tuple[list[Row], list[str]]:
    """(result rows of the forms that scored, one error message per form that did not).

    ``numbered`` puts the CSV row number first (``row``, table only), ``with_id`` the
    form's ID (``id``).
    """
    results: list[Row] = []
    errors: list[str] = []
    for number, form in enumerate(forms, 1):
        prefix = f"{form.where}: " if form.where is not None else ""
        if form.error is not None:
            errors.append(f"{prefix}{form.error}")
            continue
        try:
            scored = result_row(
                instrument.score(form.answers), instrument.descriptor.score_cli.output
            )
        except ScoringError as error:
            errors.append(f"{prefix}{error}")
            continue
        lead: Row = {"row": number} if numbered else {}
        if with_id:
            lead["id"] = form.ident or ""
        results.append(lead | scored)
    return results, errors


def _read(path: str, stdin: TextIO) -> str:
    if path == "-":
        return stdin.read()
    with open(path, newline="", encoding="utf-8-sig") as source:
        return source.read()


def run(
    argv: Sequence[str],
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    instruments: Instruments | None = None,
) -> int:
    """Run ``backpath score``; ``argv`` excludes the word ``score``. Returns the exit code.

    ``instruments``: the registry (default: the content directory's, see Settings)."""
    registry = instruments or content_instruments(Settings())
    parser = _parser(registry)
    try:
        # argparse writes usage and help to sys.stdout/sys.stderr and exits.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_intermixed_args(list(argv))
            if args.csv is not None and args.answers:
                parser.error("give ITEM=VALUE pairs or --csv FILE, not both")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE

    instrument = registry[args.instrument]
    try:
        with_id = False
        if args.csv is None:
            forms = [Form(None, None, _form_from_args(instrument, args.answers))]
        else:
            with_id, forms = _forms_from_csv(instrument, _read(args.csv, stdin), args.id)
    except (InputError, OSError, csv.Error, UnicodeDecodeError) as error:
        print(f"backpath score: error: {error}", file=stderr)
        return EXIT_USAGE
    results, errors = _score_all(
        instrument, forms, numbered=args.csv is not None and not args.json, with_id=with_id
    )
    if args.csv is None and errors:
        print(f"backpath score: error: {errors[0]}", file=stderr)
        return EXIT_USAGE

    if args.json:
        lines = [json.dumps(row, ensure_ascii=False) for row in results]
    else:
        lines = _table(results)
    for text in lines:
        print(text, file=stdout)
    for message in errors:
        print(f"backpath score: error: {message}", file=stderr)
    if errors:
        print(f"backpath score: {len(errors)} of {len(forms)} forms not scored", file=stderr)
        return EXIT_ROWS_FAILED
    return 0
