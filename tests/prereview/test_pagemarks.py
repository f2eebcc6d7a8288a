"""PageMarks: each page's seals and signatures looked for once, a region's inside it."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from visual_images import blank_page, draw_seal

from prereview.documents import Box, Page, PageSource
from prereview.pagemarks import PageMarks
from prereview.visual.seals import find_seals


def _stored_page(tmp_path: Path, name: str, *, sealed: bool) -> Page:
    img = blank_page()
    if sealed:
        draw_seal(img, 900, 700, 150)
    path = tmp_path / name
    cv2.imwrite(str(path), cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR))
    return Page(index=0, width=img.width, height=img.height, source=PageSource.OCR, image_path=str(path))


def test_page_marks_finds_each_pages_seals_once(tmp_path: Path) -> None:
    sealed, plain = (
        _stored_page(tmp_path, "a.bmp", sealed=True),
        _stored_page(tmp_path, "b.bmp", sealed=False),
    )
    marks = PageMarks()
    found = marks(sealed, "seal")
    assert [m.kind for m in found] == ["seal"]
    assert found == find_seals(cv2.cvtColor(cv2.imread(str(sealed.image_path)), cv2.COLOR_BGR2RGB))
    Path(str(sealed.image_path)).unlink()  # asked again, the answer comes from what was found
    assert marks(sealed, "seal") is found
    assert marks(plain, "seal") == [] and marks(plain, "signature") == []


def test_page_marks_without_a_stored_image_finds_nothing() -> None:
    page = Page(index=0, width=100, height=100, source=PageSource.TEXT)
    assert PageMarks()(page, "seal") == []


def test_page_marks_of_a_region_are_those_inside_it(tmp_path: Path) -> None:
    whole = _stored_page(tmp_path, "a.bmp", sealed=True)  # the seal is drawn at (900, 700)
    left = whole.model_copy(update={"region": Box(x0=0, y0=0, x1=600, y1=whole.height)})
    right = whole.model_copy(update={"region": Box(x0=600, y0=0, x1=whole.width, y1=whole.height)})
    marks = PageMarks()
    assert marks(left, "seal") == [] and [m.kind for m in marks(right, "seal")] == ["seal"]
    assert marks(whole, "seal") == marks(right, "seal")
