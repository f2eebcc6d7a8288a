"""Form layouts that misled field reading: caption-value pairs, wrapped cells, headings starting with a
label."""

from __future__ import annotations

from prereview.documents import Box, PageSource, TextLine
from prereview.extract.fields import FieldStatus, find_field, find_fields
from tests.prereview._pages import line, page, photo

FORM_LABELS = ["企业名称", "法定代表人", "主要负责人", "经营方式", "许可范围", "人员类型", "行业类别"]


def test_a_row_of_caption_value_pairs_is_no_table_header() -> None:
    p = page(
        line("法定代表人", 138, 373),
        line("郭成斌", 284, 373),
        line("主要负责人", 510, 373),
        line("郭成斌", 653, 373),
        line("经营方式", 138, 413),
        line("批发（不带储存设施）", 301, 411),
    )
    reading = find_field([p], ["法定代表人"], stop=FORM_LABELS)
    assert (reading.status, reading.value) == (FieldStatus.OK, "郭成斌")


def test_a_wrapped_value_stops_at_the_next_table_row() -> None:
    p = page(
        line("人员类型", 326, 479),
        line("安全生产管理人员", 567, 475),
        line("行业类别", 327, 530),
        line("危险化学品经营单位", 563, 525),
    )
    reading = find_field([p], ["人员类型"], multiline=True)
    assert reading.value == "安全生产管理人员"


def test_a_wrapped_value_continues_when_the_label_column_is_empty() -> None:
    p = page(
        line("许可范围", 136, 448),
        line("硫酸、盐酸、氢氧化钠；乙醇、丙酮、", 303, 451),
        line("甲苯；油漆", 303, 480),
    )
    assert (
        find_field([p], ["许可范围"], multiline=True).value == "硫酸、盐酸、氢氧化钠；乙醇、丙酮、甲苯；油漆"
    )


def test_a_heading_that_starts_with_the_label_loses_to_the_captioned_value() -> None:
    p = page(
        line("编制单位和编制人员情况表", 560, 164),
        line("编制单位（盖章）", 167, 499),
        line("安和市清风环境工程有限公司", 461, 499),
    )
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


def test_a_number_ends_where_its_alphabet_ends() -> None:
    """OCR ran the code into the next caption and its value: the number is its 18 characters."""
    p = page(line("统一社会信用代码", 138, 373), line("9136110124ABEWP15K经济类型有限责任公司", 400, 373))
    assert find_field([p], ["统一社会信用代码"], kind="uscc").value == "9136110124ABEWP15K"
    assert (
        find_field([p], ["统一社会信用代码"]).value == "9136110124ABEWP15K经济类型有限责任公司"
    )  # free text is kept
    glued = page(line("公民身份号码36040219910303157X签发机关", 100, 100))
    assert find_field([glued], ["公民身份号码"], kind="id_number").value == "36040219910303157X"


def test_a_number_split_into_groups_is_joined_up_to_its_length() -> None:
    p = page(line("统一社会信用代码 9136110124 ABEWP15K 13812345678", 138, 373))
    assert find_field([p], ["统一社会信用代码"], kind="uscc").value == "9136110124ABEWP15K"


def test_a_misread_number_is_not_made_to_fit() -> None:
    """One character too many stays too many (the checks say INVALID_USCC), and a value that is no
    number at all is kept for the checks, not cut to nothing."""
    p = page(line("统一社会信用代码", 138, 373), line("9136110124ABEWP15K7经济类型", 400, 373))
    assert find_field([p], ["统一社会信用代码"], kind="uscc").value == "9136110124ABEWP15K7"
    blank = page(line("统一社会信用代码", 138, 373), line("无", 400, 373))
    assert find_field([blank], ["统一社会信用代码"], kind="uscc").value == "无"


def test_a_name_ends_at_the_next_caption() -> None:
    p = page(line("企业名称", 138, 373), line("安和市鑫源新材料贸易有限公司法定代表人苏强飞", 301, 373))
    assert (
        find_field([p], ["企业名称"], stop=FORM_LABELS, kind="name").value == "安和市鑫源新材料贸易有限公司"
    )
    # two-character captions occur inside names: they cut only with their colon
    unit = page(line("单位名称", 138, 373), line("安和市地名单位服务中心", 301, 373))
    assert find_field([unit], ["单位名称"], kind="name").value == "安和市地名单位服务中心"
    colon = page(line("姓名", 138, 373), line("吴琳欣住址：安和市和丰县", 301, 373))
    assert find_field([colon], ["姓名"], kind="name").value == "吴琳欣"


