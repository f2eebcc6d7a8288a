"""A name or number read under a seal is in doubt (prereview.readings.seal_doubt, PageMarks.sealed_chars)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageChops

from prereview.documents import Box, Page, PageSource
from prereview.extract.fields import FieldReading, FieldStatus
from prereview.pagemarks import PageMarks
from prereview.readings import SEALED_CHARS, settle
from tests.fixtures.visual_images import RED, blank_page, draw_seal, draw_text

NAME = "欧阳明辉"  # made up: four characters, the seal over the last two


def _page(tmp_path: Path, *, seal: tuple[int, int] | None, red_print: bool = False) -> tuple[Page, Box]:
    """A form line 姓名：NAME, optionally a seal stamped as ink is (multiplied over the print) centred at
    `seal`, or the name's line printed over in red text (no seal); the page and the box of the name as
    read with its last character lost under the ink."""
    img = blank_page()
    draw_text(img, 200, 600, "姓名：", size=40)
    name = draw_text(img, 330, 600, NAME, size=40)
    if red_print:
        draw_text(img, 330, 612, "副本副本", size=40, fill=RED)
    if seal is not None:
        ink = Image.new("RGB", img.size, (255, 255, 255))
        draw_seal(ink, *seal, 150)
        img = ImageChops.multiply(img, ink)
    path = tmp_path / f"page{seal}{red_print}.png"
    cv2.imwrite(str(path), cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR))
    page = Page(index=0, width=img.width, height=img.height, source=PageSource.OCR, image_path=str(path))
    read = name.box.model_copy(update={"x1": name.box.x0 + 0.75 * name.box.width})  # one character lost
    return page, read


def _settled(page: Page, box: Box, value: str, *, declared: frozenset[str] = frozenset()) -> str:
    reading = FieldReading(status=FieldStatus.OK, value=value, page=0, box=box, score=0.99)
    marks = PageMarks()
    return settle(
        reading, page, kind="name", field="姓名", reread=None, declared=declared, sealed=marks.sealed_chars
    ).doubt


def test_a_name_under_a_seal_is_in_doubt(tmp_path: Path) -> None:
    page, box = _page(tmp_path, seal=(500, 560))
    assert PageMarks().sealed_chars(page, box) >= SEALED_CHARS
    doubt = _settled(page, box, NAME[:3])
    assert "印章压住了「姓名」栏内容" in doubt and "请核对原件" in doubt


def test_a_name_clear_of_the_seal_or_without_one_stays_sure(tmp_path: Path) -> None:
    for seal in (None, (900, 1300)):  # no seal; a seal far below the name
        page, box = _page(tmp_path, seal=seal)
        assert PageMarks().sealed_chars(page, box) == 0
        assert _settled(page, box, NAME[:3]) == ""


def test_red_print_over_a_name_is_no_seal(tmp_path: Path) -> None:
    page, box = _page(tmp_path, seal=None, red_print=True)
    assert PageMarks().sealed_chars(page, box) == 0


def test_a_name_under_a_seal_that_reads_as_declared_stays_sure(tmp_path: Path) -> None:
    page, box = _page(tmp_path, seal=(500, 560))
    assert _settled(page, box, NAME, declared=frozenset({NAME})) == ""


def test_a_text_layer_page_is_never_measured(tmp_path: Path) -> None:
    page, box = _page(tmp_path, seal=(500, 560))
    text = page.model_copy(update={"source": PageSource.TEXT})
    assert _settled(text, box, NAME[:3]) == ""
