"""A seal's ring: its ellipse on the page (photos see the circle in perspective) and its text, read from
the ring unrolled into a straight strip (polar unwarp), starting at the bottom and running clockwise
like the text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Protocol

import cv2
import numpy as np
from pydantic import BaseModel

from prereview.documents import TextLine
from prereview.visual.pixels import flatten, redness
from rules.identity import normalize_name


class TextRecognizer(Protocol):
    """What ring-text reading needs of an OCR engine (`prereview.ocr.OcrEngine` fits)."""

    def recognize(self, image: np.ndarray) -> list[TextLine]: ...


class Ellipse(BaseModel):
    cx: float
    cy: float
    a: float  # semi-axis along `angle`
    b: float
    angle: float  # degrees, OpenCV's convention

    def point(self, phi: np.ndarray, t: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Points at clockwise angle `phi` from straight down, `t` times the radius out."""
        ux, uy = -np.sin(phi), np.cos(phi)
        th = math.radians(self.angle)
        # the unit direction in the ellipse's own frame, scaled by its axes, rotated back
        ex, ey = ux * math.cos(th) + uy * math.sin(th), -ux * math.sin(th) + uy * math.cos(th)
        px, py = ex * self.a * t, ey * self.b * t
        return self.cx + px * math.cos(th) - py * math.sin(th), self.cy + px * math.sin(th) + py * math.cos(
            th
        )


def unwarp_ring(rgb: np.ndarray, ell: Ellipse, *, inner: float = 0.5, outer: float = 0.92) -> np.ndarray:
    """The seal's ring band as a straight strip (dark ink on white), outer edge up, bottom of the seal
    at both ends: the arc text reads left to right in it."""
    r = max(ell.a, ell.b)
    height = max(24, int(r * (outer - inner)))
    width = max(64, int(2 * math.pi * r * (outer + inner) / 2))
    phi = np.linspace(0, 2 * np.pi, width, endpoint=False)[None, :]
    t = np.linspace(outer, inner, height)[:, None]
    map_x, map_y = ell.point(phi, t)
    x0, y0 = int(max(0, ell.cx - 1.1 * r)), int(max(0, ell.cy - 1.1 * r))
    crop = rgb[y0 : int(ell.cy + 1.1 * r) + 1, x0 : int(ell.cx + 1.1 * r) + 1]
    ink = np.clip(redness(flatten(crop)).astype(np.float32) * 3.0, 0, 255)
    paper = (255 - ink).astype(np.uint8)
    strip = cv2.remap(
        paper,
        (map_x - x0).astype(np.float32),
        (map_y - y0).astype(np.float32),
        cv2.INTER_LINEAR,
        borderValue=255,
    )
    return np.asarray(strip)


def read_ring_text(rgb: np.ndarray, ell: Ellipse, ocr: TextRecognizer) -> str:
    """The seal's ring text, or "" when nothing legible comes out of the strip."""
    strip = unwarp_ring(rgb, ell)
    h = strip.shape[0]
    scale = 48 / h  # the recogniser wants text lines ~48 px high
    strip = cv2.resize(strip, (int(strip.shape[1] * scale), 48), interpolation=cv2.INTER_CUBIC)
    pad = cv2.copyMakeBorder(strip, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
    lines: Sequence[TextLine] = ocr.recognize(cv2.cvtColor(pad, cv2.COLOR_GRAY2RGB))
    good = [ln for ln in lines if ln.score >= 0.6 and ln.text.strip()]
    return "".join(ln.text.strip() for ln in sorted(good, key=lambda ln: ln.box.x0))


def ring_text_similarity(ring_text: str, name: str) -> float:
    """How well a seal's read ring text matches a unit name, 0-1 (normalised as README §7.1).

    Ring text is read through the print stamped over it, so single characters are often wrong:
    compare with this, not with ==, and treat middling values as unknown rather than a mismatch.
    """
    a, b = normalize_name(ring_text), normalize_name(name)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
