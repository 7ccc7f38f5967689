"""Start-up problems an operator must fix: raised with a message that says what to do.

The CLI prints the message (no traceback) and exits with status 1.
"""

from __future__ import annotations


class StartupError(RuntimeError):
    """The bot cannot start safely; the message is for the operator."""
