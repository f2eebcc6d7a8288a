"""Is a page legible at all? Blank, too blurred, or carrying no legible text (README §4 UNREADABLE).

Legible text decides first: a page whose recognised text is plentiful and confident is readable,
however the image statistics look. Only without it do the image statistics name the reason:

- contrast: the spread of grey levels; a blank sheet (or an overexposed photo) has almost none;
- ink: the share of pixels darker than the paper around them;
- sharpness: the strongest edges relative to the contrast, measured at a fixed working size. A sharp
  glyph edge goes from ink to paper in a pixel or two; defocus and motion blur spread it, and the
  ratio falls whatever the exposure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

import cv2
import numpy as np
from pydantic import BaseModel

from core.text import strip_spaces
from prereview.documents import Box, PageSource, TextLine
from prereview.visual.pixels import as_rgb, clip_box, downscale, flatten, ink_mask, strip_rules

MEASURE_SIDE = 1024
MIN_LEGIBLE_CHARS = 12  # confident characters that make a page legible (an ID card face carries 50+)
MIN_CONFIDENCE = 0.8


class Legibility(StrEnum):
    OK = "ok"
    BLANK = "blank"  # nothing on it
    BLURRED = "blurred"  # something on it, edges too soft to read
    ILLEGIBLE = "illegible"  # sharp enough, yet no text could be read (covered, a picture, garbled)


class PageQuality(BaseModel):
    status: Legibility
    contrast: float  # grey-level spread, 0-255
    ink: float  # share of ink pixels
    sharpness: float  # edge strength per unit contrast: sharp pages 0.75-1.5, unreadable blur < 0.25
    chars: int  # characters read with confidence >= MIN_CONFIDENCE
    mean_score: float

    @property
    def readable(self) -> bool:
        return self.status is Legibility.OK


def image_stats(image: np.ndarray) -> tuple[float, float, float]:
    """(contrast, ink share, sharpness) of a page image, after lighting is flattened with a window
    wide enough to keep blurred text (a shadow is no contrast, a smudge of text is)."""
    small, _ = downscale(as_rgb(image), MEASURE_SIDE)
    grey = cv2.cvtColor(flatten(small, kernel=MEASURE_SIDE // 12 | 1), cv2.COLOR_RGB2GRAY)
    # paper against the darkest ink: percentiles over the whole page would miss sparse text
    paper, darkest = np.percentile(grey, [50, 0.05])
    contrast = float(paper - darkest)
    ink = float((grey < 160).mean())
    if contrast < 1:
        return contrast, ink, 0.0
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy).ravel()
    k = max(100, mag.size // 1000)
    strongest = float(np.partition(mag, mag.size - k)[-k:].mean())
    # a step of height c gives a Sobel peak of 4c when sharp, about 4c/width when spread over `width` px
    return contrast, ink, min(strongest / (4.0 * contrast), 1.5)


def assess_page(
    image: np.ndarray | None,
    lines: Sequence[TextLine],
    *,
    source: PageSource | None = None,
    min_chars: int = MIN_LEGIBLE_CHARS,
    min_sharpness: float = 0.25,
) -> PageQuality:
    """Whether the page can be read, and if not, why (blank, blurred, illegible)."""
    confident = [ln for ln in lines if ln.score >= MIN_CONFIDENCE]
    chars = sum(len(strip_spaces(ln.text)) for ln in confident)
    mean = float(np.mean([ln.score for ln in lines])) if lines else 0.0
    if image is None:
        status = (
            Legibility.OK if chars >= min_chars else Legibility.BLANK if not lines else Legibility.ILLEGIBLE
        )
        return PageQuality(status=status, contrast=0.0, ink=0.0, sharpness=0.0, chars=chars, mean_score=mean)
    contrast, ink, sharpness = image_stats(image)
    if chars >= min_chars or (source is PageSource.TEXT and chars > 0):
        status = Legibility.OK
    elif contrast < 25:
        status = Legibility.BLANK
    elif sharpness < min_sharpness:
        status = Legibility.BLURRED  # checked before ink: blur spreads ink until none is dark
    elif ink < 0.0015:
        status = Legibility.BLANK
    elif chars == 0:
        status = Legibility.ILLEGIBLE
    else:
        status = Legibility.OK  # a sparse page (a cover, a signature sheet) that reads cleanly
    return PageQuality(
        status=status,
        contrast=round(contrast, 1),
        ink=round(ink, 4),
        sharpness=round(sharpness, 3),
        chars=chars,
        mean_score=round(mean, 3),
    )


def ink_probe(images: Sequence[np.ndarray | None], *, min_share: float = 0.02) -> Callable[[int, Box], bool]:
    """For `prereview.extract.find_field(has_ink=...)`: whether a box of page `i` holds non-red ink
    (more than `min_share` of its pixels) - something written there that OCR could not read."""

    def has_ink(i: int, box: Box) -> bool:
        image = images[i] if 0 <= i < len(images) else None
        if image is None:
            return False
        rgb = as_rgb(image)
        pad = max(8.0, box.height)
        x0, y0, x1, y1 = clip_box(
            Box(x0=box.x0 - pad, y0=box.y0 - pad, x1=box.x1 + pad, y1=box.y1 + pad), rgb.shape
        )
        if x1 - x0 < 4 or y1 - y0 < 4:
            return False
        ink = ink_mask(flatten(rgb[y0:y1, x0:x1]))
        bx0, by0, bx1, by1 = clip_box(
            Box(x0=box.x0 - x0, y0=box.y0 - y0, x1=box.x1 - x0, y1=box.y1 - y0), ink.shape
        )
        inside = strip_rules(ink[by0:by1, bx0:bx1], min_len=max(8, int(3 * box.height)))
        return bool(inside.size) and float(inside.mean()) > min_share

    return has_ink
