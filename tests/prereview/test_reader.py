from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import (
    FORM_LINES,
    FakeOcr,
    SlowOcr,
    a4_page,
    corrupt_pdf_bytes,
    exe_bytes,
    photo_of,
    png_bytes,
    save_jpeg,
    scanned_pdf,
    text_image,
    text_pdf,
    write,
)

from prereview.documents import Document, PageSource
from prereview.ocr import RapidOcrEngine
from prereview.reader import ReadLimits, blur_score, load_page_image, read_file

LIMITS = ReadLimits()


def _read(
    path: Path, *, name: str | None = None, ocr: object = None, limits: ReadLimits = LIMITS, **kw: object
) -> Document:
    return read_file(path, name=name or path.name, limits=limits, ocr=ocr or FakeOcr(), **kw)  # type: ignore[arg-type]


def test_text_pdf_is_not_ocred(tmp_path: Path) -> None:
    fake = FakeOcr()
    doc = _read(text_pdf(tmp_path / "申请表.pdf"), ocr=fake)
    assert doc.ok and fake.calls == 0
    assert doc.media_type == "application/pdf" and len(doc.sha256) == 64
    (page,) = doc.pages
    assert page.source is PageSource.TEXT and page.dpi == 200 and page.blur is None
    assert page.lines[0].text == FORM_LINES[0]
    assert page.image_path is None  # no work_dir, no images


def test_scanned_pdf_is_ocred(tmp_path: Path) -> None:
    ocr = SlowOcr(seconds=0.05)
    doc = _read(scanned_pdf(tmp_path / "scan.pdf", [a4_page(), a4_page()]), ocr=ocr)
    assert doc.ok and [p.source for p in doc.pages] == [PageSource.OCR, PageSource.OCR]
    page = doc.pages[0]
    assert page.text == ocr.text and page.dpi == 200
    assert page.ocr_seconds >= 0.05  # the engine's time on the page is in it
    assert page.blur is not None and page.blur > 0 and not page.blank
    assert (page.width, page.height) == (round(595.28 * 200 / 72), round(841.89 * 200 / 72))


def test_photo_is_ocred(tmp_path: Path) -> None:
    doc = _read(save_jpeg(photo_of(text_image()), tmp_path / "IMG_0001.jpg"))
    assert doc.ok and doc.media_type == "image/jpeg"
    (page,) = doc.pages
    assert page.source is PageSource.OCR and page.dpi is None and page.text == "测试文字"


def test_blank_scan(tmp_path: Path) -> None:
    doc = _read(scanned_pdf(tmp_path / "blank.pdf", [Image.new("RGB", (827, 1169), "white")]))
    assert doc.ok and doc.pages[0].blank and doc.pages[0].lines == []


def test_page_images_in_work_dir(tmp_path: Path) -> None:
    work = tmp_path / "pages"
    text = _read(text_pdf(tmp_path / "form.pdf"), work_dir=work)
    scan = _read(scanned_pdf(tmp_path / "scan.pdf", [a4_page()]), work_dir=work)
    photo = _read(save_jpeg(photo_of(text_image(), turn=90), tmp_path / "p.jpg"), work_dir=work)
    for doc in (text, scan, photo):
        (page,) = doc.pages
        assert page.image_path and Path(page.image_path).parent == work
        image = load_page_image(page)
        assert image.shape == (page.height, page.width, 3) and image.dtype == np.uint8
    # the text page's image is its render: the title's box covers dark pixels
    box = text.pages[0].lines[0].box
    assert load_page_image(text.pages[0])[int(box.y0) : int(box.y1), int(box.x0) : int(box.x1)].min() < 100


def test_load_page_image_without_work_dir(tmp_path: Path) -> None:
    doc = _read(text_pdf(tmp_path / "form.pdf"))
    with pytest.raises(FileNotFoundError):
        load_page_image(doc.pages[0])


def test_blur_score_drops_with_blur() -> None:
    sharp = np.asarray(photo_of(text_image()))
    soft = np.asarray(photo_of(text_image(), blur=3))
    assert blur_score(soft) < blur_score(sharp) / 3


# --- files that cannot be read: an error on the Document, never an exception --------------------------


