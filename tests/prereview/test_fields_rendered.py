"""Field reading end to end on rendered form photos read by the real OCR engine: a grid form in
perspective, fields in another order, a name wrapped in its cell, a caption repeated for two parties."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

from reading_files import font, save_jpeg

from prereview.extract.fields import find_field
from prereview.ocr import RapidOcrEngine
from prereview.reader import ReadLimits, read_file

ROWS = [  # (caption, value) of a two-column grid, in an order the standard form does not use
    ("联系电话", "15184713654"),
    ("编制单位", "安和市绿源环境科技有限公司"),
    ("建设单位", "安和市盛世农业发展有限公司"),
    ("统一社会信用代码", "91361103875P1YDF7G"),
    ("法定代表人", "谢平刚"),
]
STOP = [caption for caption, _ in ROWS]


def _grid_form() -> Image.Image:
    """The rows in a ruled grid; the 编制单位's name wraps onto a second line of its cell."""
    page = Image.new("RGB", (900, 120 + 70 * len(ROWS)), (248, 247, 242))
    draw = ImageDraw.Draw(page)
    draw.text((260, 30), "建设项目审批申请表", font=font(30), fill=(20, 20, 20))
    left, mid, right, top = 60, 300, 840, 90
    for k, (caption, value) in enumerate(ROWS):
        y = top + 70 * k
        draw.rectangle((left, y, right, y + 70), outline=(40, 40, 40), width=2)
        draw.line((mid, y, mid, y + 70), fill=(40, 40, 40), width=2)
        draw.text((left + 12, y + 22), caption, font=font(24), fill=(30, 30, 30))
        if caption == "编制单位":  # wrapped in its cell
            draw.text((mid + 12, y + 6), value[:10], font=font(24), fill=(30, 30, 30))
            draw.text((mid + 12, y + 38), value[10:], font=font(24), fill=(30, 30, 30))
        else:
            draw.text((mid + 12, y + 22), value, font=font(24), fill=(30, 30, 30))
    return page


def _in_perspective(page: Image.Image) -> Image.Image:
    """Photographed from below its right edge: the right side stands higher and nearer."""
    rgb = np.asarray(page)
    h, w = rgb.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[60, 80], [w + 40, 20], [w + 60, h + 90], [40, h + 60]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(rgb, matrix, (w + 140, h + 160), borderValue=(90, 92, 98))
    return Image.fromarray(out)


@pytest.fixture(scope="module")
def engine() -> RapidOcrEngine:
    return RapidOcrEngine(threads=2)


@pytest.mark.ocr
def test_a_grid_form_in_perspective_reads_every_field(tmp_path: Path, engine: RapidOcrEngine) -> None:
    path = save_jpeg(_in_perspective(_grid_form()), tmp_path / "form.jpg")
    (page,) = read_file(path, name=path.name, limits=ReadLimits(), ocr=engine).pages
    for caption, value in ROWS:
        kind = "uscc" if caption.endswith("代码") else "name"
        reading = find_field([page], [caption], stop=STOP, kind=kind)
        assert reading.value == value, caption


SHAREHOLDERS = [
    ("龙海国", "居民身份证", "360121197108314070", "40"),
    ("安和市凯达实业有限公司", "统一社会信用代码", "9136110426W6XAW58H", "60"),
]


def _shareholder_table(*, grid: bool) -> Image.Image:
    """股东（发起人）出资情况 with narrow columns: the company's name and its 统一社会信用代码 type wrap
    onto a second line of their cells, right up against the next column."""
    page = Image.new("RGB", (1000, 420), (248, 247, 242))
    draw = ImageDraw.Draw(page)
    cols = [40, 230, 400, 700, 840]
    draw.text((40, 20), "股东（发起人）出资情况", font=font(26), fill=(20, 20, 20))
    for x, caption in zip(cols, ("股东名称", "证件类型", "证件号码", "出资额", "出资方式"), strict=False):
        draw.text((x + 8, 85), caption, font=font(22), fill=(30, 30, 30))
    for k, (name, kind, number, amount) in enumerate(SHAREHOLDERS):
        y = 140 + 90 * k
        for x, text, width in ((cols[0], name, 8), (cols[1], kind, 6)):
            draw.text((x + 8, y), text[:width], font=font(22), fill=(30, 30, 30))
            if len(text) > width:
                draw.text((x + 8, y + 32), text[width:], font=font(22), fill=(30, 30, 30))
        draw.text((cols[2] + 8, y), number, font=font(22), fill=(30, 30, 30))
        draw.text((cols[3] + 8, y), amount, font=font(22), fill=(30, 30, 30))
        draw.text((cols[4] + 8, y), "货币", font=font(22), fill=(30, 30, 30))
    if grid:
        for y in (70, 125, 215, 305):
            draw.line((30, y, 960, y), fill=(40, 40, 40), width=2)
        for x in (*cols, 960):
            draw.line(
                (x - 10 if x > 40 else 30, 70, x - 10 if x > 40 else 30, 305), fill=(40, 40, 40), width=2
            )
    return page


@pytest.mark.ocr
@pytest.mark.parametrize("grid", [True, False])
def test_a_shareholder_table_keeps_wrapped_cells_apart(
    tmp_path: Path, engine: RapidOcrEngine, grid: bool
) -> None:
    from prereview.table import read_column

    path = save_jpeg(_in_perspective(_shareholder_table(grid=grid)), tmp_path / "table.jpg")
    (page,) = read_file(path, name=path.name, limits=ReadLimits(), ocr=engine).pages
    assert read_column(page, ["股东名称"]) == [name for name, *_ in SHAREHOLDERS]
    assert read_column(page, ["证件号码"]) == [number for _, _, number, _ in SHAREHOLDERS]
