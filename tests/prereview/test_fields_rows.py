"""Two fields on one row and values printed under their labels (generated real-world layouts, issue #11)."""

from __future__ import annotations

from prereview.extract.fields import FieldStatus, find_field
from tests.prereview._pages import line, page


def test_two_caption_value_pairs_on_one_row_are_no_header() -> None:
    p = page(
        line("委托人：甲乙丙", 183, 374),
        line("受托人：丁戊己", 827, 374),
        line("受托人身份证号码：360103199110091781", 183, 429),
        line("联系电话：19721011117", 183, 485),
    )
    left = find_field([p], ["委托人"], kind="name")
    right = find_field([p], ["受托人"], kind="name")
    assert (left.status, left.value) == (FieldStatus.OK, "甲乙丙")
    assert (right.status, right.value) == (FieldStatus.OK, "丁戊己")


def test_a_row_of_bare_captions_is_still_a_header() -> None:
    p = page(
        line("委托人：", 183, 374),
        line("受托人：", 827, 374),
        line("甲乙丙", 183, 429),
        line("丁戊己", 827, 429),
    )
    assert find_field([p], ["受托人"], kind="name").value == "丁戊己"


def test_a_value_indented_under_a_short_caption_is_its_value() -> None:
    p = page(
        line("名称：", 198, 424),
        line("安和市某某文化传媒有限公司", 254, 472),
        line("住所：", 198, 520),
        line("安和市某区某路1号", 254, 567),
    )
    name = find_field([p], ["名称"])
    assert (name.status, name.value) == (FieldStatus.OK, "安和市某某文化传媒有限公司")
    assert find_field([p], ["住所"]).value == "安和市某区某路1号"


def test_an_empty_caption_does_not_take_the_next_caption_below() -> None:
    p = page(
        line("名称：", 198, 424),
        line("住所：", 198, 472),
        line("安和市某区某路1号", 254, 520),
    )
    assert find_field([p], ["名称"]).status is FieldStatus.EMPTY


def test_a_cell_of_another_column_below_is_no_value() -> None:
    p = page(
        line("名称：", 198, 424),
        line("备注", 700, 472),
    )
    assert find_field([p], ["名称"]).status is FieldStatus.EMPTY


def test_an_empty_caption_does_not_take_the_next_caption_that_lost_its_colon() -> None:
    p = page(
        line("住所：", 214, 440),
        line("联系电话19419494869", 212, 474),
        line("法定代表人:甲乙", 214, 508),
    )
    assert find_field([p], ["住所"]).status is FieldStatus.EMPTY
    assert find_field([p], ["联系电话"]).value == "19419494869"


def test_a_value_under_its_caption_may_start_with_a_short_caption_word() -> None:
    p = page(
        line("经营场所：", 214, 440),
        line("单位宿舍楼一层", 214, 474),
    )
    assert find_field([p], ["经营场所"]).value == "单位宿舍楼一层"
