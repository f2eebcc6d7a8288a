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
from prereview.visual.quality import image_stats
from prereview.visual.seals import inspect_seals
from prereview.visual.signatures import find_signatures

# Sharpness (`image_stats`) below which a page's marks cannot be judged absent: legible photos of the
# samples measure 0.64 and up, pages blurred past reading 0.14.
MIN_SHARPNESS = 0.4


class PageMarksFound(BaseModel):
    marks: list[Mark] = []
    doubt: str = ""  # why no mark of the kind may be wrong; "" when there are marks or none is sure
    places: int = 0  # signing places (labels, copy certifications) on the page; 0 for seals


def find_marks(image: np.ndarray, page: Page, kind: str) -> PageMarksFound:
    """The seals (`kind="seal"`) or handwritten signatures (`kind="signature"`) of a page whose `image`
    is the upright picture its lines were measured on."""
    if kind == "seal":
        seals = inspect_seals(image)
        doubt = seals.doubt or ("" if seals.marks else _blurred(image, "印章"))
        return PageMarksFound(marks=seals.marks, doubt=doubt)
    source = PageSource(page.source) if page.source else None
    readings = find_signatures(image, page.lines, source=source)
    marks = [r.mark for r in readings if r.signed and r.mark is not None]
    if marks:
        return PageMarksFound(marks=marks, places=len(readings))
    seen = list(dict.fromkeys(r.doubt for r in readings if r.doubt))
    return PageMarksFound(doubt="；".join(seen) or _blurred(image, "签字"), places=len(readings))


def _blurred(image: np.ndarray, what: str) -> str:
    _, _, sharpness = image_stats(image)
    if sharpness >= MIN_SHARPNESS:
        return ""
    return f"页面模糊（清晰度 {sharpness:.2f}），看不清有无{what}"
