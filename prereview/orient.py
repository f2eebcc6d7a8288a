"""Turn a page image upright and read it: one text detection per page, then recognition of the lines.

1. Erase round red stamps (seals) from a copy for OCR, then detect text boxes on it as it came.
2. Quarter turns: text lines are much longer than high, so if most line length runs vertically the
   page lies on its side; turn it 90° clockwise (the 180° test below settles which side).
3. Half turn: recognise the few longest lines; unless they read with high confidence, recognise them
   upside down too and keep the way up whose recognition is more confident (a recogniser reads
   upside-down Chinese as low-confidence garbage). Each way up is read only as far as that decision
   needs (`way_up`): an upside-down page's upright readings are mostly spared.
4. Skew: the median angle of the long lines; a page tilted by more than `MIN_SKEW` degrees is
   rotated back on a larger white canvas, so rows of text are rows of pixels.
5. Recognise every box, cropped from the upright image with its corners carried through the turns.
6. Re-read the boxes that seal ink runs through from crops with the red taken out (`prereview.redink`),
   keeping the more confident reading: step 1 misses the faint seals of phone photos and leaves the
   paler edges of the strokes it erases.

Rotation is reported as the clockwise degrees the image was turned (0/90/180/270), skew as the
degrees of tilt that was removed (positive: lines fell to the right and were turned back left).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from prereview.documents import TextLine
from prereview.ocr import OcrEngine, Quad, quad_box, reading_order
from prereview.redink import red_crossed, suppress_red

MIN_SKEW = 0.5  # degrees; less is not worth resampling the image
MAX_SKEW = 30.0  # degrees; more is a photo too distorted for one angle to describe it
LINE_ASPECT = 1.5  # long/short side of a box that shows which way text runs (two characters or more)
PROBES = 4  # lines recognised both ways up to tell 0° from 180°
FLIP_MARGIN = 0.02  # upside down must read clearly better to win
# Only the order lines are read in (not the decision): below this so far, upright reads like upside down.
UPRIGHT_LIKE = 0.75
SLACK = 1e-6  # a mean bounded from a part of the lines may round apart from the mean of them all
# Lines read this confidently are the right way up: on the sample photos upright lines read at
# 0.99-1.00 and the same lines upside down at 0.35-0.72, so the upside-down reading is skipped.
CONFIDENT = 0.95
MIN_SCORE = 0.5  # recognitions below this confidence are noise, not text
RED_SHARE = 0.0005  # less red ink than this on a page is no seal worth erasing
SEAL_MIN_SIDE = 0.05  # of the page's short side: smaller red marks are left alone
SEAL_MAX_ASPECT = 1.6  # a seal is round or oval; longer red shapes are text
SEAL_POOL = 4  # pixels: the largest block seal shapes are told at (a ring's stroke is wider)


@dataclass
class OcrPage:
    image: np.ndarray  # the upright (turned and deskewed) RGB image the lines' boxes refer to
    lines: list[TextLine] = field(default_factory=list)
    rotation: int = 0
    skew: float = 0.0


def read_page_image(image: np.ndarray, engine: OcrEngine, *, min_score: float = MIN_SCORE) -> OcrPage:
    clean = erase_seals(image)  # what OCR sees; `image` (seals and all) is what the page shows
    quads = engine.detect(clean)
    if not quads:
        return OcrPage(image=image)
    rotation = 90 if _vertical_share(quads) > 0.5 else 0
    (image, clean), quads = _turn((image, clean), quads, rotation)
    skew = _skew(quads)
    probes = _probe_indices(quads)
    flip, probed = way_up(engine, [_crop(clean, quads[i]) for i in probes])
    known = dict(zip(probes, probed, strict=True))
    if flip:
        (image, clean), quads = _turn((image, clean), quads, 180)
        rotation = (rotation + 180) % 360
    if abs(skew) >= MIN_SKEW:
        (image, clean), quads = _deskew((image, clean), quads, skew)
    else:
        skew = 0.0
    todo = [i for i in range(len(quads)) if i not in known]
    known |= dict(zip(todo, engine.read_crops([_crop(clean, quads[i]) for i in todo]), strict=True))
    # on `clean`: where step 1 erased a seal, only the red it left (pale stroke edges) still counts
    crossed = red_crossed(clean, [quad_box(q) for q in quads])
    again = engine.read_crops([suppress_red(_crop(clean, quads[i])) for i in crossed])
    for i, (text, score) in zip(crossed, again, strict=True):
        # The recogniser's confidence drops where foreign strokes cross the characters, and a red
        # title turned white reads as nothing: the more confident reading is the one without the seal.
        if text.strip() and score > known[i][1]:
            known[i] = (text, score)
    lines = [
        TextLine(text=text.strip(), box=quad_box(quads[i]), score=score)
        for i, (text, score) in sorted(known.items())
        if text.strip() and score >= min_score
    ]
    return OcrPage(image=image, lines=reading_order(lines), rotation=rotation, skew=round(skew, 2))


def erase_seals(image: np.ndarray) -> np.ndarray:
    """`image` with the red ink of round stamps turned to its own light grey, for OCR only.

    Text under a seal is often what matters (the applicant's name, the date) and the red ring both
    hides it from detection and adds garbage lines. Red ink is bright in the red channel, so its red
    value as grey makes it a faint ring, while black text under it stays black. Only roundish red
    blobs are touched: a red title line (long and thin once its strokes are joined) is text to read.
    """
    if _red_mask(image[::4, ::4]).mean() < RED_SHARE:
        return image
    red = _red_mask(image)
    h, w = red.shape
    k = max(3, min(h, w) // 120)
    # On a large page, shapes are told on the mask pooled in blocks (any red in a block) small enough
    # that the closing's radius stays 4 blocks or more: the closing that joins a ring's strokes is a
    # tenth of the work or less, and the ink erased is still the full image's inside each shape (36
    # sample pages: one differed, by 590 of 5 million pixels). A small photo is not pooled: there a
    # block is a fair part of a stroke, and the shapes change.
    pool = max(1, min(SEAL_POOL, k // 4))
    hp, wp = -(-h // pool), -(-w // pool)
    padded = np.zeros((hp * pool, wp * pool), bool)
    padded[:h, :w] = red
    pooled = np.asarray(padded.reshape(hp, pool, wp, pool).any(axis=(1, 3)), np.uint8)
    kp = round(k / pool)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * kp + 1, 2 * kp + 1))
    joined = cv2.morphologyEx(pooled * 255, cv2.MORPH_CLOSE, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    out = image
    for px, py, pw, ph, _area in stats[1:count]:
        x, y = px * pool, py * pool
        bw, bh = min(pw * pool, w - x), min(ph * pool, h - y)
        if min(bw, bh) < SEAL_MIN_SIDE * min(h, w) or max(bw, bh) > SEAL_MAX_ASPECT * min(bw, bh):
            continue
        if out is image:
            out = image.copy()
        ink = red[y : y + bh, x : x + bw]
        patch = out[y : y + bh, x : x + bw]
        patch[ink] = patch[ink][:, :1]  # every channel takes the red channel's value: light grey
    return out


def _red_mask(rgb: np.ndarray) -> np.ndarray:
    """R - max(G, B) > 40 and R > 110 on uint8 RGB (saturating: no int16 copy of the image)."""
    r = rgb[..., 0]
    mask: np.ndarray = (cv2.subtract(r, cv2.max(rgb[..., 1], rgb[..., 2])) > 40) & (r > 110)
    return mask


def turn_image(image: np.ndarray, rotation: int) -> np.ndarray:
    """`image` turned clockwise by `rotation` degrees (a multiple of 90)."""
    return np.ascontiguousarray(np.rot90(image, -(rotation // 90) % 4))


def _line_geometry(quad: Quad) -> tuple[float, float, float]:
    """(angle of the long side in degrees within (-90, 90], its length, long/short ratio)."""
    e1, e2 = quad[1] - quad[0], quad[2] - quad[1]
    l1, l2 = float(np.hypot(*e1)), float(np.hypot(*e2))
    vec, long, short = (e1, l1, l2) if l1 >= l2 else (e2, l2, l1)
    angle = math.degrees(math.atan2(float(vec[1]), float(vec[0])))
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return angle, long, long / max(short, 1.0)


def _vertical_share(quads: list[Quad]) -> float:
    total = vertical = 0.0
    for quad in quads:
        angle, length, aspect = _line_geometry(quad)
        if aspect < LINE_ASPECT:
            continue
        total += length
        if abs(angle) > 45:
            vertical += length
    return vertical / total if total else 0.0


def _skew(quads: list[Quad]) -> float:
    samples = [(a, length) for a, length, aspect in map(_line_geometry, quads) if aspect >= 2 * LINE_ASPECT]
    samples = [(a, w) for a, w in samples if abs(a) <= MAX_SKEW]
    if not samples:
        return 0.0
    samples.sort()
    half, acc = sum(w for _, w in samples) / 2, 0.0
    for angle, weight in samples:  # weighted median: long lines are the trustworthy ones
        acc += weight
        if acc >= half:
            return angle
    return 0.0


def _probe_indices(quads: list[Quad]) -> list[int]:
    geometry = [_line_geometry(q) for q in quads]
    ranked = sorted(
        range(len(quads)), key=lambda i: (geometry[i][2] >= 2 * LINE_ASPECT, geometry[i][1]), reverse=True
    )
    return sorted(ranked[:PROBES])


Reading = tuple[str, float]


def way_up(engine: OcrEngine, crops: list[np.ndarray]) -> tuple[bool, list[Reading]]:
    """(whether the page lies upside down, the probe lines' readings that way up): upside down when the
    lines read upright are not `CONFIDENT` on average and read upside down better by `FLIP_MARGIN`.

    A line costs the recogniser its width, and only the readings of the way the page lies are kept, so
    the lines are read one at a time, narrowest first, each way up only as far as the decision needs:
    scores lie in [0, 1], so the lines not read yet bound a way's mean. Upright first, until it cannot
    be confident (an upside-down page's first line usually shows that) unless it reads like an unsure
    upright page; then upside down until the decision is sure. The decision and the readings kept are
    those of reading every line both ways up: an upright page is read as before, an upside-down page
    spares most of its upright readings."""
    n = len(crops)
    order = sorted(range(n), key=lambda i: crops[i].shape[1] / max(crops[i].shape[0], 1))
    ways = (crops, [np.rot90(c, 2) for c in crops])  # upright, upside down
    read: tuple[dict[int, Reading], dict[int, Reading]] = ({}, {})

    def more(way: int) -> None:
        i = next(i for i in order if i not in read[way])
        read[way][i] = engine.read_crops([ways[way][i]])[0]

    while True:
        (up_low, up_high), (down_low, down_high) = _bounds(read[0], n), _bounds(read[1], n)
        if len(read[0]) == n and (len(read[1]) == n or _mean_score(_listed(read[0])) >= CONFIDENT):
            up, down = _mean_score(_listed(read[0])), _mean_score(_listed(read[1]))
            flip = up < CONFIDENT and down > up + FLIP_MARGIN  # every line the decision needs is read
            break
        if down_high < up_low + FLIP_MARGIN - SLACK:
            flip = False  # upright, whatever the lines not read yet score
            break
        if up_high < CONFIDENT - SLACK and down_low > up_high + FLIP_MARGIN + SLACK:
            flip = True  # upside down, whatever they score
            break
        # upright while it may be confident, or reads like an unsure upright page (whose readings are kept)
        upright_like = _mean_score(list(read[0].values())) >= UPRIGHT_LIKE
        more(
            0
            if len(read[0]) < n and (up_high >= CONFIDENT - SLACK or upright_like or len(read[1]) == n)
            else 1
        )
    while len(read[flip]) < n:  # the readings kept: every line, the way the page lies
        more(flip)
    return flip, _listed(read[flip])


def _bounds(read: dict[int, Reading], n: int) -> tuple[float, float]:
    """The least and the most the mean score of `n` lines can be with `read` of them read (scores: 0-1)."""
    total = _mean_score(list(read.values())) * len(read)
    return total / n, (total + n - len(read)) / n


def _listed(read: dict[int, Reading]) -> list[Reading]:
    return [read[i] for i in sorted(read)]


def _mean_score(results: list[tuple[str, float]]) -> float:
    # an empty reading counts as zero confidence: upside-down lines often read as nothing at all
    return sum(score if text.strip() else 0.0 for text, score in results) / len(results) if results else 0.0


Images = tuple[np.ndarray, np.ndarray]


def _turn(images: Images, quads: list[Quad], rotation: int) -> tuple[Images, list[Quad]]:
    if rotation % 360 == 0:
        return images, quads
    h, w = images[0].shape[:2]
    turned = []
    for q in quads:
        x, y = q[:, 0], q[:, 1]
        if rotation == 90:
            pts = np.stack([(h - 1) - y, x], axis=1)
        elif rotation == 180:
            pts = np.stack([(w - 1) - x, (h - 1) - y], axis=1)
        else:
            pts = np.stack([y, (w - 1) - x], axis=1)
        turned.append(pts.astype(np.float32))
    return _each(images, lambda im: turn_image(im, rotation)), turned


def _deskew(images: Images, quads: list[Quad], skew: float) -> tuple[Images, list[Quad]]:
    h, w = images[0].shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = round(h * sin + w * cos), round(h * cos + w * sin)
    matrix[0, 2] += (new_w - w) / 2
    matrix[1, 2] += (new_h - h) / 2

    def warp(im: np.ndarray) -> np.ndarray:
        white = (255, 255, 255)
        return cv2.warpAffine(im, matrix, (new_w, new_h), borderMode=cv2.BORDER_CONSTANT, borderValue=white)

    moved = [(q @ matrix[:, :2].T + matrix[:, 2]).astype(np.float32) for q in quads]
    return _each(images, warp), moved


def _each(images: Images, op: Callable[[np.ndarray], np.ndarray]) -> Images:
    page, clean = images
    done = op(page)
    return done, (done if clean is page else op(clean))  # no seals: one image, transformed once


def _crop(image: np.ndarray, quad: Quad) -> np.ndarray:
    """The box's pixels warped to an axis-aligned strip, reading left to right."""
    pts = np.asarray(quad, dtype=np.float32)
    s, d = pts.sum(axis=1), pts[:, 1] - pts[:, 0]
    tl, br, tr, bl = pts[np.argmin(s)], pts[np.argmax(s)], pts[np.argmin(d)], pts[np.argmax(d)]
    width = round(float(max(np.hypot(*(tr - tl)), np.hypot(*(br - bl)))))
    height = round(float(max(np.hypot(*(bl - tl)), np.hypot(*(br - tr)))))
    if width < 2 or height < 2:
        return np.zeros((0, 0, 3), np.uint8)
    src = np.array([tl, tr, br, bl], dtype=np.float32)
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