def test_a_number_under_its_caption_beats_a_stray_mark_beside_it() -> None:
    """营业执照: 统一社会信用代码 with the code under it, and the emblem far right OCR read as 门."""
    p = page(
        line("门", 528, 236, score=0.56),
        line("统一社会信用代码", 254, 240),
        line("913611022358MU4D2F", 252, 270),
    )
    reading = find_field([p], ["统一社会信用代码"], kind="uscc")
    assert (reading.status, reading.value) == (FieldStatus.OK, "913611022358MU4D2F")


def test_a_period_beats_the_paragraph_under_a_heading_of_the_same_words() -> None:
    """A scanned lease: the chapter heading's words head the paragraph under it as a caption heads a cell."""
    p = page(
        _ocr("第二条 租赁期限", 173, 835, 450, 895),
        _ocr("租赁期限", 174, 889, 323, 950),
        _ocr("2025年1月14日至2027年1月13日", 474, 892, 940, 942),
        _ocr(
            "租赁期满，乙方需继续承租的，应于期满前三十日书面通知甲方，双方另行签订租赁合同。",
            228,
            981,
            1449,
            1030,
        ),
    )
    assert find_field([p], ["租赁期限"]).value.startswith("租赁期满")  # as text, the heading comes first
    assert find_field([p], ["租赁期限"], kind="period").value == "2025年1月14日至2027年1月13日"


def _ocr(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text=text, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), score=0.99)


def test_a_name_in_a_sentence_ends_at_the_full_stop() -> None:
    """A charter writes its captions in sentences: the name ends where its sentence does, and a list of
    names loses the full stop after the last one."""
    p = page(
        line("公司名称：安和市某某商贸有限公司。公司住所：安和市东湖区文化路12号。", 200, 300),
        line("股东：张某某、安和市某某投资有限公司。", 200, 360),
    )
    name = find_field([p], ["公司名称"], stop=["住所"], kind="name")
    assert (name.status, name.value) == (FieldStatus.OK, "安和市某某商贸有限公司")
    holders = find_field([p], ["股东"], kind="list", multiline=True)
    assert holders.value == "张某某、安和市某某投资有限公司"


def test_a_short_caption_inside_a_longer_one_is_no_caption_of_its_own() -> None:
    """证件号码 (the shareholders' column) is not read inside 法定代表人身份证件号码, a caption of the
    form: that is no 法定代表人 caption glued to a two-character value (性别女民族汉 is)."""
    p = page(
        line("法定代表人：", 200, 300),
        line("张某某", 260, 340),
        line("法定代表人身份证件号码：", 200, 380),
        line("110101199003071234", 260, 420),
    )
    stop = ["法定代表人", "法定代表人身份证件号码"]
    assert find_field([p], ["证件号码"], stop=stop, kind="list").status is FieldStatus.ABSENT
    glued = page(line("性别女民族汉", 200, 300))
    assert find_field([glued], ["民族"], stop=["性别"]).value == "汉"


def test_a_name_caption_inside_a_centred_title_is_no_caption() -> None:
    # the title names the parties: 指定代表 starts it, more of the title follows the "name"
    title = photo(
        line("指定代表或者共同委托代理人授权委托书", 400, 100),
        line("委托人：安和市顺达物流有限公司", 200, 200),
        line("指定代表：王小明", 200, 260),
        line("签署日期：2026年1月1日", 700, 400),
    )
    assert [f.value for f in find_fields([title], ["指定代表", "委托代理人"], kind="name")] == ["王小明"]
    # a caption glued to its value at the left of a line is still one
    left = photo(line("指定代表王小明", 200, 260), line("签署日期：2026年1月1日", 700, 400))
    assert find_field([left], ["指定代表"], kind="name").value == "王小明"


