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
