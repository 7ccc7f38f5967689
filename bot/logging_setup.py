"""Logging: ids and event kinds only, never answers or message texts, at any level.

Two guards sit on every handler (`PatientTextFilter`), whatever formats the records:
- an exception is logged as its type and where it was raised (file, line, function,
  for each exception of a chain), never its message: messages of exceptions quote the
  input they failed on (`invalid literal for int() with base 10: '²'`, SQL parameters);
- records of other libraries below WARNING are dropped: python-telegram-bot logs Bot API
  parameters and returned updates at DEBUG, aiosqlite the statements with their values.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

OWN_LOGGERS = ("bot", "bench", "__main__")
LIBRARY_FLOOR = logging.WARNING


def redacted_traceback(error: BaseException) -> str:
    """The traceback of `error` (and its causes) without any exception message."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
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


class PatientTextFilter(logging.Filter):
    """Keeps patient text out of log records (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(OWN_LOGGERS) and record.levelno < LIBRARY_FLOOR:
            return False
        if record.exc_info:
            error = record.exc_info[1]
            record.exc_text = redacted_traceback(error) if error is not None else None
            record.exc_info = None
        return True


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(PatientTextFilter())
    # httpx logs full request URLs, which contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
