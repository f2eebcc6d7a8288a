"""What a value of a field's kind looks like (prereview.extract.kinds): names are Chinese and more than a
date, and carry no check-box glyph."""

from __future__ import annotations

import pytest

from prereview.extract import FieldStatus, find_field
from prereview.extract.kinds import fits_text
from tests.prereview._pages import line, photo


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("周明远", True),
        ("安和市远航商贸有限公司", True),
        ("阿依古丽·买买提", True),
        ("MWW", False),  # a scribble read as letters
        ("2026年7月12日", False),  # the next column's date
        ("2026.07.12", False),
        ("", False),
    ],
)
def test_a_name_is_chinese_and_more_than_a_date(text: str, fits: bool) -> None:
    assert fits_text(text, "name") is fits


def test_a_date_still_fits_a_date_and_letters_a_text_field() -> None:
    assert fits_text("2026年7月12日", "date") and fits_text("MWW", "text")


def test_a_check_box_read_into_a_name_is_no_part_of_it() -> None:
    page = photo(line("法定代表人：☑周明远", 100, 200), line("联系电话：13800000000", 100, 260))
    reading = find_field([page], ["法定代表人"], kind="name")
    assert (reading.status, reading.value) == (FieldStatus.OK, "周明远")


def test_a_name_that_does_not_fit_gives_way_to_the_one_under_its_caption() -> None:
    # two pages photographed side by side: the caption's row runs on into the other page's date, the
    # name is written under the caption
    page = photo(
        line("企业名称：", 100, 200),
        line("2026年7月12日", 1500, 200),
        line("安和市远航商贸有限公司", 130, 240),
        line("统一社会信用代码：", 100, 300),
    )
    reading = find_field([page], ["企业名称"], kind="name", stop=["统一社会信用代码"])
    assert reading.value == "安和市远航商贸有限公司"


@pytest.mark.parametrize(
    "read", ["·安和市远航商贸有限公司", "安和市远航商贸有限公司•", "・安和市远航商贸有限公司"]
)
def test_a_dot_read_at_a_names_end_is_no_part_of_it(read: str) -> None:
    # a speck of the scan read as a dot: a name's separator dot stands only between its parts
    page = photo(line(f"委托人：{read}", 100, 200), line("联系电话：13800000000", 100, 260))
    reading = find_field([page], ["委托人"], kind="name")
    assert reading.value == "安和市远航商贸有限公司"


def test_a_separator_dot_inside_a_name_stays() -> None:
    page = photo(line("受托人：阿依古丽·买买提", 100, 200), line("联系电话：13800000000", 100, 260))
    assert find_field([page], ["受托人"], kind="name").value == "阿依古丽·买买提"
