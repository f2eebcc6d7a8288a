from __future__ import annotations

from prereview.documents import Box, Page, PageSource, TextLine
from prereview.table import read_column, read_table
from tests.prereview._pages import line, page, photo


def _capital_table():
    """出资情况 as on a 公司登记申请书: header cells wrapped onto a second line, four rows, then a new
    section."""
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


# --- OCR geometry: boxes padded by about a fifth of their height, rows touching --------------------


def _ocr(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text=text, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), score=0.99)


def _ocr_page(*lines: TextLine) -> Page:
    return Page(index=0, width=1736.0, height=2397.0, source=PageSource.OCR, lines=list(lines))


def test_a_scanned_staff_table_is_read_row_by_row() -> None:
    """专职工作人员基本情况表 as OCR reads a scan: 序号 one box two rows high, boxes of a row with
    different tops, an ID number whose padded box reaches past the next column's edge, periods wrapped."""
    p = _ocr_page(
        _ocr("序号", 186, 323, 243, 418),
        _ocr("姓名", 254, 326, 339, 380),
        _ocr("身份证号码", 398, 324, 561, 378),
        _ocr("学历", 712, 322, 799, 380),
        _ocr("岗位", 1088, 321, 1170, 378),
        _ocr("劳动合同期限", 1228, 320, 1418, 375),
        _ocr("1", 193, 424, 227, 467),
        _ocr("陶海平", 258, 420, 368, 474),
        _ocr("360121197202141698", 400, 423, 721, 468),
        _ocr("大学本科", 718, 423, 851, 470),
        _ocr("业务主管", 1092, 419, 1227, 473),
        _ocr("2024-01-01至2027-01", 1232, 416, 1535, 469),
        _ocr("-01", 1230, 458, 1297, 506),
        _ocr("2", 191, 518, 232, 566),
        _ocr("顾倩静", 259, 517, 366, 570),
        _ocr("36040219850329506X", 401, 519, 719, 562),
        _ocr("硕士研究", 719, 517, 851, 564),
        _ocr("职业指导", 1090, 513, 1225, 567),
        _ocr("2022-10-22至2025-10", 1232, 515, 1536, 557),
        _ocr("生", 719, 554, 768, 600),
        _ocr("-22", 1234, 552, 1298, 603),
    )
    rows = read_table(
        p,
        {
            "姓名": ("姓名",),
            "身份证号码": ("身份证号码",),
            "学历": ("学历",),
            "岗位": ("岗位",),
            "劳动合同期限": ("劳动合同期限",),
        },
    )
    assert rows == [
        {
            "姓名": "陶海平",
            "身份证号码": "360121197202141698",
            "学历": "大学本科",
            "岗位": "业务主管",
            "劳动合同期限": "2024-01-01至2027-01-01",
        },
        {
            "姓名": "顾倩静",
            "身份证号码": "36040219850329506X",
            "学历": "硕士研究生",
            "岗位": "职业指导",
            "劳动合同期限": "2022-10-22至2025-10-22",
        },
    ]


def _scanned_capital_table() -> Page:
    """出资情况 as OCR reads a scan: header cells closer than a character, rows overlapping, a 统一社会
    信用代码 read as one box with its wrapped type cell, the next section right under the table."""
    return _ocr_page(
        _ocr("□股东（发起人）、出资情况", 214, 681, 630, 733),
        _ocr("股东（发起人）名称", 220, 734, 491, 788),
        _ocr("证件类型", 506, 734, 642, 791),
        _ocr("证件号码", 699, 733, 832, 789),
        _ocr("认缴出资额", 1051, 733, 1216, 790),
        _ocr("出资方式", 1227, 736, 1360, 791),
        _ocr("或姓名", 220, 772, 325, 830),
        _ocr("(万元)", 1067, 774, 1171, 832),
        _ocr("沈婕芳", 211, 827, 328, 895),
        _ocr("居民身份证", 512, 830, 672, 887),
        _ocr("362321196707035127", 701, 831, 1019, 883),
        _ocr("100", 1050, 833, 1122, 884),
        _ocr("货币", 1221, 825, 1311, 895),
        _ocr("安和市汇丰实业有限", 211, 884, 505, 954),
        _ocr("统一社会信用9136110393L46JR24W", 512, 884, 1019, 954),
        _ocr("60", 1050, 884, 1100, 954),
        _ocr("公司", 211, 920, 290, 990),
        _ocr("代码", 512, 920, 590, 990),
        _ocr("□联络员信息", 211, 1020, 411, 1077),
        _ocr("联络员", 214, 1077, 333, 1142),
        _ocr("程剑", 484, 1079, 570, 1142),
        _ocr("联络员电话", 888, 1078, 1064, 1139),
    )


