from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import FORM_LINES, a4_page, corrupt_pdf_bytes, scanned_pdf, text_pdf, write

from prereview.errors import CorruptFile, EncryptedFile, FileTooLarge
from prereview.pdf import CHECKED, UNCHECKED, PdfPage, group_words, read_pdf

CAPS = {"max_pages": 10, "max_pixels": 60_000_000}


def _pages(path: Path, **kw: object) -> list[PdfPage]:
    return list(read_pdf(path, **{**CAPS, **kw}))  # type: ignore[arg-type]


def test_text_pdf_gives_lines_in_pixels_at_dpi(tmp_path: Path) -> None:
    (page,) = _pages(text_pdf(tmp_path / "form.pdf"), dpi=200)
    assert page.image is None  # a text page is neither rendered nor OCRed unless asked
    assert page.dpi == pytest.approx(200)
    assert (page.width, page.height) == (round(595.28 * 200 / 72), round(841.89 * 200 / 72))
    assert page.lines is not None
    texts = [line.text for line in page.lines]
    assert texts[0] == "道路货物运输经营申请表"
    # a visible gap stays a space, Chinese or not
    assert "申请人名称 安和市顺达物流有限公司" in texts
    assert "统一社会信用代码 91361100MA35XK2L7Q" in texts
    title = page.lines[0]
    assert title.box.x0 == pytest.approx(72 * 200 / 72, abs=2)
    assert title.box.y0 == pytest.approx((841.89 - 770 - 12) * 200 / 72, abs=12)
    assert title.score == 1.0


def test_render_text_pages_on_request(tmp_path: Path) -> None:
    (page,) = _pages(text_pdf(tmp_path / "form.pdf"), dpi=100, render_text_pages=True)
    assert page.lines is not None and page.image is not None
    assert page.image.shape == (page.height, page.width, 3)
    # the title's box is where the render has dark pixels
    box = page.lines[0].box
    assert page.image[int(box.y0) : int(box.y1), int(box.x0) : int(box.x1)].min() < 100


def test_vector_check_boxes_become_characters(tmp_path: Path) -> None:
    (page,) = _pages(text_pdf(tmp_path / "form.pdf", check_boxes=True))
    assert page.lines is not None
    text = "\n".join(line.text for line in page.lines)
    assert f"{CHECKED}道路普通货运" in text
    assert f"{UNCHECKED}大型物件运输" in text
    assert f"{CHECKED}危险货物运输" in text


def test_scanned_pdf_is_rendered_for_ocr(tmp_path: Path) -> None:
    pages = _pages(scanned_pdf(tmp_path / "scan.pdf", [a4_page(), a4_page()]), dpi=100)
    assert [p.index for p in pages] == [0, 1]
    for page in pages:
        assert page.lines is None
        assert page.image is not None and page.image.shape == (page.height, page.width, 3)
        assert page.image.min() < 80  # the scanned text is there


def test_invisible_ocr_layer_is_not_trusted(tmp_path: Path) -> None:
    path = scanned_pdf(tmp_path / "camscanner.pdf", [a4_page()], hidden_text="一段扫描软件生成的隐藏文字层")
    (page,) = _pages(path, dpi=100)
    assert page.lines is None and page.image is not None


def test_a_scan_with_a_visible_stamp_is_still_a_scan(tmp_path: Path) -> None:
    """A picture over most of the page makes it a scan even with a visible line of text on it; a smaller
    picture (a photo pasted into a typed page) leaves the text layer in charge."""
    stamp = "第 1 页 共 1 页 扫描件"
    (scan,) = _pages(scanned_pdf(tmp_path / "scan.pdf", [a4_page()], stamp=stamp), dpi=100)
    assert scan.lines is None and scan.image is not None
    small = scanned_pdf(tmp_path / "pasted.pdf", [a4_page()], stamp=stamp, cover=0.5)
    (typed,) = _pages(small, dpi=100)
    assert typed.lines is not None and stamp.replace(" ", "") in "".join(
        ln.text for ln in typed.lines
    ).replace(" ", "")


def test_page_cap(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "long.pdf", [FORM_LINES] * 3)
    with pytest.raises(FileTooLarge, match="3 页"):
        _pages(path, max_pages=2)


def test_pixel_cap_lowers_the_render_scale(tmp_path: Path) -> None:
    (page,) = _pages(scanned_pdf(tmp_path / "scan.pdf", [a4_page()]), dpi=300, max_pixels=1_000_000)
    assert page.width * page.height <= 1_000_000 * 1.01
    assert page.dpi < 300


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "locked.pdf", encrypt="secret")
    with pytest.raises(EncryptedFile, match="密码"):
        _pages(path)


def test_owner_password_only_is_readable(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = text_pdf(
        tmp_path / "noprint.pdf", encrypt=StandardEncryption("", ownerPassword="owner", canPrint=0)
    )
    (page,) = _pages(path)
    assert page.lines and page.lines[0].text == "道路货物运输经营申请表"


def test_corrupt_pdf(tmp_path: Path) -> None:
    valid = text_pdf(tmp_path / "ok.pdf").read_bytes()
    with pytest.raises(CorruptFile):
        _pages(write(tmp_path / "bad.pdf", corrupt_pdf_bytes(valid)))


def test_truncated_pdf_still_reads_what_it_can_or_fails_cleanly(tmp_path: Path) -> None:
    valid = text_pdf(tmp_path / "ok.pdf").read_bytes()
    path = write(tmp_path / "cut.pdf", valid[: int(len(valid) * 0.9)])
    try:
        pages = _pages(path)
    except CorruptFile:
        return
    assert pages and all(p.lines is not None or p.image is not None for p in pages)


def test_turned_page_is_read_from_its_render(tmp_path: Path) -> None:
    (page,) = _pages(text_pdf(tmp_path / "turned.pdf", rotate=90), dpi=72)
    assert page.lines is None  # OCR turns the render upright; the text layer's geometry would not be
    assert page.image is not None and page.image.shape[:2] == (page.height, page.width)
    assert page.image.min() < 100


def _w(text: str, x0: float, top: float, size: float = 10.0) -> dict[str, object]:
    return {"text": text, "x0": x0, "x1": x0 + size * len(text), "top": top, "bottom": top + size}


def test_group_words_rows_runs_and_spaces() -> None:
    words = [
        _w("Driving", 100, 50, 5),
        _w("License", 140, 50.5, 5),
        _w("姓名", 10, 10),
        _w("张三", 100, 11),  # same row, far right: a separate line
        _w("证号", 10, 30),
        _w("123", 30.5, 30),  # touching: no space
        _w("号", 70, 30),  # a gap of 0.65 character: a space, no new line
    ]
    lines = group_words(words, scale=2.0)
    assert [ln.text for ln in lines] == ["姓名", "张三", "证号123 号", "Driving License"]
    assert lines[0].box.x0 == 20 and lines[0].box.y1 == 40
