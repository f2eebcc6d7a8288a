"""All visual checks of one page at once, for the recogniser: `inspect_page(image, page)`."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from prereview.documents import Mark, Page
from prereview.visual.idcard import IdCardFaces, id_card_faces
from prereview.visual.quality import PageQuality, assess_page
from prereview.visual.rings import TextRecognizer
from prereview.visual.seals import find_seals
from prereview.visual.signatures import SignatureReading, find_signatures


class PageVisual(BaseModel):
    quality: PageQuality
    seals: list[Mark]
    signatures: list[SignatureReading]
    id_card: IdCardFaces

    @property
    def marks(self) -> list[Mark]:
        """Seals and found signatures, as `Page.marks` holds them."""
        return [*self.seals, *(s.mark for s in self.signatures if s.mark is not None)]


def inspect_page(image: np.ndarray, page: Page, *, ocr: TextRecognizer | None = None) -> PageVisual:
    """Legibility, seals (ring text with `ocr`), signatures by their labels and ID card faces of a page
    whose `image` is the upright picture its `lines` were measured on."""
    quality = assess_page(image, page.lines, source=page.source)
    if not quality.readable:
        return PageVisual(quality=quality, seals=find_seals(image), signatures=[], id_card=IdCardFaces())
    return PageVisual(
        quality=quality,
        seals=find_seals(image, ocr=ocr),
        signatures=find_signatures(image, page.lines, source=page.source),
        id_card=id_card_faces(page.lines),
    )
