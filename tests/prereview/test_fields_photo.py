"""Field reading on photographed forms: rows tilted by perspective, padded OCR boxes that touch, cells
wrapped over two lines, fields in another order."""

from __future__ import annotations

import pytest

from prereview.documents import Box, TextLine
from prereview.extract.fields import FieldStatus, find_field
from prereview.extract.layout import build_rows
from tests.prereview._pages import photo

STOP = [
    "建设单位",
    "联系人",
    "联系电话",
    "编制单位",
    "环保投资",
    "建设地点",
    "统一社会信用代码",
    "法定代表人",
]


def box(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.99) -> TextLine:
    return TextLine(text=text, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), score=score)


def _tilted_form(rise: float) -> list[TextLine]:
    """Two rows of a two-column grid photographed at an angle: each line stands `rise` pixels higher
    for every 100 pixels to the right, so the right column's text overlaps the row below's captions."""

    def at(text: str, x0: float, x1: float, y0: float) -> TextLine:
        lift = rise * x0 / 100
        return box(text, x0, y0 - lift, x1, y0 + 36 - lift)

    return [
        at("建设单位", 100, 172, 448),
        at("安和市盛世农业发展有限公司", 240, 450, 448),
        at("联系人", 100, 160, 487),
        at("雷伟杰", 240, 300, 487),
        at("联系电话", 400, 480, 487),
        at("15184713654", 540, 640, 487),
    ]


@pytest.mark.parametrize("rise", [0.0, 4.0, 7.0])
def test_a_tilted_row_keeps_its_own_values(rise: float) -> None:
    p = photo(*_tilted_form(rise))
    assert find_field([p], ["建设单位"], stop=STOP, kind="name").value == "安和市盛世农业发展有限公司"
    assert find_field([p], ["联系人"], stop=STOP, kind="name").value == "雷伟杰"
    assert find_field([p], ["联系电话"], stop=STOP).value == "15184713654"


def test_a_tilted_row_is_not_chained_to_the_row_below() -> None:
    rows = build_rows(_tilted_form(7.0))
    assert [r.text for r in rows] == ["建设单位安和市盛世农业发展有限公司", "联系人雷伟杰联系电话15184713654"]


def test_touching_boxes_of_two_cells_stay_two_cells() -> None:
    """The padded box of a code touches the next caption's box: the caption is still found, the code
    does not run into it."""
    p = photo(
        box("统一社会信用代码", 100, 672, 236, 707),
        box("91361103875P1YDF7A", 240, 672, 400, 707),
        box("法定代表人", 398, 671, 494, 706),
        box("谢平刚", 540, 667, 606, 706),
    )
    assert find_field([p], ["法定代表人"], stop=STOP, kind="name").value == "谢平刚"
    assert find_field([p], ["统一社会信用代码"], stop=STOP, kind="uscc").value == "91361103875P1YDF7A"


def test_the_signing_line_does_not_win_over_the_table_cell() -> None:
    """法定代表人 in the grid and again at the signing line with a scribble read as letters: the grid's
    cell is read (it comes first; the signature is no name)."""
    p = photo(
        box("法定代表人", 398, 671, 494, 706),
        box("谢平刚", 540, 667, 606, 706),
        box("法定代表人（签字）：ee", 400, 882, 690, 953, score=0.82),
    )
    assert find_field([p], ["法定代表人"], stop=STOP, kind="name").value == "谢平刚"


def test_a_name_wrapped_in_its_cell_is_read_whole() -> None:
    """The value's second line stands below the caption's middle, the caption centred between them."""
    p = photo(
        box("环保投资", 100, 591, 171, 622),
        box("231万元", 228, 586, 297, 621),
        box("编制单位", 403, 581, 482, 617),
        box("安和市绿源环境科技有", 543, 564, 723, 602),
        box("限公司", 546, 591, 614, 624),
        box("建设地点", 100, 634, 176, 674),
        box("安和市河西区文化路834号", 244, 633, 434, 668),
    )
    assert find_field([p], ["编制单位"], stop=STOP, kind="name").value == "安和市绿源环境科技有限公司"


