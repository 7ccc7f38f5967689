"""`backpath triage`: what the free-text detector reads in a message, for clinicians to audit.

backpath triage --lang nl "ik kan niet meer plassen"
backpath triage --lang fr --json -  < messages.txt   (one result per line)
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from bot.triage.freetext import Analysis, analyse, words_of
from bot.triage.lexicon import CLUSTERS


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "triage",
        help="show the red-flag clusters the free-text detector finds in a message",
        description="Red-flag clusters in a patient message (clusters: "
        + ", ".join(CLUSTERS)
        + "). TEXT is the message, or - to read one message per line from stdin.",
    )
    parser.add_argument("--lang", choices=["nl", "fr"], required=True)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("text", metavar="TEXT", help="the message, or - for stdin")


def as_json(text: str, lang: str, result: Analysis) -> dict[str, object]:
    return {
        "text": text,
        "lang": lang,
        "clusters": [c for c in CLUSTERS if c in result.clusters],
        "matched": words_of(result.findings),
        "findings": [
            {"cluster": f.cluster, "pattern": f.pattern, "words": list(f.words)}
            for f in result.findings
        ],
        "negated": list(result.negated),
        "skipped": list(result.skipped),
    }


def as_line(result: Analysis) -> str:
    clusters = ", ".join(c for c in CLUSTERS if c in result.clusters) or "-"
    parts = [clusters]
    if result.findings:
        parts.append("words: " + ", ".join(words_of(result.findings)))
    if result.negated:
        parts.append("negated: " + ", ".join(result.negated))
    if result.skipped:
        parts.append("not about the patient: " + " / ".join(result.skipped))
    return " | ".join(parts)


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    texts = [line.rstrip("\n") for line in stdin] if args.text == "-" else [args.text]
    for text in texts:
        result = analyse(text, args.lang)
        if args.json:
            stdout.write(json.dumps(as_json(text, args.lang, result), ensure_ascii=False) + "\n")
        else:
            stdout.write(as_line(result) + "\n")
    return 0
