"""Babel extractors for our YAML content, so `pybabel extract` sees every msgid.

Flows name their texts by msgid (`text: startback.leg_pain`); the advice library names
items whose texts are `advice.<id>.title` and `advice.<id>.body`. Both are read with the
loaders the bot uses, so the extracted ids are exactly the ones the bot asks for.
Used from babel.cfg (`[bot.i18n.extract.extract_flow: flows/*.yaml]`: the flows, not the
instrument descriptors in flows/instruments/).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar

from bot.advice.selection import load_library
from bot.engine.flows import load_flow

#: What a Babel extractor yields: (line number, function name, message, comments).
Extracted = tuple[int, str | None, str, list[str]]
T = TypeVar("T")


def _line_of(lines: list[str], needle: str) -> int:
    return next((n for n, line in enumerate(lines, 1) if needle in line), 1)


def _read(fileobj: IO[bytes], name: str, load: Callable[[Path], T]) -> tuple[T, list[str]]:
    """Load the content with the bot's own loader (which reads a named file)."""
    text = fileobj.read().decode("utf-8")
    with tempfile.TemporaryDirectory(prefix="backpath-extract-") as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return load(path), text.splitlines()


def extract_flow(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Every msgid of one flow file, validated by the flow loader."""
    name = Path(getattr(fileobj, "name", "flow.yaml")).name
    flow, lines = _read(fileobj, name, load_flow)
    for where, msgid in flow.message_ids():
        yield _line_of(lines, msgid), None, msgid, [f"flow {flow.id}: {where}"]


def extract_advice(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """The title and body msgid of every advice item."""
    library, lines = _read(fileobj, "library.yaml", load_library)
    for item in library:
        line = _line_of(lines, f"id: {item.id}")
        yield line, None, item.title_msgid, [f"advice {item.id}"]
        yield line, None, item.body_msgid, [f"advice {item.id}"]