def test_a_wrapped_value_stops_at_the_next_rows_caption() -> None:
    """An address cell whose next row's caption is long and ends near the value's left edge."""
    p = photo(
        box("建设地点", 100, 634, 176, 674),
        box("安和市河西区文化路834号", 244, 633, 434, 668),
        box("统一社会信用代码", 101, 672, 237, 708),
        box("91361103875P1YDF7A", 223, 672, 383, 707),
    )
    assert find_field([p], ["建设地点"], stop=STOP, multiline=True).value == "安和市河西区文化路834号"


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_fields_in_any_order_keep_their_values(order: tuple[int, int, int]) -> None:
    pairs = [("姓名", "雷伟杰"), ("公民身份号码", "360502199006263913"), ("住址", "安和市河西区文化路834号")]
    lines = []
    for row, k in enumerate(order):
        label, value = pairs[k]
        lines += [
            box(label, 100, 100 + 60 * row, 100 + 30 * len(label), 136 + 60 * row),
            box(value, 300, 98 + 60 * row, 300 + 20 * len(value), 134 + 60 * row),
        ]
    p = photo(*lines)
    assert find_field([p], ["姓名"], kind="name").value == "雷伟杰"
    assert find_field([p], ["公民身份号码"], kind="id_number").value == "360502199006263913"
    assert find_field([p], ["住址"], multiline=True).value == "安和市河西区文化路834号"


def test_a_caption_misread_by_one_character_is_no_value() -> None:
    """法定代表人's value was not read at all; the next caption, read 注册货本, must not stand in for it."""
    p = photo(
        box("法定代表人", 211, 260, 260, 278, score=0.98),
        box("注册货本", 414, 260, 457, 279, score=0.84),
        box("100万元", 494, 259, 534, 280),
    )
    reading = find_field([p], ["法定代表人"], stop=["注册资本"], kind="name")
    assert reading.status is FieldStatus.EMPTY
    assert reading.value == ""


def test_a_caption_of_the_next_cell_is_no_value_of_a_label_whose_value_wraps_around_it() -> None:
    """经营场所地址 centred between its value's two lines; right of it 经营场所面积, a caption the form
    does not list, then its own value."""
    p = photo(
        box("安和市临江区解放大道268", 467, 558, 700, 587),
        box("经营场所地址", 205, 577, 330, 606),
        box("经营场所面积", 838, 577, 963, 606),
        box("78平方米", 1101, 577, 1190, 606),
        box("号", 467, 597, 490, 626),
    )
    assert find_field([p], ["经营场所地址"], stop=["面积"]).value == "安和市临江区解放大道268号"
    unit = photo(
        box("单位名称", 100, 300, 180, 330),
        box("安和市地名单位", 300, 300, 440, 330),
        box("住所", 600, 300, 640, 330),
        box("安和市青山区胜利路1号", 700, 300, 900, 330),
    )
    assert find_field([unit], ["单位名称"], kind="name").value == "安和市地名单位"


def test_a_chapter_number_glued_to_its_caption_still_heads_the_value_under_it() -> None:
    # OCR joins 第四章 and the heading into one box; the value is printed on the next line
    shot = photo(
        box("第四章股东的姓名或者名称", 170, 466, 430, 495),
        box("韩立新。", 204, 503, 290, 532),
        box("股东（签字）韩立新：wMMA", 494, 796, 824, 843, score=0.86),
    )
    reading = find_field([shot], ["股东的姓名或者名称", "股东"], kind="list", multiline=True)
    assert reading.value.rstrip("。") == "韩立新"


def test_a_list_of_names_is_read_at_its_caption_not_at_a_place_to_stamp() -> None:
    shot = photo(
        box("委托人沈一鸣、钱多、安和市恒远集团有限公司", 184, 492, 601, 518),
        box("委托期限自签发之日起至本事项办结之日止", 185, 525, 508, 552),
        box("委托人（盖章）：安和市恒远集团有限公司", 521, 725, 832, 753),
        box("2026-12-02", 518, 757, 662, 785),
    )
    reading = find_field([shot], ["委托人"], stop=["委托期限"], kind="list", multiline=True)
    assert reading.value == "沈一鸣、钱多、安和市恒远集团有限公司"


def test_a_persons_name_takes_no_line_under_it_whose_caption_was_lost() -> None:
    # a card's letter-spaced 性　别 not read: 女 stands under the name in the value column
    card = photo(
        box("姓名", 391, 254, 457, 290),
        box("韩立新", 518, 252, 586, 286),
        box("女", 518, 282, 548, 317),
        box("汉", 519, 309, 548, 342),
        box("公民身份号码 360102198503061232", 389, 422, 716, 454),
    )
    assert find_field([card], ["姓名"], kind="name").value == "韩立新"


def test_a_units_name_still_wraps_onto_the_next_line() -> None:
    form = photo(
        box("建设单位", 100, 448, 172, 484),
        box("安和市盛世农业发展有", 240, 448, 450, 484),
        box("限公司", 240, 486, 310, 522),
    )
    assert find_field([form], ["建设单位"], kind="name").value == "安和市盛世农业发展有限公司"
