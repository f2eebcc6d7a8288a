"""Red round official seals (公章): a red ring around a star, the unit's name along the arc.

Candidates are blobs of seal-red ink (on the flattened image, see `pixels`) plus circles a Hough
transform finds in that ink (two seals stamped over each other make one blob; the red of one just
outside the other's rim is not held against it). A candidate is a seal
when an ellipse through its outline (photos see the circle in perspective) is inked along most of its
rim while its inside is mostly paper: a national emblem (国徽) is a filled red disc, red headings and
red boxes have no rim. On a greyscale image (a grey scan, a black-and-white copy) seals print grey:
there the page's dark ink is looked at for the same rings. The ring text is read where an OCR engine
is given (`rings`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import cv2
import numpy as np
from pydantic import BaseModel

from prereview.documents import Mark
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
from prereview.visual.rings import Ellipse, TextRecognizer, read_ring_text

RIM_BINS = 72


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
    light: np.ndarray | None = None  # the brightest channel with print closed over (`_light`)
    grey: np.ndarray | None = None  # on a greyscale image, all its dark ink (`red`: its long strokes)


STARRED = 0.6  # dark share around a grey ring's centre: its star
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


# A greyscale image (a grey scan, a black-and-white copy), where a seal prints as a grey ring, has fewer
# than COLOURED_PIXELS pixels whose chroma (brightest less darkest channel) reaches COLOURLESS: JPEG
# noise stays under it, and a seal's ring alone is a thousand such pixels at the working size.
COLOURLESS = 30
COLOURED_PIXELS = 50


def _masks(small: np.ndarray) -> _Masks:
    wide, full = _wide(small)
    if _colourless(small):  # the seal's ink is the page's dark ink; dark areas stand for red ones
        dark = full(wide.max(axis=2) < 150)
        # print is dark ink too: a ring is one long stroke, its star one large blot, characters are small
        side = min(small.shape[:2])
        ink = ink_mask(flatten(small))
        ring = _long_strokes(ink, max(24, int(0.04 * side)))
        return _Masks(red=ring, solid=dark, gold=np.zeros_like(ink), light=_light(small), grey=ink)
    lit = _lit_flat(small)
    solid, gold = full(redness(wide) > 20), full(gold_mask(wide))
    return _Masks(red=seal_ink(small, lit=lit), solid=solid, gold=gold, lit=lit, light=_light(small))


def _colourless(small: np.ndarray) -> bool:
    chroma = cv2.subtract(small.max(axis=2), small.min(axis=2))
    return int(np.count_nonzero(chroma >= COLOURLESS)) < COLOURED_PIXELS


def _light(small: np.ndarray) -> np.ndarray:
    """How much light each pixel reflects, print and ink closed over: the brightest channel (seal ink
    passes red light as the paper does), dilated past a stroke's width."""
    return np.asarray(cv2.dilate(small.max(axis=2), np.ones((5, 5), np.uint8)))


