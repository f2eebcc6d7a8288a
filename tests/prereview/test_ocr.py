from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import FORM_LINES, photo_of, text_image

from prereview.documents import Box, TextLine
from prereview.ocr import RapidOcrEngine, reading_order
from prereview.orient import _turn, erase_seals, read_page_image, turn_image, way_up

KEY_LINES = ["道路货物运输经营申请表", "91361100MA35XK2L7Q", "13812345678"]


def _line(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text=text, box=Box(x0=x0, y0=y0, x1=x1, y1=y1))


def test_reading_order_rows_then_columns() -> None:
    lines = [
        _line("值2", 200, 52, 300, 70),
        _line("标签1", 10, 10, 80, 30),
        _line("标签2", 10, 50, 80, 70),
        _line("值1", 200, 8, 300, 28),
    ]
    assert [ln.text for ln in reading_order(lines)] == ["标签1", "值1", "标签2", "值2"]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_turning_moves_boxes_with_pixels(rotation: int) -> None:
    image = np.zeros((40, 60, 3), np.uint8)
    image[5:10, 20:30] = 255  # a white block: its box must land where its pixels land
    quad = np.array([[20, 5], [29, 5], [29, 9], [20, 9]], np.float32)
    (turned, _), (moved,) = _turn((image, image), [quad], rotation)
    assert turned.shape == turn_image(image, rotation).shape
    ys, xs = np.nonzero(turned[:, :, 0])
    assert (moved[:, 0].min(), moved[:, 0].max()) == (xs.min(), xs.max())
    assert (moved[:, 1].min(), moved[:, 1].max()) == (ys.min(), ys.max())


@pytest.mark.parametrize("scale", [1, 4], ids=["photo", "12 MP"])  # shapes told on pooled blocks at 4
def test_erase_seals_keeps_text_and_red_titles(scale: int) -> None:
    image = _sealed_page(scale)
    clean = erase_seals(image)
    image, clean = image[::scale, ::scale], clean[::scale, ::scale]
    assert clean is not image and image[300, 310, 0] == 210  # the input is left as it was
    ring = clean[300, 310]
    assert ring[0] == ring[1] == ring[2] == 210  # the ring is now a light grey
    assert (clean[300:310, 200:300] == 20).all()  # the text under and beside it stays black
    assert tuple(clean[105, 150]) == (200, 20, 20)  # the red title is untouched


def _sealed_page(scale: int) -> np.ndarray:
    image = np.full((600 * scale, 800 * scale, 3), 245, np.uint8)
    s = scale
    image[100 * s : 110 * s, 100 * s : 700 * s] = (200, 20, 20)  # a red title line: long and thin, it is text
    image[300 * s : 310 * s, 200 * s : 600 * s] = (20, 20, 20)  # black text
    cv2.circle(image, (400 * s, 300 * s), 90 * s, (210, 40, 40), 6 * s)  # a seal's ring over the text
    cv2.circle(image, (400 * s, 300 * s), 60 * s, (210, 40, 40), 4 * s)
    return image


def test_no_red_no_copy() -> None:
    image = np.full((100, 100, 3), 250, np.uint8)
    assert erase_seals(image) is image


# --- the real engine ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    return RapidOcrEngine(threads=2)


def _text(lines: list[TextLine]) -> str:
    return "\n".join(line.text for line in lines)


def _assert_reads_form(lines: list[TextLine]) -> None:
    text = "".join(_text(lines).split())
    for key in KEY_LINES:
        assert key in text, f"{key!r} not in {text!r}"


@pytest.mark.ocr
def test_recognize_clean_page(engine: RapidOcrEngine) -> None:
    lines = engine.recognize(np.asarray(text_image()))
    _assert_reads_form(lines)
    assert lines[0].text == FORM_LINES[0] and lines[0].score > 0.9
    assert all(ln.box.x1 > ln.box.x0 and ln.box.y1 > ln.box.y0 for ln in lines)


@pytest.mark.ocr
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_turned_photo_is_read_upright(engine: RapidOcrEngine, turn: int) -> None:
    photo = np.asarray(photo_of(text_image(), turn=turn))
    page = read_page_image(photo, engine)
    assert page.rotation == (360 - turn) % 360
    _assert_reads_form(page.lines)
    assert page.lines[0].text == FORM_LINES[0]
    # the upright image is the one the boxes measure: landscape like the page, title at the top
    assert page.image.shape[1] > page.image.shape[0]
    assert page.lines[0].box.y0 < page.image.shape[0] / 3


