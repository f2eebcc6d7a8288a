"""A second reading of a value from its enlarged crop, with the real engine, in this process and in a
reader worker."""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

from reading_files import font

from prereview.documents import Box, Page, PageSource, TextLine
from prereview.ocr import RapidOcrEngine
from prereview.pool import ReaderPool
from prereview.reader import ReadLimits
from prereview.reread import ILLEGIBLE, local_reread, reread_boxes

NAME = "安和市盛世建筑工程有限公司"


def _small_form() -> tuple[np.ndarray, Box, Box]:
    """A photographed form at low resolution: a caption, a name in faint grey print 13 pixels high, and a
    blank cell; (RGB image, the name's box, the blank cell's box)."""
    image = Image.new("RGB", (520, 120), (226, 226, 220))
    draw = ImageDraw.Draw(image)
    draw.text((20, 30), "名称", font=font(13), fill=(90, 90, 90))
    draw.text((110, 30), NAME, font=font(13), fill=(120, 120, 118))
    draw.text((20, 75), "住所", font=font(13), fill=(90, 90, 90))
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    return np.asarray(image), Box(x0=108, y0=27, x1=290, y1=46), Box(x0=108, y0=72, x1=300, y1=91)


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    return RapidOcrEngine(threads=2)


@pytest.mark.ocr
def test_a_small_faint_name_is_read_from_its_enlarged_crop(engine: RapidOcrEngine) -> None:
    image, name, blank = _small_form()
    (text, score), (nothing, none) = reread_boxes(engine, image, [name, blank])
    assert text == NAME and score > 0.8
    assert (nothing, none) == ("", 0.0)
    assert nothing != ILLEGIBLE


@pytest.mark.ocr
def test_a_reader_worker_reads_boxes_of_a_stored_page_again(tmp_path: Path) -> None:
    image, name, blank = _small_form()
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    page = Page(index=0, width=520, height=120, source=PageSource.OCR, image_path=str(path))
    with ReaderPool(limits=ReadLimits(), ocr_factory=functools.partial(RapidOcrEngine, threads=2)) as pool:
        (text, _), (nothing, _) = pool.reread(page, [name, blank])
        assert (text, nothing) == (NAME, "")
        missing = page.model_copy(update={"image_path": str(tmp_path / "gone.png")})
        assert pool.reread(missing, [name]) == [("", 0.0)]  # a failed second reading reads nothing
        assert pool.reread(page.model_copy(update={"image_path": None}), [name]) == [("", 0.0)]


@pytest.mark.ocr
def test_local_reread_reads_the_stored_image(tmp_path: Path, engine: RapidOcrEngine) -> None:
    image, name, _ = _small_form()
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    page = Page(index=0, width=520, height=120, source=PageSource.OCR, image_path=str(path))
    assert local_reread(engine)(page, [name])[0][0] == NAME


class _Lines:
    """An engine that finds, on whatever crop it is given, a line across its middle and one along its
    bottom edge (the top of the next line of a tightly set block, which the padded crop takes in)."""

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        h, w = image.shape[:2]
        middle = Box(x0=0.1 * w, y0=0.3 * h, x1=0.9 * w, y1=0.7 * h)
        edge = Box(x0=0.1 * w, y0=0.9 * h, x1=0.9 * w, y1=h)
        return [
            TextLine(text="申请人（签字）：", box=middle, score=0.9),
            TextLine(text="申请人", box=edge, score=0.6),
        ]

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        return []

    def read_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]


def test_only_lines_whose_middle_is_inside_the_box_are_the_boxes() -> None:
    image = np.full((300, 600, 3), 250, np.uint8)
    [(text, score)] = reread_boxes(_Lines(), image, [Box(x0=100, y0=100, x1=400, y1=130)])
    assert (text, score) == ("申请人（签字）：", 0.9)


class _NextLine(_Lines):
    """An engine that finds only the top of the next line, cut by the crop's lower edge."""

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        h, w = image.shape[:2]
        return [
            TextLine(text="不动产单元号3611", box=Box(x0=0.1 * w, y0=0.6 * h, x1=0.9 * w, y1=h), score=0.8)
        ]


def test_the_next_lines_top_cut_by_the_crop_is_not_the_boxes() -> None:
    # a blank cell read again: its crop takes in the top of the code printed on the row below
    image = np.full((300, 600, 3), 250, np.uint8)
    assert reread_boxes(_NextLine(), image, [Box(x0=100, y0=100, x1=400, y1=130)]) == [("", 0.0)]
