"""A value parted from its caption by the end of a column or a page (prereview.extract.breaks, through
find_field)."""

from __future__ import annotations

from prereview.extract.fields import FieldStatus, find_field
from tests.prereview._pages import line, photo

STOP = ["申请人", "地址", "取水方式", "退水地点", "污水处理措施", "联系电话"]


def _left_page(last: str) -> list:
    """A form that prints each value under its caption, its page ending on `last`."""
    return [
        line("申请人：", 100, 200),
        line("周明", 120, 240),
        line("地址：", 100, 300),
        line("安和市东湖区文化路8号", 120, 340),
        line("取水方式：", 100, 400),
        line("泵站提水", 120, 440),
        line(last, 100, 1500),
    ]


def test_a_caption_ending_the_left_page_of_a_two_page_photo_takes_the_right_pages_first_line() -> None:
    right = [line("经处理后排入城市污水管网", 1400, 150), line("污水处理措施：", 1380, 210)]
    shot = photo(*_left_page("退水地点："), *right, width=2600, height=1800)
    reading = find_field([shot], ["退水地点"], stop=STOP)
    assert reading.status is FieldStatus.OK
    assert reading.value == "经处理后排入城市污水管网"


def test_a_caption_ending_its_page_takes_the_next_pages_first_line() -> None:
    first = photo(*_left_page("退水地点："), height=1600)
    second = photo(line("经处理后排入城市污水管网", 100, 150), line("污水处理措施：", 100, 210))
    reading = find_field([first, second], ["退水地点"], stop=STOP)
    assert reading.status is FieldStatus.OK and reading.page == 1
    assert reading.value == "经处理后排入城市污水管网"


def test_a_blank_caption_followed_by_the_next_caption_stays_blank() -> None:
    right = [line("污水处理措施：", 1400, 150), line("调节池处理", 1420, 210)]
    shot = photo(*_left_page("退水地点："), *right, width=2600, height=1800)
    assert find_field([shot], ["退水地点"], stop=STOP).status is FieldStatus.EMPTY
    glued = [line("联系电话：13800000000", 1400, 150)]
    shot = photo(*_left_page("退水地点："), *glued, width=2600, height=1800)
    assert find_field([shot], ["退水地点"], stop=STOP).status is FieldStatus.EMPTY


def test_a_caption_with_lines_under_it_does_not_look_past_them() -> None:
    right = [line("经处理后排入城市污水管网", 1400, 150)]
    lines = [*_left_page("退水地点："), line("备注：", 100, 1600), *right]
    shot = photo(*lines, width=2600, height=1800)
    assert find_field([shot], ["退水地点"], stop=[*STOP, "备注"]).status is FieldStatus.EMPTY