def test_a_caption_running_on_into_a_longer_caption_is_not_left_blank() -> None:
    # 受托人身份证号码 misread as …号间: the start of another caption, not an empty 受托人
    misread = photo(line("受托人身份证号间", 200, 200), line("360121198204186683", 500, 200))
    assert find_fields([misread], ["受托人"], kind="name") == []
    blank = photo(line("受托人：", 200, 200), line("联系电话：", 700, 200))
    assert find_field([blank], ["受托人"], kind="name").status is FieldStatus.EMPTY


def test_a_column_header_tilted_into_the_line_above_still_heads_its_column() -> None:
    # a photo's tilt put 培训日期 | 考核结果 in the row of the unit's line above the table's header
    tilted = photo(
        line("单位名称：安和市某某有限公司", 300, 100),
        line("培训日期", 800, 104),
        line("考核结果", 950, 100),
        line("姓名", 360, 130),
        line("学时", 700, 130),
        line("王小明", 360, 170),
        line("24", 700, 170),
        line("2026-04-18", 800, 170),
        line("合格", 950, 170),
    )
    stop = ["姓名", "学时", "培训日期", "考核结果"]
    assert find_field([tilted], ["培训日期"], stop=stop, kind="date").value == "2026-04-18"
    # a caption with a blank cell and the next caption beside it on its own line stays empty
    blank = photo(line("培训日期", 300, 100), line("考核结果", 600, 100), line("备注：无", 300, 300))
    assert find_field([blank], ["培训日期"], stop=stop, kind="date").status is not FieldStatus.OK


def test_the_next_header_cell_of_a_table_is_no_name() -> None:
    # a tilted photo put 出资方式 and 出资日期 in the row above: 股东姓名或名称 and 认缴出资额（万元）
    # are left alone in the header's row, and the second must not be read as the first's value
    header = page(
        line("股东姓名或名称", 100, 300),
        line("认缴出资额（万元）", 400, 300),
        line("何婷佳", 100, 340),
        line("80", 400, 340),
        source=PageSource.OCR,
    )
    stop = ["出资额", "出资方式", "出资日期"]
    assert find_field([header], ["股东姓名或名称"], stop=stop, kind="list").status is FieldStatus.ABSENT
    # a name beside its caption is still read
    beside = page(
        line("股东姓名或名称", 100, 300), line("安和市汇丰实业有限公司", 400, 300), source=PageSource.OCR
    )
    assert find_field([beside], ["股东姓名或名称"], stop=stop, kind="list").value == "安和市汇丰实业有限公司"


def test_a_value_under_its_caption_is_read_over_the_lines_it_wraps_onto() -> None:
    first = "冯丽（360602197008226338）货币出资；姚强（361102197309014770）货币出资；安和"
    p = page(
        line("股东（发起人）、出资情况：", 150, 1250),
        line(first, 215, 1300),
        line("市鼎盛投资有限公司（91360102D2NCD4857B）货币出资", 215, 1348),
        line("联络员：", 150, 1400),
        line("冯丽 13292156477", 215, 1448),
    )
    reading = find_field([p], ["股东（发起人）、出资情况"], stop=["联络员"], multiline=True, kind="list")
    assert reading.value == first + "市鼎盛投资有限公司（91360102D2NCD4857B）货币出资"


def test_a_value_right_of_its_caption_wraps_onto_an_indented_line_under_the_caption() -> None:
    first = "股东（发起人）、出资情况：杨刚鹏（36011120000423350X）货币出资；梁志（"
    p = page(
        line("公司类型：有限责任公司", 142, 923),
        line(first, 142, 963),
        line("362321198708245360）货币出资", 209, 1003),
        line("联络员：杨秀英 19708454373", 142, 1043),
    )
    reading = find_field([p], ["股东（发起人）、出资情况"], stop=["联络员"], multiline=True, kind="list")
    assert reading.value == "杨刚鹏（36011120000423350X）货币出资；梁志（362321198708245360）货币出资"


def test_a_value_under_its_caption_that_ends_short_of_the_right_edge_did_not_wrap() -> None:
    p = page(
        line("经营范围：", 150, 1250),
        line("餐饮服务；食品销售", 215, 1300),
        line("本表所填内容真实有效，申请人对其真实性承担法律责任。", 215, 1348),
    )
    reading = find_field([p], ["经营范围"], multiline=True)
    assert reading.value == "餐饮服务；食品销售"
