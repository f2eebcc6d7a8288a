"""QR codes of the links printed on notices, made offline with segno (pure Python)."""

from __future__ import annotations

import segno

__all__ = ["qr_data_uri"]


def qr_data_uri(url: str) -> str:
    """A PNG data URI (the pages' policy admits data: images): the page shows it and the PDF, printed from
    the page, embeds the same image (reportlab reads PNG, not SVG). Always a full QR code, never a Micro
    QR, which many phones' scanners do not read."""
    return str(segno.make_qr(url, error="m").png_data_uri(scale=6, border=2))
