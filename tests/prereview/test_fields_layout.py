"""Form layouts that misled field reading: caption-value pairs, wrapped cells, headings starting with a label."""

from __future__ import annotations

from prereview.extract.fields import FieldStatus, find_field
from tests.prereview._pages import line, page

FORM_LABELS = ["企业名称", "法定代表人", "主要负责人", "经营方式", "许可范围", "人员类型", "行业类别"]


def test_a_row_of_caption_value_pairs_is_no_table_header() -> None:
    p = page(line("法定代表人", 138, 373), line("郭成斌", 284, 373), line("主要负责人", 510, 373), line("郭成斌", 653, 373),
             line("经营方式", 138, 413), line("批发（不带储存设施）", 301, 411))  # fmt: skip
    reading = find_field([p], ["法定代表人"], stop=FORM_LABELS)
    assert (reading.status, reading.value) == (FieldStatus.OK, "郭成斌")


def test_a_wrapped_value_stops_at_the_next_table_row() -> None:
    p = page(line("人员类型", 326, 479), line("安全生产管理人员", 567, 475),
             line("行业类别", 327, 530), line("危险化学品经营单位", 563, 525))  # fmt: skip
    reading = find_field([p], ["人员类型"], multiline=True)
    assert reading.value == "安全生产管理人员"


def test_a_wrapped_value_continues_when_the_label_column_is_empty() -> None:
    p = page(line("许可范围", 136, 448), line("硫酸、盐酸、氢氧化钠；乙醇、丙酮、", 303, 451),
             line("甲苯；油漆", 303, 480))  # fmt: skip
    assert (
        find_field([p], ["许可范围"], multiline=True).value == "硫酸、盐酸、氢氧化钠；乙醇、丙酮、甲苯；油漆"
    )


def test_a_heading_that_starts_with_the_label_loses_to_the_captioned_value() -> None:
    p = page(line("编制单位和编制人员情况表", 560, 164), line("编制单位（盖章）", 167, 499),
             line("安和市清风环境工程有限公司", 461, 499))  # fmt: skip
    assert find_field([p], ["编制单位"]).value == "安和市清风环境工程有限公司"


def test_a_value_centred_beside_a_label_wrapped_over_two_lines() -> None:
    p = page(
        line("法定代表人身份证", 838, 463),
        line("法定代表人", 167, 482),
        line("周英", 432, 482),
        line("362321196904161501", 1103, 482),
        line("件号码", 838, 502),
    )
    reading = find_field([p], ["法定代表人身份证件号码", "身份证件号码"])
    assert (reading.status, reading.value) == (FieldStatus.OK, "362321196904161501")


def test_a_value_wrapped_around_a_vertically_centred_label() -> None:
    p = page(
        line("建设地点", 167, 401),
        line("安和市和丰县和平乡滨江路241号", 461, 401),
        line("2505-361102-29-03-12847", 432, 468),
        line("项目代码", 167, 488),
        line("建设性质", 838, 488),
        line("改建", 1103, 488),
        line("1", 432, 508),
        line("行业类别", 167, 575),
        line("C2929", 461, 575),
    )
    reading = find_field([p], ["项目代码"], stop=["建设地点", "建设性质", "行业类别"])
    assert (reading.status, reading.value) == (FieldStatus.OK, "2505-361102-29-03-128471")


def test_a_blank_cell_with_text_only_below_is_still_empty() -> None:
    p = page(line("有效期限", 87, 601, h=40), line("安", 524, 640, h=40), line("发证机关", 87, 720, h=40))
    assert find_field([p], ["有效期限"], stop=["发证机关"]).status is FieldStatus.EMPTY
