"""A second reading of a value: its crop of the page image recognised again, on its own and enlarged.

The page's reading recognises each detected box at the size the photo gives it (a name 10-15 pixels
high on a small photo) and from the detector's box, which may cut the first or last character or miss
a faint value altogether. Read again from a crop padded around the value, scaled up to the height the
recogniser is trained at, its contrast stretched against the local paper and, where the crop holds red
ink, its red suppressed (`prereview.redink`), a misread character often reads right, and a value the
detector missed reads at all. Two readings that agree make a reading sure; two that differ leave it in
doubt (`prereview.readings`).

`reread_boxes` runs where the OCR engine is: in a reader worker (`prereview.pool.ReaderPool.reread`)
or, for tools and tests, in the calling process with an engine of its own (`local_reread`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import cv2
import numpy as np

from prereview.documents import Box, Page
from prereview.ocr import OcrEngine
from prereview.redink import suppress_red

log = logging.getLogger(__name__)

# (page, boxes in page pixels) -> (text, score) per box: "" when there is no text, ILLEGIBLE when text is
# there but none of it could be recognised
ILLEGIBLE = "\ufffd"
Reread = Callable[[Page, Sequence[Box]], list[tuple[str, float]]]

TEXT_HEIGHT = 40  # pixels: the crop is scaled so its text stands about as high as the recogniser reads best
PAD = 0.25  # of the box's height, added on every side: the detector's box may cut a character's edge
MAX_SCALE = 4.0


def reread_boxes(engine: OcrEngine, image: np.ndarray, boxes: Sequence[Box]) -> list[tuple[str, float]]:
    """Each box of the RGB page `image` read again: text detected and recognised on its enlarged,
    contrast-stretched crop (red suppressed where red ink crosses it), the lines whose middle falls
    inside the box joined left to right, with the lowest of their scores; (ILLEGIBLE, 0.0) when text is
    detected there but reads as nothing, ("", 0.0) when none is."""
    out = []
    for box in boxes:
        crop, (x0, y0, scale) = _crop(image, box)
        if crop.size == 0:
            out.append(("", 0.0))
            continue
        if _reddish(crop):
            crop = suppress_red(crop)
        crop = _stretch(crop)
        # the padded crop may catch the next line of a tightly set block (a signing label over the
        # unit's seal line): only lines whose middle is inside the box, near its middle, are the box's
        lines = [
            ln
            for ln in engine.recognize(crop)
            if _centred(box, x0 + ln.box.cx / scale, y0 + ln.box.cy / scale) and ln.text.strip()
        ]
        lines.sort(key=lambda ln: ln.box.x0)
        if lines:
            out.append(("".join(ln.text.strip() for ln in lines), min(ln.score for ln in lines)))
        elif any(
            _centred(box, x0 + float(q[:, 0].mean()) / scale, y0 + float(q[:, 1].mean()) / scale)
            for q in engine.detect(crop)
        ):
            out.append((ILLEGIBLE, 0.0))
        else:
            out.append(("", 0.0))
    return out


def reread_stored(engine: OcrEngine, image_path: str, boxes: Sequence[Box]) -> list[tuple[str, float]]:
    """`reread_boxes` on a stored page image (`Page.image_path`); nothing read when it fails: a second
    reading is an extra, its failure must not fail the case."""
    try:
        bgr = cv2.imread(image_path, cv2.IMREAD_COLOR)
        if bgr is None:
            raise FileNotFoundError(image_path)
        return reread_boxes(engine, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), boxes)
    except Exception:
        log.exception("re-reading %s failed", image_path)
        return [("", 0.0)] * len(boxes)


def local_reread(engine: OcrEngine) -> Reread:
    """A `Reread` with an engine of the calling process (tools, tests)."""

    def reread(page: Page, boxes: Sequence[Box]) -> list[tuple[str, float]]:
        if not page.image_path:
            return [("", 0.0)] * len(boxes)
        return reread_stored(engine, page.image_path, boxes)

    return reread


def _inside(box: Box, x: float, y: float) -> bool:
    return box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1


# A line read in the crop is the box's when its middle lies within this share of the box's height of the
# box's middle: the top of the next line, cut by the crop's edge, reads with its middle at the box's
# edge (an empty cell "read" as the code printed on the row below it)
MID_BAND = 0.35


def _centred(box: Box, x: float, y: float) -> bool:
    return _inside(box, x, y) and abs(y - box.cy) <= MID_BAND * box.height


def _crop(image: np.ndarray, box: Box) -> tuple[np.ndarray, tuple[float, float, float]]:
    """The box's padded crop, enlarged; with the crop's top-left corner in the page and the scale applied."""
    pad = PAD * box.height
    h, w = image.shape[:2]
    x0, y0 = max(0, int(box.x0 - 2 * pad)), max(0, int(box.y0 - pad))
    x1, y1 = min(w, int(box.x1 + 2 * pad + 1)), min(h, int(box.y1 + pad + 1))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return np.zeros((0, 0, 3), np.uint8), (float(x0), float(y0), 1.0)
    crop = image[y0:y1, x0:x1]
    scale = min(MAX_SCALE, TEXT_HEIGHT * (1 + 2 * PAD) / max(1.0, y1 - y0))
    if scale > 1.05:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    else:
        scale = 1.0
    return np.ascontiguousarray(crop), (float(x0), float(y0), scale)


def _stretch(crop: np.ndarray) -> np.ndarray:
    """The crop's grey levels stretched so its ink is black and its paper white (a faint photo's text
    is grey on grey), as RGB."""
    if crop.size == 0:
        return crop
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    lo, hi = np.percentile(grey, (2, 98))
    if hi - lo < 8:
        return crop
    out = np.clip((grey.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.repeat(out[:, :, None], 3, axis=2))


def _reddish(crop: np.ndarray) -> bool:
    """Whether red ink (a seal's stroke) crosses the crop: red well above green and blue somewhere."""
    rgb = crop.astype(np.int16)
    red = (rgb[:, :, 0] - np.maximum(rgb[:, :, 1], rgb[:, :, 2])) > 60
    return float(red.mean()) > 0.01
