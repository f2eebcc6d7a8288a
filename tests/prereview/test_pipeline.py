"""Pipeline pieces that run without reader workers: the per-case seal and signature finder."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from visual_images import blank_page, draw_seal

from prereview.documents import Document, Page, PageSource
from prereview.pipeline import PageMarks, confined
from prereview.visual.seals import find_seals


def _stored_page(tmp_path: Path, name: str, *, sealed: bool) -> Page:
    img = blank_page()
    if sealed:
        draw_seal(img, 900, 700, 150)
    path = tmp_path / name
    cv2.imwrite(str(path), cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR))
    return Page(index=0, width=img.width, height=img.height, source=PageSource.OCR, image_path=str(path))


def test_page_marks_finds_each_pages_seals_once(tmp_path: Path) -> None:
    sealed, plain = _stored_page(tmp_path, "a.bmp", sealed=True), _stored_page(tmp_path, "b.bmp", sealed=False)
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


def test_a_sink_is_handed_only_images_inside_the_files_work_dir(tmp_path: Path) -> None:
    """The reader process is untrusted: a page image path outside the file's work dir, or a symlink
    leading out of it, never reaches a `keep` sink."""
    work, elsewhere = tmp_path / "run" / "abc", tmp_path / "blobs"
    work.mkdir(parents=True)
    elsewhere.mkdir()
    inside = _stored_page(work, "p1.bmp", sealed=False)
    outside = _stored_page(elsewhere, "other.bmp", sealed=False)
    (work / "p3.bmp").symlink_to(elsewhere / "other.bmp")
    (work / "sub").mkdir()
    nested = _stored_page(work / "sub", "p4.bmp", sealed=False)
    sneaky = f"{work}/../abc/p1.bmp"  # resolves inside: kept
    pages = [inside, outside, inside.model_copy(update={"image_path": str(work / "p3.bmp")}), nested,
             inside.model_copy(update={"image_path": sneaky}), Page(index=5, width=1, height=1, source=PageSource.TEXT)]  # fmt: skip
    doc = Document(name="x.pdf", pages=[p.model_copy(update={"index": i}) for i, p in enumerate(pages)])
    seen = confined(doc, work)
    assert [p.image_path for p in seen.pages] == [inside.image_path, None, None, None, sneaky, None]
    assert [p.index for p in seen.pages] == list(range(6))
    assert doc.pages[1].image_path == outside.image_path  # the reader's Document itself is untouched
