"""Red round official seals (公章): a red ring around a star, the unit's name along the arc.

Candidates are blobs of seal-red ink (on the flattened image, see `pixels`) plus circles a Hough
transform finds in that ink (two seals stamped over each other make one blob). A candidate is a seal
when an ellipse through its outline (photos see the circle in perspective) is inked along most of its
rim while its inside is mostly paper: a national emblem (国徽) is a filled red disc, red headings and
red boxes have no rim. The ring text is read, where an OCR engine is given, from the ring unrolled
into a straight strip (polar unwarp), starting at the bottom and running clockwise like the text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Protocol

import cv2
import numpy as np
from pydantic import BaseModel

from prereview.documents import Mark, TextLine
from prereview.visual.pixels import (
    as_rgb,
    box_from,
    downscale,
    flatten,
    gold_mask,
    ink_mask,
    red_mask,
    redness,
)
from rules.identity import normalize_name

RIM_BINS = 72


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


class SealCandidate(BaseModel):
    ellipse: Ellipse
    rim: float  # share of the rim with red ink
    arc: float  # the longest unbroken stretch of it: a stamp pressed unevenly keeps one, red print many
    fill: float  # share of the inside that is red
    solid: float  # the same without local flattening, which hollows out large red areas
    outside: float  # red share just outside the rim: paper around a seal, red around a piece of a disc
    gold: float  # yellow share inside: the national emblem's gold, never in a seal
    score: float

    @property
    def round(self) -> bool:
        """Round enough for a seal seen at a slant (photos see the circle as an ellipse)."""
        return min(self.ellipse.a, self.ellipse.b) >= 0.55 * max(self.ellipse.a, self.ellipse.b)


def _sample(mask: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    xi, yi = np.clip(xs.round().astype(int), 0, w - 1), np.clip(ys.round().astype(int), 0, h - 1)
    return np.asarray(mask[yi, xi])


def _ring_share(mask: np.ndarray, ell: Ellipse, ts: Sequence[float]) -> float:
    fine = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    return float(np.mean([_sample(mask, *ell.point(fine, t)).mean() for t in ts]))


class _Masks(BaseModel, arbitrary_types_allowed=True):
    red: np.ndarray  # seal-red on the flattened image
    solid: np.ndarray  # red against a background wider than a seal
    gold: np.ndarray
    lit: tuple[np.ndarray, np.ndarray] | None = None  # what the red was measured on (`_lit_flat`)


BLURRED_FILL = 0.6  # inside share of red a closed, clean ring may have (blurred photos measured 0.51)
CLOSED_RIM = 0.95
CLEAN_AROUND = 0.05
LIT = 0.3  # share of the paper's red light seal ink passes at least, even in a deep shadow


def seal_ink(
    small: np.ndarray, *, strong: float = 20, weak: float = 6, lit: _Lit | None = None
) -> np.ndarray:
    """Seal-red ink (bool) on a working-size RGB image (`downscale`): `red_mask` of the image flattened
    against its local background, on the pixels that pass enough red light to be seal ink at all.
    `lit`: `_lit_flat(small)`, when it is at hand already."""
    flat, where = lit or _lit_flat(small)
    return red_mask(flat, where=where, strong=strong, weak=weak)


_Lit = tuple[np.ndarray, np.ndarray]  # (the image flattened against its edges, the pixels lit enough)


def _lit_flat(small: np.ndarray) -> _Lit:
    # Seal ink passes red light, so its R stays near the paper's; hair, a desk or a dark photo do not,
    # and flattening against themselves would blow their noise up into colour.
    r = small[:, :, 0]
    lit = r >= LIT * float(np.percentile(r[::3, ::3], 97))
    return flatten(small, edges=True), lit


def _masks(small: np.ndarray) -> _Masks:
    solid, gold = _area_colours(small)
    lit = _lit_flat(small)
    return _Masks(red=seal_ink(small, lit=lit), solid=solid, gold=gold, lit=lit)


def _area_colours(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Red and gold areas, judged against a background wider than any seal: filled areas keep their
    colour while casts and shadows go (a global white balance cannot: a white border or glare already
    looks white). Areas need no fine detail, so this is done at half size, in a tenth of the time."""
    h, w = small.shape[:2]
    half = cv2.resize(small, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    wide = flatten(half, kernel=max(half.shape[:2]) // 5 | 1, edges=True)

    def full(mask: np.ndarray) -> np.ndarray:
        return np.asarray(cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0)

    return full(redness(wide) > 20), full(gold_mask(wide))


def _measure(masks: _Masks, ell: Ellipse) -> SealCandidate:
    mask, gold = masks.red, masks.gold
    phi = np.linspace(0, 2 * np.pi, RIM_BINS, endpoint=False)
    rim_hits = np.zeros(RIM_BINS, bool)
    for t in np.linspace(0.82, 1.06, 9):
        rim_hits |= _sample(mask, *ell.point(phi, t))
    rim = float(rim_hits.mean())
    fill = _ring_share(mask, ell, (0.15, 0.3, 0.45, 0.6, 0.72))
    solid = _ring_share(masks.solid, ell, (0.15, 0.3, 0.45, 0.6, 0.72))
    outside = _ring_share(mask, ell, (1.18, 1.3))
    yellow = _ring_share(gold, ell, (0.2, 0.4, 0.6, 0.8, 1.1))
    round_enough = min(ell.a, ell.b) >= 0.55 * max(ell.a, ell.b)  # as `SealCandidate.round`
    # a seal: rim nearly closed, inside mostly paper (text and star only), paper around it, no gold
    # a blurred photo smears the ring's text and star into the paper between them: a rim closed all round
    # with clean paper around it may be filled that much more
    most = BLURRED_FILL if rim >= CLOSED_RIM and outside < CLEAN_AROUND else 0.5
    ok = round_enough and 0.02 <= fill <= most and solid <= 0.5 and outside < 0.2 and yellow < 0.04
    return SealCandidate(
        ellipse=ell,
        rim=rim,
        arc=_longest_run(rim_hits) / RIM_BINS,
        fill=fill,
        solid=solid,
        outside=outside,
        gold=yellow,
        score=rim if ok else 0.0,
    )


def _longest_run(hits: np.ndarray) -> int:
    """The longest run of True around a closed rim (it may wrap past the first bin)."""
    if hits.all():
        return int(hits.size)
    best = run = 0
    for hit in np.concatenate([hits, hits]):
        run = run + 1 if hit else 0
        best = max(best, run)
    return best


def _blob_candidates(mask: np.ndarray, min_d: int, max_d: int) -> list[Ellipse]:
    k = max(3, min_d // 10)
    joined = cv2.morphologyEx(
        mask.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    )
    contours, _ = cv2.findContours(joined, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    out = []
    for cnt in contours:
        _, _, w, h = cv2.boundingRect(cnt)
        if max(w, h) < min_d or max(w, h) > max_d or len(cnt) < 20:
            continue
        hull = cv2.convexHull(cnt)
        if len(hull) < 5:
            continue
        (cx, cy), (d1, d2), angle = cv2.fitEllipse(hull)
        out.append(Ellipse(cx=cx, cy=cy, a=d1 / 2, b=d2 / 2, angle=angle))
    return out


def _hough_candidates(mask: np.ndarray, min_d: int, max_d: int) -> list[Ellipse]:
    # at half size: a ring is still a ring, and the transform costs a quarter
    k = 2 if min_d >= 40 else 1
    small = cv2.resize(
        mask.astype(np.uint8) * 255, (mask.shape[1] // k, mask.shape[0] // k), interpolation=cv2.INTER_AREA
    )
    blurred = cv2.GaussianBlur(small, (0, 0), max(1.0, min_d / (40 * k)))
    circles = cv2.HoughCircles(
        blurred,
        cv2.HOUGH_GRADIENT,
        dp=1.5,
        minDist=min_d * 0.6 / k,
        param1=100,
        param2=30,
        minRadius=min_d // (2 * k),
        maxRadius=max_d // (2 * k),
    )
    if circles is None:
        return []
    return [
        Ellipse(cx=float(x) * k, cy=float(y) * k, a=float(r) * k, b=float(r) * k, angle=0.0)
        for x, y, r in circles[0][:20]
    ]


def _dedupe(cands: list[SealCandidate]) -> list[SealCandidate]:
    """The best of each seal: seals are not stamped inside one another, so a candidate centred inside
    a better or bigger one is a piece of it (a glyph's arc, a blob of two seals)."""
    kept: list[SealCandidate] = []
    for c in sorted(cands, key=lambda c: (-round(c.score, 2), -max(c.ellipse.a, c.ellipse.b))):
        e = c.ellipse
        r = max(e.a, e.b)
        if all(
            math.hypot(e.cx - k.ellipse.cx, e.cy - k.ellipse.cy) > 0.9 * max(r, k.ellipse.a, k.ellipse.b)
            for k in kept
        ):
            kept.append(c)
    return kept


def _all_candidates(masks: _Masks) -> list[SealCandidate]:
    """Every measured candidate, seal or not, on the working-size image."""
    mask = masks.red
    side = min(mask.shape)
    min_d, max_d = max(24, int(0.04 * side)), int(0.7 * side)
    if mask.sum() < min_d * 2:
        return []
    # blobs find rings seen in perspective; circles find seals stamped over each other (one blob)
    found = [_measure(masks, e) for e in _blob_candidates(mask, min_d, max_d)]
    return found + [_measure(masks, e) for e in _hough_candidates(mask, min_d, max_d)]


def seal_candidates(image: np.ndarray, *, min_rim: float = 0.7) -> tuple[list[SealCandidate], float]:
    """Seals on the working-size image, and that image's scale relative to `image`."""
    small, f = downscale(as_rgb(image))
    return _dedupe([c for c in _all_candidates(_masks(small)) if c.score >= min_rim]), f


class SealReading(BaseModel):
    marks: list[Mark]  # the seals found
    doubt: str = ""  # without seals: what was seen that may be one (plain Chinese); "" when nothing was
    reads: int = 0  # ring texts recognised (OCR calls)


# Ring texts read on one page at most (one recognition each): a page holding more seals than this is
# a form sealed by many parties, and the checks that need ring texts (a licence copy: its issuer's seal
# and its holder's) look at two or three.
MAX_RING_READS = 4


def inspect_seals(
    image: np.ndarray,
    *,
    ocr: TextRecognizer | None = None,
    min_rim: float = 0.7,
    max_reads: int = MAX_RING_READS,
) -> SealReading:
    """Red round seals on an upright page image, as `Mark(kind="seal")` in the image's pixels, and when
    there are none, whether something like a seal was seen: a red ring closed on less than `min_rim`
    of its rim, or a ring too pale for the ink thresholds.

    With `ocr`, the ring text of each seal (of the first `max_reads`) is read (`Mark.text`, "" when
    illegible; `SealReading.reads` counts the recognitions).
    """
    rgb = as_rgb(image)
    small, f = downscale(rgb)
    masks = _masks(small)
    found = _all_candidates(masks)
    marks = []
    reads = 0
    for c in _dedupe([c for c in found if c.score >= min_rim]):
        e = c.ellipse
        r = max(e.a, e.b)
        box = box_from(e.cx - r, e.cy - r, e.cx + r, e.cy + r, scale=f)
        text = ""
        if ocr is not None and reads < max_reads:
            text, reads = read_ring_text(rgb, _scaled(e, 1 / f), ocr), reads + 1
        marks.append(Mark(kind="seal", box=box, text=text, score=round(c.score, 3)))
    doubt = "" if marks else _near_seal(small, masks, found, min_rim=min_rim)
    return SealReading(marks=marks, doubt=doubt, reads=reads)


def find_seals(image: np.ndarray, *, ocr: TextRecognizer | None = None, min_rim: float = 0.7) -> list[Mark]:
    """Red round seals on an upright page image, as `Mark(kind="seal")` in the image's pixels.

    With `ocr`, each seal's ring text is read (`Mark.text`, "" when illegible).
    """
    return inspect_seals(image, ocr=ocr, min_rim=min_rim).marks


def _near_seal(small: np.ndarray, masks: _Masks, found: list[SealCandidate], *, min_rim: float) -> str:
    """What on a page without seals may still be one, or "" when nothing is."""
    for c in found:
        # a partial ring: round, no gold (an emblem), mostly paper inside, and one unbroken arc with
        # clean paper around it (red print makes broken arcs with red beside them)
        partial = 0.45 <= c.rim < min_rim and c.arc >= 0.4 and 0.02 <= c.fill <= 0.5
        if partial and c.round and c.gold < 0.02 and c.outside < 0.1:
            return f"有红色圆形印迹，但印圈只见约 {c.rim:.0%}，不能确认是完整的印章"
    # a stamp short of ink: red at half the thresholds, off the dark print whose edges JPEG tints
    print_ = cv2.dilate(ink_mask(flatten(small)).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    pale = seal_ink(small, strong=10, weak=4, lit=masks.lit) & ~print_
    if pale.sum() > masks.red.sum():
        faint = _Masks(red=pale, solid=masks.solid, gold=masks.gold)
        if any(c.score >= min_rim for c in _all_candidates(faint)):
            return "有颜色很浅的红色圆形印迹，不能确认是印章"
    return ""


def _scaled(e: Ellipse, k: float) -> Ellipse:
    return Ellipse(cx=e.cx * k, cy=e.cy * k, a=e.a * k, b=e.b * k, angle=e.angle)


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
