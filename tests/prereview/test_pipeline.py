"""Pipeline pieces: the seal and signature finder, what reaches CaseFacts, a photo of two materials."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from visual_images import blank_page, draw_seal

from prereview.documents import Document, Page, PageSource
from prereview.pagemarks import PageMarks
from prereview.pipeline import confined


def _stored_page(tmp_path: Path, name: str, *, sealed: bool) -> Page:
    img = blank_page()
    if sealed:
        draw_seal(img, 900, 700, 150)
    path = tmp_path / name
    cv2.imwrite(str(path), cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR))
    return Page(index=0, width=img.width, height=img.height, source=PageSource.OCR, image_path=str(path))


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
    pages = [
        inside,
        outside,
        inside.model_copy(update={"image_path": str(work / "p3.bmp")}),
        nested,
        inside.model_copy(update={"image_path": sneaky}),
        Page(index=5, width=1, height=1, source=PageSource.TEXT),
    ]
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
    from prereview.judging import UploadedFile, materials_of
    from rules.book import RuleBook
    from rules.casefacts import CaseFacts
    from rules.evaluate import Evaluator

    def text(t: str, y: float) -> TextLine:
        return TextLine(text=t, box=Box(x0=100, y0=y, x1=100 + 30 * len(t), y1=y + 30), score=0.95)

    book = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules")
    item = book.items["SC-001"].item
    photo = Page(
        index=0,
        width=1200,
        height=1600,
        source=PageSource.OCR,
        lines=[text("屋柤货合", 100), text("出租方 安和市宏达置业有限公司", 200), text("租赁期限 三年", 260)],
    )
    docs = [Document(name="IMG_1.jpg", pages=[photo])]
    files = [UploadedFile(path=Path("IMG_1.jpg"), name="IMG_1.jpg")]
    found, absent, reports = materials_of(item, files, docs, declared={}, marks=lambda page, kind: [])
    assert "M7" not in found and "IMG_1.jpg" in absent["M7"] and reports[0].materials == []
    evaluator = Evaluator(items=book.items, catalog=book.catalog)
    decision = evaluator.evaluate(
        CaseFacts(item="SC-001", review_date=date(2026, 3, 2), materials=found, absence_doubts=absent)
    )
    assert ("M7", "MISSING") in {tuple(f.key) for f in decision.uncertain}
    assert ("M7", "MISSING") not in {tuple(f.key) for f in decision.findings}


def test_an_unreadable_file_is_doubtful_only_when_lines_were_still_read_through_the_blur() -> None:
    from prereview.documents import Box, TextLine
    from prereview.judging import UploadedFile, materials_of
    from rules.book import RuleBook

    item = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules").items["SC-001"].item

    def blurred(n: int) -> Page:
        lines = [
            TextLine(
                text=f"第{k}行文字", box=Box(x0=100, y0=100 + 60 * k, x1=400, y1=130 + 60 * k), score=0.9
            )
            for k in range(n)
        ]
        return Page(index=0, width=1200, height=1600, source=PageSource.OCR, lines=lines, blur=12.0)

    for n, doubtful in ((4, True), (1, False)):
        docs = [Document(name="IMG_2.jpg", pages=[blurred(n)])]
        files = [UploadedFile(path=Path("IMG_2.jpg"), name="IMG_2.jpg", slot="M7")]
        found, _, _ = materials_of(item, files, docs, declared={}, marks=lambda page, kind: [])
        assert found["M7"].status.value == "unreadable" and bool(found["M7"].doubt) is doubtful


@pytest.mark.ocr
def test_a_photo_of_a_card_beside_a_sealed_licence_is_read_as_both(tmp_path: Path) -> None:
    """Real OCR on one photo holding a business licence copy (sealed) and an ID card's portrait face: both
    materials are found, and the seal counts for the licence only."""
    from visual_images import as_photo, draw_text

    from prereview.judging import UploadedFile, materials_of
    from prereview.ocr import RapidOcrEngine
    from prereview.reader import ReadLimits, read_file
    from rules.book import RuleBook

    img = blank_page(2200, 1300, colour=(120, 128, 136))
    img.paste((250, 250, 248), (60, 60, 1160, 1240))  # the licence copy
    img.paste((236, 240, 244), (1260, 300, 2140, 860))  # the card
    for text, x, y, size in [
        ("营业执照", 480, 120, 64),
        ("统一社会信用代码 91360100MA35R7QX2L", 140, 300, 32),
        ("名称 安和市启航物流有限公司", 140, 380, 32),
        ("类型 有限责任公司", 140, 460, 32),
        ("法定代表人 钟思远", 140, 540, 32),
        ("经营范围 普通货物道路运输", 140, 620, 32),
        ("成立日期 2019年05月10日", 140, 700, 32),
        ("住所 安和市青山区文化路12号", 140, 780, 32),
        ("姓名 钟思远", 1320, 360, 34),
        ("性别 男  民族 汉", 1320, 430, 34),
        ("出生 1985年6月1日", 1320, 500, 34),
        ("住址 安和市青山区文化路12号", 1320, 570, 34),
        ("公民身份号码 110101198506010019", 1320, 760, 34),
    ]:
        draw_text(img, x, y, text, size=size)
    draw_seal(img, 860, 1000, 150, text="安和市启航物流有限公司")
    photo = tmp_path / "IMG_0001.jpg"
    cv2.imwrite(str(photo), cv2.cvtColor(as_photo(img, shadow=0.2), cv2.COLOR_RGB2BGR))
    engine = RapidOcrEngine(threads=2)
    doc = read_file(photo, name=photo.name, limits=ReadLimits(), ocr=engine, work_dir=tmp_path)
    item = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules").items["JT-001"].item
    declared = {"legal_rep_name": "钟思远", "legal_rep_id": "110101198506010019"}
    files = [UploadedFile(path=photo, name=photo.name)]
    # whose seal the one red seal is, its ring tells (a black-and-white copy: the issuer's seal is grey)
    marks = PageMarks(ocr=engine)
    found, _, reports = materials_of(item, files, [doc], declared=declared, marks=marks)
    assert {"M2", "M3"} <= set(found) and set(reports[0].materials) >= {"M2", "M3"}
    assert found["M2"].sets[0].sealed is True and marks.reads == 1
    assert found["M3"].sets[0].fields["公民身份号码"].value == "110101198506010019"