def test_a_scanned_capital_table_is_read_column_by_column() -> None:
    p = _scanned_capital_table()
    assert read_column(p, ["股东（发起人）名称或姓名"]) == ["沈婕芳", "安和市汇丰实业有限公司"]
    assert read_column(p, ["证件号码"]) == ["362321196707035127", "9136110393L46JR24W"]


def test_the_last_row_keeps_its_own_lines_only() -> None:
    """The last row of a scanned staff table: a line printed under the table (the unit's seal caption)
    is no part of it however small the gap, and an ID number whose box overhangs the next column by two
    digits keeps them."""
    p = _ocr_page(
        _ocr("序号", 186, 323, 243, 418),
        _ocr("姓名", 254, 321, 336, 380),
        _ocr("身份证号码", 398, 322, 557, 377),
        _ocr("学历", 712, 320, 796, 379),
        _ocr("岗位", 1090, 324, 1166, 374),
        _ocr("1", 193, 424, 223, 467),
        _ocr("方璐怡", 256, 416, 366, 472),
        _ocr("360111198305214249", 401, 420, 717, 466),
        _ocr("大学本科", 717, 420, 846, 466),
        _ocr("信息审核", 1092, 418, 1224, 464),
        _ocr("2", 193, 520, 226, 558),
        _ocr("史飞哲", 258, 512, 364, 566),
        _ocr("362321199910285774", 399, 514, 727, 556),
        _ocr("大专", 712, 513, 790, 559),
        _ocr("招聘专员", 1090, 513, 1222, 559),
        _ocr("机构（盖章）：安和市博远企业管理咨询有限公司", 830, 640, 1528, 696),
        _ocr("日期：2026年5月2日", 834, 716, 1149, 765),
    )
    rows = read_table(
        p, {"姓名": ("姓名",), "身份证号码": ("身份证号码",), "学历": ("学历",), "岗位": ("岗位",)}
    )
    assert rows[-1] == {
        "姓名": "史飞哲",
        "身份证号码": "362321199910285774",
        "学历": "大专",
        "岗位": "招聘专员",
    }


def _photographed_capital_table() -> Page:
    """A photographed 出资情况 table: the name column's header merged by OCR with the next header cell,
    its second line 姓名 wrapped under it, then the next part of the form with its own caption-value rows."""
    return photo(
        _box("股东（发起人）名称或证件类型", 128, 344, 281, 368),
        _box("姓名", 131, 361, 160, 377),
        _box("证件号码", 302, 345, 345, 364),
        _box("认缴出资额", 424, 344, 480, 361),
        _box("出资日期", 528, 342, 574, 360),
        *[
            b
            for k, (name, number) in enumerate(
                [("李淑媛", "362321196801214789"), ("谢瑶慧", "360102199408089549")]
            )
            for b in (
                _box(name, 131, 380 + 21 * k, 170, 400 + 21 * k),
                _box("居民身份证", 237, 379 + 21 * k, 291, 397 + 21 * k),
                _box(number, 303, 378 + 21 * k, 397, 396 + 21 * k),
                _box("30", 426, 378 + 21 * k, 446, 395 + 21 * k),
                _box("2028年11月13日", 530, 374 + 21 * k, 605, 395 + 21 * k),
            )
        ],
        _box("第二部分 食品经营许可信息", 130, 451, 272, 475),
        _box("主体业态", 137, 473, 186, 495),
        _box("餐饮服务经营者", 239, 472, 319, 494),
        _box("经营项目", 138, 498, 186, 520),
        _box("热食类食品制售、自制饮品制售、半成品制售", 240, 495, 452, 520),
    )