def _wide(small: np.ndarray) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """The image flattened against a background wider than any seal, in which red, gold and dark areas
    are judged: filled areas keep their colour while casts and shadows go (a global white balance
    cannot: a white border or glare already looks white). Areas need no fine detail, so this is done
    at half size, in a tenth of the time; with it, how to bring a mask of it back to full size."""
    h, w = small.shape[:2]
    half = cv2.resize(small, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)

    def full(mask: np.ndarray) -> np.ndarray:
        return np.asarray(cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0)

    return flatten(half, kernel=max(half.shape[:2]) // 5 | 1, edges=True), full


def _measure(masks: _Masks, ell: Ellipse, *, beside: Sequence[Ellipse] = ()) -> SealCandidate:
    """`ell` measured as a seal; the red around it is not counted where it lies on the seals `beside`
    (two seals stamped over each other: the other's ring is no red around this one)."""
    mask, gold = masks.red, masks.gold
    phi = np.linspace(0, 2 * np.pi, RIM_BINS, endpoint=False)
    rim_hits = np.zeros(RIM_BINS, bool)
    for t in np.linspace(0.82, 1.06, 9):
        rim_hits |= _sample(mask, *ell.point(phi, t))
    inside, on = _on_sheet(masks.light, ell, phi)
    rim = float((rim_hits & inside)[on].mean())  # past the image's edge there is no ink
    fill = _ring_share(mask, ell, (0.15, 0.3, 0.45, 0.6, 0.72))
    solid = _ring_share(masks.solid, ell, (0.15, 0.3, 0.45, 0.6, 0.72))
    # red just outside the rim; with seals beside it, not counted where it lies on them
    outside = _around(mask, ell, beside) if beside else _ring_share(mask, ell, (1.18, 1.3))
    yellow = _ring_share(gold, ell, (0.2, 0.4, 0.6, 0.8, 1.1))
    round_enough = min(ell.a, ell.b) >= 0.55 * max(ell.a, ell.b)  # as `SealCandidate.round`
    # a seal: rim nearly closed, inside mostly paper (text and star only), paper around it, no gold
    # a blurred photo smears the ring's text and star into the paper between them: a rim closed all round
    # with clean paper around it may be filled that much more
    most = BLURRED_FILL if rim >= CLOSED_RIM and outside < CLEAN_AROUND else 0.5
    ok = round_enough and 0.02 <= fill <= most and solid <= 0.5 and outside < 0.2 and yellow < 0.04
    # without colour, a dark ring may be a portrait's hair or a drawn circle: a seal has its star inside
    ok = ok and _starred(masks, ell)
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


def _around(mask: np.ndarray, ell: Ellipse, beside: Sequence[Ellipse]) -> float:
    """The red share just outside `ell`'s rim, leaving out the points on the seals `beside` (when they
    cover most of it, the red of what is left of it, none when nothing is)."""
    fine = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    hits, off = [], []
    for t in (1.18, 1.3):
        xs, ys = ell.point(fine, t)
        hits.append(_sample(mask, xs, ys))
        off.append(np.any([_on(s, xs, ys) for s in beside], 0))
    hit, covered = np.concatenate(hits), np.concatenate(off)
    return float(hit[~covered].mean()) if (~covered).any() else 0.0


def _on(seal: Ellipse, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points lie on `seal`: inside its rim's outer edge (as `_measure` samples the rim)."""
    th = math.radians(seal.angle)
    dx, dy = xs - seal.cx, ys - seal.cy
    u, v = dx * math.cos(th) + dy * math.sin(th), -dx * math.sin(th) + dy * math.cos(th)
    return np.asarray((u / seal.a) ** 2 + (v / seal.b) ** 2 <= RIM_OUTER**2)


RIM_OUTER = 1.1  # a seal's ring, as `_measure` samples it (0.82-1.06 of its radius), with a margin


def _overlapping(masks: _Masks, found: list[SealCandidate], min_rim: float) -> list[SealCandidate]:
    """The seals among `found`, with those stamped over another: a closed ring that failed only for the
    red around it, measured again without the seals it overlaps — their red is no paper's red."""
    seals = _dedupe([c for c in found if c.score >= min_rim])
    if not seals:
        return seals
    again = []
    for c in found:
        e = c.ellipse
        over = [s.ellipse for s in seals if _overlap(e, s.ellipse) and not _within(e, [s.ellipse])]
        if c.score < min_rim and c.rim >= min_rim and over:
            again.append(_measure(masks, e, beside=over))
    return _dedupe(seals + [c for c in again if c.score >= min_rim])


def _overlap(e: Ellipse, s: Ellipse) -> bool:
    return math.hypot(e.cx - s.cx, e.cy - s.cy) < max(e.a, e.b) + max(s.a, s.b)


# A seal stamped over the sheet's edge keeps its ring only on the sheet. Where the rim runs off it —
# past the image's edge, or onto a surface reflecting less than OFF_SHEET of the paper around the seal
# (a desk, the fill of a straightened photo) — the rim is judged on the part on the sheet: one stretch
# cut off by one edge, the centre and at least ON_SHEET of the rim on the paper (star and most of the
# name there). A white desk shows no edge, and a ring drawn half on the paper stays half a ring.
OFF_SHEET = 0.75
ON_SHEET = 0.55


def _on_sheet(light: np.ndarray | None, ell: Ellipse, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rim bins inside the image, and those the rim is judged on: the bins on the sheet where the
    ring runs off it as described, else all."""
    xs, ys = ell.point(phi, 0.94)
    h, w = light.shape if light is not None else (np.inf, np.inf)
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    every = np.ones(phi.size, bool)
    if light is None or not (0 <= ell.cx <= w - 1 and 0 <= ell.cy <= h - 1):
        return inside, every
    around = np.concatenate([_sample(light, *ell.point(phi, t)) for t in (0.5, 1.15)])
    paper = float(np.percentile(around, 75))
    on = inside & (_sample(light, xs, ys) >= OFF_SHEET * paper)
    runs = int(np.count_nonzero(on != np.roll(on, 1)))  # on/off changes around the rim: 2 for one cut
    # one straight cut leaving more than half the rim on the sheet leaves the centre there too
    if on.all() or on.mean() < ON_SHEET or runs != 2:
        return inside, every
    return inside, on


def _starred(masks: _Masks, ell: Ellipse) -> bool:
    """Whether a ring may be a seal by what is at its centre: on a greyscale image, its star."""
    return masks.grey is None or _ring_share(masks.grey, ell, (0.04, 0.08)) >= STARRED


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


def _long_strokes(mask: np.ndarray, length: int) -> np.ndarray:
    """The connected strokes of `mask` at least `length` long or high (a ring's arc, not a character)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    long = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= length
    long[0] = False
    return np.asarray(long[labels])


def seal_candidates(image: np.ndarray, *, min_rim: float = 0.7) -> tuple[list[SealCandidate], float]:
    """Seals on the working-size image, and that image's scale relative to `image`."""
    small, f = downscale(as_rgb(image))
    masks = _masks(small)
    return _overlapping(masks, _all_candidates(masks), min_rim), f


class SealReading(BaseModel):
    marks: list[Mark]  # the seals found
    doubt: str = ""  # what was seen beside the seals that may be one more (plain Chinese); "" when nothing
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
    """Red round seals on an upright page image, as `Mark(kind="seal")` in the image's pixels, and
    whether something more like a seal was seen beside them: a red ring closed on less than `min_rim`
    of its rim, or a ring too pale for the ink thresholds.

    With `ocr`, the ring text of each seal (of the first `max_reads`) is read (`Mark.text`, "" when
    illegible; `SealReading.reads` counts the recognitions).
    """
    rgb = as_rgb(image)
    small, f = downscale(rgb)
    masks = _masks(small)
    found = _all_candidates(masks)
    seals = _overlapping(masks, found, min_rim)
    marks = []
    reads = 0
    for c in seals:
        e = c.ellipse
        r = max(e.a, e.b)
        box = box_from(e.cx - r, e.cy - r, e.cx + r, e.cy + r, scale=f)
        text = ""
        if ocr is not None and reads < max_reads:
            text, reads = read_ring_text(rgb, _scaled(e, 1 / f), ocr), reads + 1
        marks.append(Mark(kind="seal", box=box, text=text, score=round(c.score, 3)))
    doubt = _near_seal(small, masks, found, min_rim=min_rim, beside=[c.ellipse for c in seals])
    return SealReading(marks=marks, doubt=doubt, reads=reads)


def find_seals(image: np.ndarray, *, ocr: TextRecognizer | None = None, min_rim: float = 0.7) -> list[Mark]:
    """Red round seals on an upright page image, as `Mark(kind="seal")` in the image's pixels.

    With `ocr`, each seal's ring text is read (`Mark.text`, "" when illegible).
    """
    return inspect_seals(image, ocr=ocr, min_rim=min_rim).marks


def _near_seal(
    small: np.ndarray, masks: _Masks, found: list[SealCandidate], *, min_rim: float, beside: list[Ellipse]
) -> str:
    """What besides the seals found (`beside`) may still be one, or "" when nothing is. A page may owe
    two seals (a licence copy: its issuer's printed one and its holder's), so a faint ring next to a
    clear seal is as doubtful as one alone."""
    found = [c for c in found if not _within(c.ellipse, beside)]
    for c in found:
        # a partial ring: round, no gold (an emblem), mostly paper inside, and one unbroken arc with
        # clean paper around it (red print makes broken arcs with red beside them)
        partial = 0.45 <= c.rim < min_rim and c.arc >= 0.4 and 0.02 <= c.fill <= 0.5
        if partial and c.round and c.gold < 0.02 and c.outside < 0.1 and _starred(masks, c.ellipse):
            return f"有红色圆形印迹，但印圈只见约 {c.rim:.0%}，不能确认是完整的印章"
    # a stamp short of ink: red at half the thresholds, off the dark print whose edges JPEG tints
    print_ = cv2.dilate(ink_mask(flatten(small)).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    pale = seal_ink(small, strong=10, weak=4, lit=masks.lit) & ~print_
    if pale.sum() > masks.red.sum():
        faint = _Masks(red=pale, solid=masks.solid, gold=masks.gold, light=masks.light)
        if any(c.score >= min_rim and not _within(c.ellipse, beside) for c in _all_candidates(faint)):
            return "有颜色很浅的红色圆形印迹，不能确认是印章"
    return ""


def _within(e: Ellipse, seals: list[Ellipse]) -> bool:
    """Whether `e` is centred inside one of `seals` (a piece of it: seals are not stamped in one another)."""
    return any(math.hypot(e.cx - s.cx, e.cy - s.cy) <= 0.9 * max(s.a, s.b, e.a, e.b) for s in seals)


def _scaled(e: Ellipse, k: float) -> Ellipse:
    return Ellipse(cx=e.cx * k, cy=e.cy * k, a=e.a * k, b=e.b * k, angle=e.angle)
