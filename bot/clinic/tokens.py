"""Invitation and staff-link tokens carried in Telegram deep links.

A deep link `https://t.me/<bot>?start=<payload>` hands `payload` to the bot's
/start. Telegram allows at most 64 characters from `[A-Za-z0-9_-]`. The payload is
a kind prefix and a token: `i_<token>` (patient invitation) or `s_<token>` (staff
link). We store only `hash_token(token)`, so a leaked database cannot be turned
into working links.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Literal

TokenKind = Literal["invite", "staff"]

TOKEN_BYTES = 24  # 192 bits; base64url without padding gives exactly 32 characters
TOKEN_LENGTH = 32
MAX_PAYLOAD = 64  # Telegram's limit for the start parameter

_PREFIXES: dict[TokenKind, str] = {"invite": "i", "staff": "s"}
_KINDS: dict[str, TokenKind] = {prefix: kind for kind, prefix in _PREFIXES.items()}
_PAYLOAD_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")
_PAYLOAD = re.compile(rf"([is])_([A-Za-z0-9_-]{{{TOKEN_LENGTH}}})")
# Telegram bot usernames: 5-32 characters, letters, digits and underscores.
_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


def new_token() -> str:
    """A fresh random token: 32 characters of URL-safe base64, no padding."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of the token: what the database stores and looks up.

    A plain hash suffices (no salt, no slow hash): the token is 192 random bits,
    so there is nothing to guess or precompute.
    """
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_payload(kind: TokenKind, token: str) -> str:
    """The /start payload for a token: `i_<token>` or `s_<token>`."""
    payload = f"{_PREFIXES[kind]}_{token}"
    if parse_start_payload(payload) != (kind, token):
        raise ValueError("not a token made by new_token()")
    return payload


def deep_link(bot_username: str, payload: str) -> str:
    """`https://t.me/<bot>?start=<payload>`; raises ValueError when Telegram would refuse it."""
    if not _BOT_USERNAME.fullmatch(bot_username):
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    if len(payload) > MAX_PAYLOAD or not _PAYLOAD_ALPHABET.fullmatch(payload):
        raise ValueError("start payload must be 1-64 characters from [A-Za-z0-9_-]")
    return f"https://t.me/{bot_username}?start={payload}"


def parse_start_payload(payload: str) -> tuple[TokenKind, str] | None:
    """The kind and token of a /start payload, or None when it is not one of ours.

    Only the exact shape is accepted (prefix, underscore, 32 token characters), so
    garbage and truncated links are rejected before any database lookup. Whether the
    token is real is for the caller to check against the stored hashes.
    """
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        return None
    return _KINDS[match.group(1)], match.group(2)
