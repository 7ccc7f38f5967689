from __future__ import annotations

import hashlib
import re

import pytest

from bot.clinic.tokens import (
    MAX_PAYLOAD,
    deep_link,
    hash_token,
    new_token,
    parse_start_payload,
    start_payload,
)
from bot.reports.qr import qr_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_tokens_are_long_url_safe_and_unique() -> None:
    tokens = {new_token() for _ in range(10_000)}

    assert len(tokens) == 10_000
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 32 base64 chars = 192 bits


def test_hash_is_sha256_hex() -> None:
    token = new_token()

    assert hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", hash_token(token))
    assert token not in hash_token(token)


@pytest.mark.parametrize("kind", ["invite", "staff"])
def test_payload_round_trip_and_link(kind: str) -> None:
    token = new_token()
    payload = start_payload(kind, token)  # type: ignore[arg-type]

    assert len(payload) <= MAX_PAYLOAD
    assert parse_start_payload(payload) == (kind, token)
    assert deep_link("BackPathBot", payload) == f"https://t.me/BackPathBot?start={payload}"


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "garbage",
        "x_" + "a" * 32,  # unknown kind
        "i_" + "a" * 31,  # truncated
        "i_" + "a" * 33,  # too long
        "i-" + "a" * 32,
        "I_" + "a" * 32,
        "i_" + "a" * 31 + "=",  # padding
        "i_" + "a" * 31 + "/",  # standard base64 alphabet
        "i_" + "a" * 31 + "\n",
        " i_" + "a" * 32,
        "i_" + "é" * 32,
    ],
)
def test_parser_rejects_forged_and_garbage_payloads(payload: str) -> None:
    assert parse_start_payload(payload) is None


def test_start_payload_rejects_foreign_tokens() -> None:
    with pytest.raises(ValueError):
        start_payload("invite", "short")


@pytest.mark.parametrize(
    ("bot", "payload"),
    [
        ("BackPathBot", "a" * 65),
        ("BackPathBot", ""),
        ("BackPathBot", "i_abc=="),
        ("BackPathBot", "i abc"),
        ("Back/Path", "i_abc"),
        ("bot", "i_abc"),
    ],
)
def test_deep_link_refuses_what_telegram_would(bot: str, payload: str) -> None:
    with pytest.raises(ValueError):
        deep_link(bot, payload)


def test_qr_is_a_png() -> None:
    link = deep_link("BackPathBot", start_payload("invite", new_token()))
    png = qr_png(link)

    assert png.startswith(PNG_SIGNATURE)
    assert png == qr_png(link)
