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


def test_a_material_a_blurred_page_resembles_is_an_uncertain_absence_not_a_finding() -> None:
    """The whole path from pages to a decision: the lease is not recognised (its title lost on a photo),
    but two of its labels were read: its MISSING is for the clerk to check, and the verdict stays."""
    from datetime import date

    from prereview.documents import Box, TextLine
    from prereview.pipeline import UploadedFile, materials_of
    from rules.book import RuleBook
    from rules.casefacts import CaseFacts
    from rules.evaluate import Evaluator

    def text(t: str, y: float) -> TextLine:
        return TextLine(text=t, box=Box(x0=100, y0=y, x1=100 + 30 * len(t), y1=y + 30), score=0.95)

    book = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules")
    item = book.items["SC-001"].item
    photo = Page(index=0, width=1200, height=1600, source=PageSource.OCR, lines=[
        text("屋柤货合", 100), text("出租方 安和市宏达置业有限公司", 200), text("租赁期限 三年", 260)])  # fmt: skip
    docs = [Document(name="IMG_1.jpg", pages=[photo])]
    files = [UploadedFile(path=Path("IMG_1.jpg"), name="IMG_1.jpg")]
    found, absent, reports = materials_of(item, files, docs, declared={}, marks=lambda page, kind: [])
    assert "M7" not in found and "IMG_1.jpg" in absent["M7"] and reports[0].materials == []
    evaluator = Evaluator(items=book.items, catalog=book.catalog)
    decision = evaluator.evaluate(CaseFacts(item="SC-001", review_date=date(2026, 3, 2), materials=found,
                                            absence_doubts=absent))  # fmt: skip
    assert ("M7", "MISSING") in {tuple(f.key) for f in decision.uncertain}
    assert ("M7", "MISSING") not in {tuple(f.key) for f in decision.findings}


def test_an_unreadable_file_is_doubtful_only_when_lines_were_still_read_through_the_blur() -> None:
    from prereview.documents import Box, TextLine
    from prereview.pipeline import UploadedFile, materials_of
    from rules.book import RuleBook

    item = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules").items["SC-001"].item

    def blurred(n: int) -> Page:
        lines = [TextLine(text=f"第{k}行文字", box=Box(x0=100, y0=100 + 60 * k, x1=400, y1=130 + 60 * k), score=0.9)
                 for k in range(n)]  # fmt: skip
        return Page(index=0, width=1200, height=1600, source=PageSource.OCR, lines=lines, blur=12.0)

    for n, doubtful in ((4, True), (1, False)):
        docs = [Document(name="IMG_2.jpg", pages=[blurred(n)])]
        files = [UploadedFile(path=Path("IMG_2.jpg"), name="IMG_2.jpg", slot="M7")]
        found, _, _ = materials_of(item, files, docs, declared={}, marks=lambda page, kind: [])
        assert found["M7"].status.value == "unreadable" and bool(found["M7"].doubt) is doubtful