def _box(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text=text, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), score=0.99)


def test_a_column_ends_where_the_form_goes_on_below_the_table() -> None:
    numbers = read_column(_photographed_capital_table(), ["证件号码", "证件类型及号码"])
    assert numbers == ["362321196801214789", "360102199408089549"]


def test_touching_header_cells_are_two_columns() -> None:
    """OCR's padded boxes of two header cells touch: the name column is still found by its header."""
    p = photo(
        _box("股东（发起人）名称", 223, 748, 499, 797),
        _box("证件类型", 497, 745, 635, 798),
        _box("证件号码", 679, 745, 812, 801),
        _box("认缴出资额", 1007, 744, 1172, 797),
        _box("或姓名", 224, 784, 331, 842),
        _box("张婷燕", 221, 838, 334, 902),
        _box("居民身份证", 501, 843, 663, 897),
        _box("360121197212193002", 681, 846, 975, 889),
        _box("120", 1012, 843, 1082, 894),
        _box("韩雪淑", 223, 898, 335, 952),
        _box("居民身份证", 499, 897, 662, 947),
        _box("362321198208220466", 679, 901, 975, 944),
        _box("180", 1010, 894, 1079, 949),
    )
    assert read_column(p, ["股东名称", "股东（发起人）名称或姓名"]) == ["张婷燕", "韩雪淑"]
    assert read_column(p, ["证件号码"]) == ["360121197212193002", "362321198208220466"]


def test_a_blank_cell_is_an_empty_entry_of_its_row() -> None:
    rows = [("操作台", "6张", "切配备餐"), ("冷藏冷冻设备", "3台", ""), ("洗手池", "3个", "从业人员洗手")]
    lines = [
        line("序号", 157, 1241),
        line("设备设施名称", 289, 1241),
        line("数量", 726, 1241),
        line("用途", 944, 1241),
    ]
    for k, (name, count, use) in enumerate(rows):
        y = 1299 + 58 * k
        lines += [line(str(k + 1), 157, y), line(name, 289, y), line(count, 726, y)]
        lines += [line(use, 944, y)] if use else []
    p = page(*lines)
    captions = ["序号", "设备设施名称", "数量", "用途"]
    assert read_column(p, ["用途"], captions=captions) == ["切配备餐", "", "从业人员洗手"]
    assert read_column(p, ["数量"], captions=captions) == ["6张", "3台", "3个"]


def test_a_row_of_caption_value_pairs_heads_no_column_when_captions_are_given() -> None:
    p = page(
        line("权利人", 100, 300),
        line("汪军明", 300, 300),
        line("共有情况", 600, 300),
        line("单独所有", 800, 300),
        line("坐落", 100, 360),
        line("安和市青山区翠湖路30号", 300, 360),
    )
    assert read_column(p, ["权利人"], captions=["权利人", "共有情况", "坐落"]) is None


def test_a_header_whose_right_cells_a_photo_tilted_up_into_the_line_above_is_read() -> None:
    # the paragraph's last line ends where the header starts; the header's right-hand cells stand a
    # few pixels higher than its left ones, so they meet the far end of that line first
    def at(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
        return TextLine(text=text, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), score=0.99)

    tilted = photo(
        at("立之日起五年内缴足认缴的出资额", 207, 706, 469, 743),
        at("出资日期", 760, 723, 842, 761),
        at("认缴出资额（万元）", 486, 726, 634, 762),
        at("出资方式", 641, 727, 719, 761),
        at("股东姓名或名称", 209, 729, 331, 763),
        at("何婷佳", 213, 761, 270, 795),
        at("80", 490, 762, 522, 791),
        at("货币", 640, 757, 689, 794),
        at("2029年9月29日", 761, 756, 891, 791),
        at("王霞媛", 212, 823, 272, 857),
        at("60", 490, 824, 522, 855),
        at("货币", 637, 819, 691, 860),
        at("2029年9月29日", 762, 820, 892, 854),
        width=1000,
    )
    assert read_column(tilted, ["股东姓名或名称"]) == ["何婷佳", "王霞媛"]
