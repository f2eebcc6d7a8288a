"""Lines crossed by seal ink are found and re-read with the red taken out (prereview.redink, orient)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageChops

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import FORM_LINES, text_image

import prereview.orient
from prereview.documents import Box, TextLine
from prereview.ocr import RapidOcrEngine
from prereview.orient import read_page_image
from prereview.redink import red_crossed, suppress_red
from tests.fixtures.visual_images import RED, as_photo, draw_seal

WARM, COLD = (1.0, 0.93, 0.8), (0.8, 0.95, 1.0)
BLUE_INK = (30, 45, 120)
SCALE = 0.6  # the form's 34 px characters become a phone photo's 20


def _stamped(page: Image.Image, cx: int, cy: int, r: int) -> Image.Image:
    """`page` with a seal stamped over it as ink does: the red multiplies what is printed, so black
    print stays black under it and shows through."""
    ink = Image.new("RGB", page.size, (255, 255, 255))
    draw_seal(ink, cx, cy, r)
    return ImageChops.multiply(page, ink)


def _bars(n: int = 12, *, width: int = 900, gap: int = 60, h: int = 24) -> tuple[Image.Image, list[Box]]:
    """Rows of black strokes standing in for text lines (paper between the strokes), and their boxes."""
    page = np.full((gap * (n + 1), width, 3), 248, np.uint8)
    boxes = []
    for i in range(n):
        y = gap * (i + 1)
        page[y : y + h, 60 : width - 60 : 12] = 25
        page[y : y + h, 61 : width - 60 : 12] = 25
        page[y + h // 2 : y + h // 2 + 2, 60 : width - 60] = 25
        boxes.append(Box(x0=60, y0=y, x1=width - 60, y1=y + h))
    return Image.fromarray(page), boxes


def test_suppress_red_whitens_red_ink_and_keeps_black_and_blue() -> None:
    crop = np.array([[(248, 248, 246), RED, (25, 25, 30), BLUE_INK, (150, 20, 20)]], np.uint8)
    grey = suppress_red(crop)
    assert (
        grey.shape == crop.shape
        and (grey[..., 0] == grey[..., 1]).all()
        and (grey[..., 1] == grey[..., 2]).all()
    )
    paper, red, black, blue, red_over_black = grey[0, :, 0]
    assert paper == 248 and red >= 200  # red ink as light as paper, nearly
    assert black <= 30 and blue <= 30  # print and ballpoint stay dark
    assert red_over_black < 160  # where a seal lies on print, the print still shows darker than paper


def test_only_lines_the_seal_crosses_are_taken() -> None:
    page, boxes = _bars()
    sealed = np.asarray(_stamped(page, 450, 390, 110))  # a ring from y=280 to y=500
    assert red_crossed(sealed, boxes) == [4, 5, 6, 7]  # the rows at y=300, 360, 420 and 480
    assert red_crossed(np.asarray(page), boxes) == []
    # a scan at twice the size is measured shrunk, with the boxes scaled alike
    big = cv2.resize(sealed, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    doubled = [Box(x0=2 * b.x0, y0=2 * b.y0, x1=2 * b.x1, y1=2 * b.y1) for b in boxes]
    assert red_crossed(big, doubled) == [4, 5, 6, 7]


@pytest.mark.parametrize("cast", [WARM, COLD], ids=["warm", "cold"])
def test_seal_on_a_shaded_colour_cast_photo_is_found_and_paper_noise_is_not(
    cast: tuple[float, float, float],
) -> None:
    page, boxes = _bars()
    photo = as_photo(_stamped(page, 450, 390, 110), cast=cast, shadow=0.45, quality=55)
    assert red_crossed(photo, boxes) == [4, 5, 6, 7]
    assert red_crossed(as_photo(page, cast=cast, shadow=0.45, quality=55), boxes) == []


def test_no_boxes_no_work() -> None:
    assert red_crossed(np.full((50, 50, 3), 200, np.uint8), []) == []


# --- the real engine ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    return RapidOcrEngine(threads=2)


def _without_rereading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prereview.orient, "red_crossed", lambda image, boxes: [])


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """What `red_crossed` answers during the test, call by call."""
    seen: list[list[int]] = []

    def recorded(image: np.ndarray, boxes: list[Box]) -> list[int]:
        seen.append(red_crossed(image, boxes))
        return seen[-1]

    monkeypatch.setattr(prereview.orient, "red_crossed", recorded)
    return seen


def _text(lines: list[TextLine]) -> str:
    return "".join("".join(ln.text for ln in lines).split())


LINES = [*FORM_LINES, "经办人  李娜  联系电话 13912345678", "（以下空白）"]


def _photo(page: Image.Image, cast: tuple[float, float, float]) -> np.ndarray:
    """`page` as a phone photo (like bench/harden.py's): cast and shadow, 20 px characters, blur, noise,
    JPEG."""
    arr = cv2.GaussianBlur(as_photo(page, cast=cast, shadow=0.45, quality=95, scale=SCALE), (0, 0), 0.7)
    noisy = np.clip(arr + np.random.default_rng(0).normal(0, 3, arr.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy).save(buf, "JPEG", quality=60)
    return np.asarray(Image.open(buf).convert("RGB"))


@pytest.mark.ocr
@pytest.mark.parametrize("cast", [WARM, COLD], ids=["warm", "cold"])
def test_lines_under_a_seal_are_read(
    engine: RapidOcrEngine, monkeypatch: pytest.MonkeyPatch, cast: tuple[float, float, float]
) -> None:
    # Line i is printed 34 px high at y = 64 (i + 1) - 17 from x = 60: the seal's ring text runs through
    # the legal representative's line, its star over the address, its ring through the date. Read as
    # they are, "法定代表人" lost its last character or read it as "入" in both casts.
    photo = _photo(_stamped(text_image(LINES), 300, 330, 150), cast)
    crossed = _recording(monkeypatch)
    page = read_page_image(photo, engine)
    text = _text(page.lines)
    for line in FORM_LINES[3:]:
        assert "".join(line.split()) in text, text
    assert len(crossed) == 1 and len(crossed[0]) >= 3  # ring text, star and ring cross three lines at least


@pytest.mark.ocr
def test_a_page_without_red_is_read_once(engine: RapidOcrEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    photo = _photo(text_image(LINES), WARM)
    crossed = _recording(monkeypatch)
    page = read_page_image(photo, engine)
    assert crossed == [[]]  # no line is read a second time
    _without_rereading(monkeypatch)
    plain = read_page_image(photo, engine)
    assert [(ln.text, ln.box, ln.score) for ln in page.lines] == [
        (ln.text, ln.box, ln.score) for ln in plain.lines
    ]
