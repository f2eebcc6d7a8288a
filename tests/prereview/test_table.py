from __future__ import annotations

from prereview.table import read_column
from tests.prereview._pages import line, page


def _capital_table():
    """出资情况 as on a 公司登记申请书: header cells wrapped onto a second line, four rows, then a new section."""
    return page(
        line("□股东（发起人）、出资情况", 156, 649),
        line("股东（发起人）名称", 164, 704),
        line("证件类型", 456, 704),
        line("证件号码", 645, 704),
        line("认缴出资额", 996, 704),
        line("出资方式", 1171, 704),
        line("或姓名", 164, 740),
        line("（万元）", 996, 740),
        *[
            ln
            for k, (name, number) in enumerate(
                [
                    ("沈晶", "430103199608078400"),
                    ("余华鑫", "360121196703196596"),
                    ("程浩勇", "362321197703014673"),
                ]
            )
            for ln in (
                line(name, 164, 799 + 58 * k),
                line("居民身份证", 456, 799 + 58 * k),
                line(number, 645, 799 + 58 * k),
                line("20", 996, 799 + 58 * k),
                line("货币", 1171, 799 + 58 * k),
            )
        ],
        line("□联络员信息", 156, 1005),
        line("联络员", 167, 1063),
        line("秦东旭", 432, 1063),
    )


def test_column_under_a_wrapped_header_stops_at_the_next_section() -> None:
    names = read_column(_capital_table(), ["股东名称", "股东（发起人）名称或姓名"])
    assert names == ["沈晶", "余华鑫", "程浩勇"]


def test_column_prefers_the_exact_header_to_one_that_only_starts_like_a_label() -> None:
    numbers = read_column(_capital_table(), ["证件号码", "证件类型及号码"])
    assert numbers == ["430103199608078400", "360121196703196596", "362321197703014673"]


def test_no_column_without_a_table_header() -> None:
    assert read_column(page(line("股东名称：沈晶", 156, 300)), ["股东名称"]) is None


def test_column_stops_at_a_paragraph_running_across_the_table() -> None:
    p = page(
        line("股东姓名或名称", 164, 1042),
        line("认缴出资额", 675, 1042),
        line("出资日期", 1165, 1042),
        line("沈晶", 164, 1100),
        line("5", 675, 1100),
        line("2029年3月24日", 1165, 1100),
        line("第七条 公司股东会由全体股东组成，是公司的权力机构，行使职权。", 164, 1135),
    )
    assert read_column(p, ["股东姓名或名称"]) == ["沈晶"]


def test_a_numbered_table_naming_one_asked_for_column_is_read() -> None:
    from prereview.table import read_table

    p = page(
        line("参保单位名称", 167, 267),
        line("安和市博远企业管理咨询有限公司", 461, 267),
        line("序号", 164, 415),
        line("姓名", 253, 415),
        line("个人编号", 432, 415),
        line("参保险种", 719, 415),
        line("1", 164, 473),
        line("许博瑞", 253, 473),
        line("165236861", 432, 473),
        line("养老、医疗", 719, 473),
        line("2", 164, 532),
        line("孔国", 253, 532),
        line("923361590", 432, 532),
        line("养老、医疗", 719, 532),
    )
    rows = read_table(p, {"人员姓名": ("人员姓名", "姓名"), "身份证号码": ("身份证号码",)})
    assert [r.get("人员姓名") for r in rows] == ["许博瑞", "孔国"]


def test_one_named_column_without_a_number_column_is_no_table() -> None:
    from prereview.table import read_table

    p = page(line("姓名", 253, 415), line("个人编号", 432, 415), line("许博瑞", 253, 473))
    assert read_table(p, {"人员姓名": ("姓名",), "身份证号码": ("身份证号码",)}) == []
