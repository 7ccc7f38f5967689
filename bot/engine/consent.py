"""The privacy text's version: consent given to an older text is asked again.

Bump CONSENT_VERSION whenever onboarding.privacy (or anything it promises) changes.
"""

from __future__ import annotations

from bot.engine.model import State

CONSENT_VERSION = 1


def current_version() -> int:
    """Read at call time, so tests (and a future setting) can change it."""
    return CONSENT_VERSION


def consent_current(state: State) -> bool:
    """Consent is given to the privacy text in force."""
    return state.consent == "given" and state.consent_version >= current_version()