@pytest.mark.ocr
def test_tilted_photo_is_deskewed(engine: RapidOcrEngine) -> None:
    page = read_page_image(np.asarray(photo_of(text_image(), tilt=-4)), engine)  # falls 4° to the right
    assert page.rotation == 0
    assert page.skew == pytest.approx(4, abs=1)
    _assert_reads_form(page.lines)
    # after deskewing, a line's box is about as tall as its 34 px text, not inflated by the tilt (~60 px)
    assert page.lines[0].box.height < 45


@pytest.mark.ocr
def test_blank_page_reads_nothing(engine: RapidOcrEngine) -> None:
    page = read_page_image(np.full((800, 600, 3), 248, np.uint8), engine)
    assert page.lines == [] and page.rotation == 0


@pytest.mark.ocr
def test_model_dir_with_the_packaged_models(tmp_path: Path) -> None:
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    for name in ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"):
        (tmp_path / name).symlink_to(models / name)
    own = RapidOcrEngine(threads=1, model_dir=tmp_path)
    image = np.asarray(Image.fromarray(np.asarray(text_image(FORM_LINES[:2]))))
    assert _text(own.recognize(image)).startswith(FORM_LINES[0])


TURNED = 100


class _Scripted:
    """Reads probe crop i (`_probes`) as the scores given, upright or turned, counting the lines read."""

    def __init__(self, upright: list[float], flipped: list[float]) -> None:
        self.scores = {**dict(enumerate(upright)), **{TURNED + i: s for i, s in enumerate(flipped)}}
        self.read = 0

    def read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        self.read += len(crops)
        out = []
        for crop in crops:
            i = int(crop[0, 0, 0])
            out.append(("字" if self.scores[i] else "", self.scores[i]))
        return out


def _probes(n: int) -> list[np.ndarray]:
    crops = []
    for i in range(n):
        crop = np.full((1, 8 + i, 3), i, np.uint8)
        crop[0, -1] = TURNED + i  # what a crop turned upside down shows first
        crops.append(crop)
    return crops


def _way_up_of_all(upright: list[float], flipped: list[float]) -> tuple[bool, list[float]]:
    mean_u, mean_f = sum(upright) / len(upright), sum(flipped) / len(flipped)
    flip = mean_u < 0.95 and mean_f > mean_u + 0.02
    return flip, flipped if flip else upright


@pytest.mark.parametrize(
    ("upright", "flipped"),
    [
        ([0.99, 0.98, 1.0, 0.97], [0.4, 0.5, 0.3, 0.6]),  # upright and sure
        ([0.9, 0.8, 0.93, 0.85], [0.4, 0.5, 0.3, 0.6]),  # upright, unsure: upside down reads worse
        ([0.5, 0.4, 0.6, 0.45], [0.99, 0.97, 0.98, 1.0]),  # upside down
        ([0.9, 0.92, 0.9, 0.91], [0.93, 0.95, 0.9, 0.92]),  # close: every line read both ways
        ([0.0, 0.5, 0.6, 0.45], [0.0, 0.0, 0.0, 0.0]),  # nothing reads upside down
        ([0.3, 0.99, 0.99, 0.99], [0.5, 0.4, 0.4, 0.4]),  # one poor upright line, upright
        ([0.96], [0.99]),
        ([0.5], [0.99]),
    ],
)
def test_way_up_decides_as_reading_every_line_both_ways(upright: list[float], flipped: list[float]) -> None:
    engine = _Scripted(upright, flipped)
    flip, readings = way_up(engine, _probes(len(upright)))  # type: ignore[arg-type]
    want_flip, want = _way_up_of_all(upright, flipped)
    assert (flip, [s for _, s in readings]) == (want_flip, want)
    assert engine.read <= (
        len(upright) if max(upright) and sum(upright) / len(upright) >= 0.95 else 2 * len(upright)
    )


def test_way_up_reads_only_what_the_decision_needs() -> None:
    engine = _Scripted([0.5, 0.4, 0.6, 0.45], [0.99, 0.97, 0.98, 1.0])
    assert way_up(engine, _probes(4))[0]  # type: ignore[arg-type]
    assert engine.read == 5  # one line upright shows it cannot be confident; then the four upside down
    engine = _Scripted([0.99, 0.97, 0.98, 1.0], [0.5, 0.4, 0.6, 0.45])
    assert not way_up(engine, _probes(4))[0]  # type: ignore[arg-type]
    assert engine.read == 4  # sure upright: not read upside down at all
    engine = _Scripted([0.9, 0.8, 0.93, 0.85], [0.4, 0.5, 0.3, 0.6])
    assert not way_up(engine, _probes(4))[0]  # type: ignore[arg-type]
    assert engine.read == 5  # unsure upright: one line upside down shows it cannot read better
