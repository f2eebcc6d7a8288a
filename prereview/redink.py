"""Text lines crossed by red seal ink, and line crops with that ink taken out, for a second reading.

A seal stamped over a date or a name puts red strokes through the black print, and the recogniser
reads them as characters (a date came out as "20281-22"). `orient.erase_seals` greys out the round
red blobs it finds with fixed colour thresholds before detection, but on phone photos (colour cast,
shadow, blur, JPEG) a ring keeps too little of its redness for those thresholds and stays dark, and
where it does erase one, the paler edges of the strokes stay and still cross characters.

Which lines are crossed is judged with the seal checks' own ink measure
(`prereview.visual.seals.seal_ink`: each channel flattened against the local paper, red less orange,
thresholds from the paper's noise), so photos and scans are judged alike. The second reading uses
the crop's red channel as grey: red ink passes red light and turns as light as the paper, while
black print (dark in every channel) and blue ballpoint (dark in red) stay dark.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from prereview.documents import Box
from prereview.visual.pixels import clip_box
from prereview.visual.seals import seal_ink

# The ink is measured on the image shrunk by a whole factor to a long side of INK_SIDE to twice that
# (OpenCV's area resize by a whole factor takes 1 ms, 1754 -> 1600 px takes 15): phone photos
# (1000-1400 px) as they are, scans at half size or less. Smaller costs less but loses the thin red
# edges `erase_seals` leaves: at 500-1000 px (13 ms a page instead of 37) a sixth of the lines
# flagged here on the sample pages went unflagged, and three re-read company names with them.
INK_SIDE = 800
# A line is re-read when the seal ink inside its box adds up to this share of a square of the line's
# height: a ring stroke crossing one character at full height is 0.2-0.3 of it, a JPEG speck far less.
MIN_INK = 0.1


def red_crossed(image: np.ndarray, boxes: Sequence[Box]) -> list[int]:
    """Indices of the `boxes` (text boxes in `image`'s pixels) that seal ink runs through."""
    if not boxes:
        return []
    small, k = _shrunk(image)
    ink = seal_ink(small)
    if not ink.any():  # the common case, a page without seal ink: no line is looked at
        return []
    crossed = []
    for i, box in enumerate(boxes):
        x0, y0, x1, y1 = clip_box(box, ink.shape, scale=1 / k)
        height = min(box.width, box.height) / k  # a vertical line's height is its width
        if x1 > x0 and y1 > y0 and ink[y0:y1, x0:x1].sum() >= MIN_INK * height * height:
            crossed.append(i)
    return crossed


def crossed_chars(image: np.ndarray, box: Box) -> int:
    """How many characters of the text in `box` (in `image`'s pixels) seal ink runs through: stretches of
    a character's width (the line's height) along the line holding MIN_INK of it, each counted once.
    The ink is measured on the box's surroundings only (a few line heights of paper around it), shrunk
    as `red_crossed` shrinks the page."""
    upright = box.width >= box.height  # a vertical line's characters run down
    h = box.height if upright else box.width
    k = max(1, max(image.shape[:2]) // INK_SIDE)
    pad = 3 * h
    x0, y0, x1, y1 = clip_box(
        Box(x0=box.x0 - pad, y0=box.y0 - pad, x1=box.x1 + pad, y1=box.y1 + pad), image.shape
    )
    around, k = _shrunk(np.ascontiguousarray(image[y0:y1, x0:x1]), k)
    if around.size == 0:
        return 0
    ink = seal_ink(around)
    inside = Box(x0=box.x0 - x0, y0=box.y0 - y0, x1=box.x1 - x0, y1=box.y1 - y0)
    bx0, by0, bx1, by1 = clip_box(inside, ink.shape, scale=1 / k)
    along = ink[by0:by1, bx0:bx1].sum(axis=0 if upright else 1)
    step = max(1, round(h / k))
    crossed, i = 0, 0
    while i < len(along):  # a stroke counted once, wherever it falls in a character
        if along[i : i + step].sum() >= MIN_INK * step * step:
            crossed, i = crossed + 1, i + step
        else:
            i += 1
    return crossed


def _shrunk(image: np.ndarray, k: int = 0) -> tuple[np.ndarray, int]:
    """`image` shrunk by the whole factor `k`, by default the one that brings it to INK_SIDE or more."""
    k = k or max(1, max(image.shape[:2]) // INK_SIDE)
    if k == 1 or min(image.shape[:2]) < k:
        return image, 1
    h, w = image.shape[0] // k, image.shape[1] // k
    return cv2.resize(image[: h * k, : w * k], (w, h), interpolation=cv2.INTER_AREA), k


def suppress_red(crop: np.ndarray) -> np.ndarray:
    """The RGB `crop` with every channel set to its red channel: red ink light, black and blue dark."""
    return np.ascontiguousarray(np.repeat(crop[:, :, :1], 3, axis=2))
