"""The reader on harder uploads made at test time with bench/harden.py's degradations (real OCR):
pages turned and tilted, re-photographed in perspective with a shadow at low resolution, and a
text PDF printed and scanned into one image-only PDF with a card photocopy."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import FORM_LINES, text_image, text_pdf

from bench.harden import is_page, on_a4, pdf_pages, save_pdf
from bench.photo_effects import photographed, rescanned, rng_for, turned
from prereview.documents import Document, PageSource
from prereview.ocr import RapidOcrEngine
from prereview.reader import ReadLimits, read_file

pytestmark = pytest.mark.ocr

KEY_LINES = ["道路货物运输经营申请表", "91361100MA35XK2L7Q", "13812345678"]
CARD_LINES = [
    "中华人民共和国机动车行驶证",
    "号牌号码 赣QF9915",
    "所有人 安和市蓝天物流有限公司",
    "注册日期 2024-11-25",
]


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    return RapidOcrEngine(threads=2)


def _read(path: Path, engine: RapidOcrEngine) -> Document:
    doc = read_file(path, name=path.name, limits=ReadLimits(), ocr=engine)
    assert doc.error is None, doc.error
    return doc


def _reads(doc: Document, keys: list[str], page: int = 0) -> None:
    text = "".join(doc.pages[page].text.split())
    for key in keys:
        assert "".join(key.split()) in text, f"{key!r} not in {text!r}"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_turned_and_tilted_page_is_read_upright(engine: RapidOcrEngine, seed: int, tmp_path: Path) -> None:
    done = turned(np.asarray(text_image()), rng_for(seed, "turned"))
    quarter = int(next(s for s in done.steps if s.startswith("turn")).split()[1])
    path = tmp_path / "turned.jpg"
    Image.fromarray(done.image).save(path, quality=90)
    doc = _read(path, engine)
    _reads(doc, KEY_LINES)
    assert (doc.pages[0].rotation + quarter) % 360 == 0


@pytest.mark.parametrize("seed", [0, 3])
def test_a_phone_photo_in_perspective_with_a_shadow_is_read(
    engine: RapidOcrEngine, seed: int, tmp_path: Path
) -> None:
    done = photographed(np.asarray(text_image()), rng_for(seed, "photo"))
    assert max(done.image.shape[:2]) <= 1400  # down to a messenger app's resolution
    path = tmp_path / "photo.jpg"
    Image.fromarray(done.image).save(path, quality=90)
    _reads(_read(path, engine), KEY_LINES)


def test_a_text_pdf_scanned_with_a_card_copy_is_read_page_by_page(
    engine: RapidOcrEngine, tmp_path: Path
) -> None:
    form = next(pdf_pages(text_pdf(tmp_path / "form.pdf"))).image
    card = np.asarray(text_image(CARD_LINES, width=900, size=30))
    rng = rng_for(0, "bundle")
    path = tmp_path / "bundle.pdf"
    save_pdf([rescanned(form, rng).image, rescanned(on_a4([card]), rng).image], path)
    doc = _read(path, engine)
    assert [p.source for p in doc.pages] == [PageSource.OCR, PageSource.OCR]  # no text layer left
    _reads(doc, [FORM_LINES[0], "91361100MA35XK2L7Q"], page=0)
    _reads(doc, CARD_LINES, page=1)


def test_a_photographed_a4_page_keeps_the_floor_of_size_and_quality() -> None:
    """A4 pages are re-photographed at 1200 px and JPEG 65 or more (smaller, their print is no longer
    legible); a card photo keeps the lower floor, and a page drawn above the floor is unchanged."""
    sheet = np.full((1754, 1240, 3), 255, np.uint8)

    def size_and_quality(done_steps: list[str]) -> tuple[int, int]:
        steps = dict(s.split(" ", 1) for s in done_steps)
        return int(steps["side"]), int(steps["jpeg"])

    for seed in range(6):
        card = photographed(sheet, rng_for(seed, "floor"))
        page = photographed(sheet, rng_for(seed, "floor"), page=True)
        side, quality = size_and_quality(page.steps)
        assert side >= 1200 and quality >= 65
        if size_and_quality(card.steps) == (side, quality):
            assert np.array_equal(card.image, page.image)
    assert min(size_and_quality(photographed(sheet, rng_for(s, "floor")).steps)[0] for s in range(6)) < 1200
    assert is_page(sheet) and not is_page(np.zeros((730, 1109, 3), np.uint8))
