"""Logging: ids and event kinds only, never answers, message texts or secrets, at any level.

- One handler on the root logger, JSON lines by default (LOG_FORMAT=text for a terminal).
- LOG_LEVEL applies to BackPath's own loggers (`bot.*`). Libraries never log below INFO
  whatever LOG_LEVEL says: at DEBUG python-telegram-bot logs every API call's parameters
  and every update (patient texts), SQLAlchemy result rows, aiosqlite statements.
- httpx and httpcore stay at WARNING: their INFO request lines hold the token-bearing URL.
- An exception is logged as its types and where it was raised (file, line, function, for
  each exception of a chain), never its message: messages quote the input they failed on
  (`invalid literal for int() with base 10: '²'`, SQL parameters).
- As a last guard the bot token and the webhook secret are masked in every record.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import Literal, TextIO

from pythonjsonlogger.json import JsonFormatter

OWN = ("bot", "bench", "__main__")
QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "matplotlib": logging.WARNING,
    "PIL": logging.WARNING,
}
MASK = "<redacted>"


class LibrariesFromInfo(logging.Filter):
    """Drop library records below INFO (our own follow LOG_LEVEL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO or record.name.split(".", 1)[0] in OWN


def redacted_traceback(error: BaseException) -> str:
    """The traceback of `error` (and its causes) without any exception message."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    lines: list[str] = []
    for index, exc in enumerate(reversed(chain)):
        if index:
            lines.append("The above exception led to:")
        lines.append("Traceback (most recent call last):")
        lines.extend(_frames(exc.__traceback__))
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__} (message withheld)")
    return "\n".join(lines)


def _frames(tb: TracebackType | None) -> list[str]:
    return [
        f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}'
        for frame in traceback.extract_tb(tb)
    ]


class NoExceptionMessages(logging.Filter):
    """Log an exception as its types and frames only (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            error = record.exc_info[1]
            record.exc_text = redacted_traceback(error) if error is not None else None
            record.exc_info = None
        return True


def patient_text_filters() -> list[logging.Filter]:
    """The filters that keep patient text out of a handler's output."""
    return [LibrariesFromInfo(), NoExceptionMessages()]


class Redact(logging.Filter):
    """Mask the secrets in the message (and in an exception's text, formatted here)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg, record.args = self._clean(record.getMessage()), None
            if record.exc_info:
                record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True


def configure_logging(
    level: str,
    fmt: Literal["json", "text"] = "text",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install the one BackPath handler on the root logger (replacing an earlier one)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for guard in patient_text_filters():
        handler.addFilter(guard)
    handler.addFilter(Redact(secrets))
    handler.set_name("backpath")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "backpath"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(floor)
    return handler