def _error(doc: Document) -> str:
    assert doc.error is not None and not doc.pages and not doc.ok
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc.error.message)  # a message in Chinese
    return doc.error.code


def test_encrypted_pdf(tmp_path: Path) -> None:
    assert _error(_read(text_pdf(tmp_path / "locked.pdf", encrypt="secret"))) == "encrypted"


def test_corrupt_pdf(tmp_path: Path) -> None:
    valid = text_pdf(tmp_path / "ok.pdf").read_bytes()
    assert _error(_read(write(tmp_path / "bad.pdf", corrupt_pdf_bytes(valid)))) == "corrupt"


def test_exe_renamed_pdf(tmp_path: Path) -> None:
    doc = _read(write(tmp_path / "upload.bin", exe_bytes()), name="营业执照.pdf")
    assert _error(doc) == "disguised"
    assert doc.name == "营业执照.pdf"


def test_empty_file(tmp_path: Path) -> None:
    assert _error(_read(write(tmp_path / "empty.pdf", b""))) == "empty"


def test_zip_is_unsupported(tmp_path: Path) -> None:
    assert _error(_read(write(tmp_path / "a.zip", b"PK\x03\x04" + b"\x00" * 100))) == "unsupported"


def test_oversized_image(tmp_path: Path) -> None:
    path = write(tmp_path / "big.png", png_bytes(Image.new("L", (3000, 2000), 255)))
    assert _error(_read(path, limits=ReadLimits(max_pixels=5_000_000))) == "too_large"


def test_too_many_bytes(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "form.pdf")
    assert _error(_read(path, limits=ReadLimits(max_bytes=1000))) == "too_large"


def test_too_many_pages(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "long.pdf", [FORM_LINES] * 3)
    assert _error(_read(path, limits=ReadLimits(max_pages=2))) == "too_large"


def test_engine_bug_is_contained(tmp_path: Path) -> None:
    class Broken(FakeOcr):  # type: ignore[misc]
        def detect(self, image: np.ndarray) -> list[np.ndarray]:
            raise ValueError("bug")

    assert _error(_read(scanned_pdf(tmp_path / "s.pdf", [a4_page()]), ocr=Broken())) == "read_failed"


def test_deadline_between_pages(tmp_path: Path) -> None:
    path = scanned_pdf(tmp_path / "s.pdf", [a4_page()] * 3)
    doc = _read(path, ocr=SlowOcr(0.3), limits=ReadLimits(timeout_seconds=0.1))
    assert _error(doc) == "timeout"


# --- the real engine, end to end ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    return RapidOcrEngine(threads=2)


@pytest.mark.ocr
@pytest.mark.parametrize("turn", [270])  # every turn is tested on the orientation step in test_ocr
def test_turned_photo_reads_upright(tmp_path: Path, engine: RapidOcrEngine, turn: int) -> None:
    path = save_jpeg(photo_of(text_image(), turn=turn, tilt=2), tmp_path / "photo.jpg")
    doc = _read(path, ocr=engine, work_dir=tmp_path)
    (page,) = doc.pages
    assert page.rotation == (360 - turn) % 360
    assert page.lines[0].text == FORM_LINES[0]
    assert "91361100MA35XK2L7Q" in page.text.replace(" ", "")
    image = load_page_image(page)
    assert image.shape[1] > image.shape[0]  # stored upright: landscape, like the page


@pytest.mark.ocr
def test_exif_turned_photo(tmp_path: Path, engine: RapidOcrEngine) -> None:
    # the sensor's pixels lie on their side and EXIF says to turn them: already upright for OCR
    stored = photo_of(text_image()).rotate(90, expand=True)
    doc = _read(save_jpeg(stored, tmp_path / "exif.jpg", exif_orientation=6), ocr=engine)
    assert doc.pages[0].rotation == 0
    assert doc.pages[0].lines[0].text == FORM_LINES[0]


@pytest.mark.ocr
def test_scanned_pdf_with_real_ocr(tmp_path: Path, engine: RapidOcrEngine) -> None:
    doc = _read(scanned_pdf(tmp_path / "scan.pdf", [a4_page()]), ocr=engine)
    text = doc.pages[0].text.replace(" ", "")
    for line in FORM_LINES:
        assert line.replace(" ", "") in text
    assert doc.pages[0].ocr_seconds > 0
