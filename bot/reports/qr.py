"""QR codes for invitation links, to print or show in the clinic."""

from __future__ import annotations

from io import BytesIO

import segno

_SCALE = 8  # pixels per module: about 3-4 cm wide at print resolution for a t.me link
_BORDER = 4  # quiet zone in modules, the minimum the QR standard asks for


def qr_png(url: str) -> bytes:
    """The URL as a PNG QR code, error correction level M."""
    buffer = BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=_SCALE, border=_BORDER)
    return buffer.getvalue()
