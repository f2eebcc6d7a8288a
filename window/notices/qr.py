"""QR codes of the links printed on notices, made offline with segno (pure Python)."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_png", "qr_svg_data_uri"]


def qr_svg_data_uri(url: str) -> str:
    """An SVG data URI for the HTML notice (the pages' policy admits data: images)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=3, border=2))


def qr_png(url: str) -> bytes:
    """A PNG for the PDF notice."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
