"""What the eye checks on an upright page image: seals, signatures, legibility, ID card faces, checkboxes.

All functions take the page image (H x W x 3 RGB uint8, upright) and, where they need text, the
page's `TextLine`s in that image's pixel coordinates (the reader measures both alike). None of them
reads settings or files; OCR, where wanted (seal ring text), is passed in.
"""

from prereview.visual.checkboxes import checkbox_states
from prereview.visual.idcard import IdCardFaces, id_card_faces
from prereview.visual.page import PageVisual, inspect_page
from prereview.visual.quality import Legibility, PageQuality, assess_page, ink_probe
from prereview.visual.rings import TextRecognizer, ring_text_similarity
from prereview.visual.seals import find_seals
from prereview.visual.signatures import SignatureReading, find_signatures

__all__ = [
    "IdCardFaces",
    "Legibility",
    "PageQuality",
    "PageVisual",
    "SignatureReading",
    "TextRecognizer",
    "assess_page",
    "checkbox_states",
    "find_seals",
    "find_signatures",
    "id_card_faces",
    "ink_probe",
    "inspect_page",
    "ring_text_similarity",
]
