"""The seals or signatures of one page as a material's checks ask for them, with the page's doubt.

A page without a mark of the kind asked for says why that absence may be wrong (`doubt`, plain
Chinese, "" when it is sure): something seal-like or signature-like but too weak to count was seen
(`inspect_seals`, `SignatureReading.doubt`), or the whole page is too blurred to tell. A clean page
with a clearly empty signing place or no red at all stays a sure absence.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from prereview.documents import Mark, Page, PageSource
from prereview.visual.pixels import as_rgb, clip_box
from prereview.visual.quality import image_stats
from prereview.visual.rings import TextRecognizer
from prereview.visual.seals import LIT, inspect_seals
from prereview.visual.signatures import find_signatures

# Sharpness (`image_stats`) below which a page's marks cannot be judged absent: legible photos of the
# samples measure 0.64 and up, pages blurred past reading 0.14.
MIN_SHARPNESS = 0.4

# The kind of mark asked for when whose seal it is matters (a licence copy: the holder's seal or only
# the issuer's printed one): seals with their ring text read, when an OCR engine is at hand.
NAMED_SEAL = "named seal"
SEAL_KINDS = ("seal", NAMED_SEAL)


class PageMarksFound(BaseModel):
    marks: list[Mark] = []
    doubt: str = ""  # why no mark (or no seal more) of the kind may be wrong; "" when that is sure
    places: int = 0  # signing places (labels, copy certifications) on the page; 0 for seals
    reads: int = 0  # ring texts recognised (OCR calls) for a `NAMED_SEAL` look


def find_marks(
    image: np.ndarray, page: Page, kind: str, *, ocr: TextRecognizer | None = None
) -> PageMarksFound:
    """The seals (`kind="seal"`, or `NAMED_SEAL` with their ring texts read by `ocr`) or handwritten
    signatures (`kind="signature"`) of a page whose `image` is the upright picture its lines were
    measured on."""
    if kind in SEAL_KINDS:
        seals = inspect_seals(image, ocr=ocr if kind == NAMED_SEAL else None)
        if seals.marks:  # a faint ring beside them may be a seal more (one of two owed): its doubt
            return PageMarksFound(marks=seals.marks, doubt=seals.doubt, reads=seals.reads)
        return PageMarksFound(doubt=seals.doubt or _blurred(image, "印章") or _in_the_dark(image, page))
    source = PageSource(page.source) if page.source else None
    readings = find_signatures(image, page.lines, source=source)
    marks = [r.mark for r in readings if r.signed and r.mark is not None]
    if marks:
        return PageMarksFound(marks=marks, places=len(readings))
    # a caption over signing rows (全体股东签字（盖章）：) is no place of its own: its rows speak
    seen = list(dict.fromkeys(r.doubt for r in readings if r.doubt and not r.heading))
    return PageMarksFound(doubt="；".join(seen) or _blurred(image, "签字"), places=len(readings))


def _in_the_dark(image: np.ndarray, page: Page) -> str:
    """Part of the sheet in a shadow so deep that seal ink there passes too little red light to be told
    from it (`seals.LIT`): the seal checks do not look there, so no seal found is no proof of none. The
    sheet is taken as the area within one and a half line heights of its text (a dark desk around it is
    not)."""
    red = as_rgb(image)[:, :, 0]
    dark = red < LIT * float(np.percentile(red[::4, ::4], 97))
    sheet = np.zeros(dark.shape, bool)
    for line in page.lines:
        h = line.box.height
        x0, y0, x1, y1 = clip_box(line.box, dark.shape)
        pad = int(1.5 * h)
        sheet[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = True
    if not sheet.any():
        return ""
    share = float(dark[sheet].mean())
    if share < 0.1:
        return ""
    return f"页面约 {share:.0%} 处在深色阴影中，阴影里看不清有无印章"


def _blurred(image: np.ndarray, what: str) -> str:
    _, _, sharpness = image_stats(image)
    if sharpness >= MIN_SHARPNESS:
        return ""
    return f"页面模糊（清晰度 {sharpness:.2f}），看不清有无{what}"
