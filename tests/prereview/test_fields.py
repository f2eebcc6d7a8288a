"""Field extraction and value parsers (prereview.extract): README §2.2, §2.5, §7.1, §9 examples first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from prereview.documents import Box, Page, PageSource, TextLine
from prereview.extract import (
    FieldStatus,
    Problem,
    check_id_number,
    check_uscc,
    checkbox_marks,
    find_field,
    find_fields,
    find_id_numbers,
    find_plates,
    find_usccs,
    parse_amount,
)
from prereview.extract.fields import plausible_names
from rules.dates import parse_period
from tests.fixtures.visual_images import fixture_page
from tests.prereview._pages import line, page

# --- README §9: number checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid", "problem"),
    [
        ("11010519491231002X", True, None),  # README §9.1: the standard's example
        ("110105194912310021", False, Problem.CHECKSUM),  # README: wrong check digit
        ("110105194902300012", False, Problem.DATE),  # README: right check digit, 30 February
        ("11010519491231002x", True, None),  # lower-case x is normalised
        ("１１０１０５１９４９１２３１００２Ｘ", True, None),  # full-width
        ("110105 19491231 002X", True, None),  # spaces
        ("110105491231002", False, Problem.LENGTH),  # old 15-digit numbers are invalid
        ("1101051949123100", False, Problem.LENGTH),
        ("11O10519491231002X", False, Problem.FORMAT),  # a letter O is not a digit (text layer)
        ("362202198806052799", False, Problem.CHECKSUM),  # SC-P03 M3 expected INVALID_ID
        ("360111199001276076", False, Problem.CHECKSUM),  # YJS-P02 M1
        ("36040219910303157X", True, None),
    ],
)
def test_check_id_number(number: str, valid: bool, problem: Problem | None) -> None:
    result = check_id_number(number)
    assert result.valid is valid
    assert result.problem == problem


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_id_number_birth_before_1900_is_invalid() -> None:
    early = check_id_number(_with_check_digit("11010518991231001"))
    assert not early.valid and early.problem is Problem.DATE


def test_id_number_birth_after_review_date_is_invalid() -> None:
    # 2026-06-01 birth with a right check digit: valid on 2026-06-01, invalid the day before
    number = _with_check_digit("11010520260601001")
    assert check_id_number(number, review_date=date(2026, 6, 1)).valid
    late = check_id_number(number, review_date=date(2026, 5, 31))
    assert not late.valid and late.problem is Problem.DATE
    assert late.birth_date == date(2026, 6, 1)


def test_ocr_repair_never_turns_a_checksum_failure_into_a_pass() -> None:
    repaired = check_id_number("11O1O519491231002X", ocr=True)
    assert repaired.valid and repaired.repaired and repaired.number == "11010519491231002X"
    still_bad = check_id_number("11O105194912310021", ocr=True)
    assert still_bad.repaired and not still_bad.valid and still_bad.problem is Problem.CHECKSUM


@pytest.mark.parametrize(
    ("code", "valid", "problem"),
    [
        ("91350100M000100Y43", True, None),  # README §9.2: the standard's example
        ("91350100M000100Y44", False, Problem.CHECKSUM),  # README: wrong check character
        ("91350100M000I00Y43", False, Problem.FORMAT),  # README: letter I
        ("91350100m000100y43", True, None),  # letters upper-cased
        ("9135 0100 M000 100Y 43", True, None),
        ("9136110145Q8U9529P", False, Problem.CHECKSUM),  # JT-P02 M2 expected INVALID_USCC
        ("91361121158WWK4K1E", True, None),
        ("91350100M000100Y4", False, Problem.LENGTH),
        ("91350100M000O00Y43", False, Problem.FORMAT),  # letter O
    ],
)
def test_check_uscc(code: str, valid: bool, problem: Problem | None) -> None:
    result = check_uscc(code)
    assert result.valid is valid
    assert result.problem == problem


def test_uscc_letters_in_the_first_eight_are_not_checked_one_by_one() -> None:
    body = "Y1350100M000100Y4"  # README §9.2: positions 1-8 are not checked individually
    assert check_uscc(body + stdnum_uscc.calc_check_digit(body + "0")).valid


def test_uscc_ocr_repair_is_limited_to_the_region_code() -> None:
    assert check_uscc("9135O1OOM000100Y43", ocr=True).valid  # O in the region code: a 0 misread
    assert not check_uscc("91350100M000I00Y43", ocr=True).valid  # I in the body stays an error


def test_find_numbers_in_text() -> None:
    text = (
        "统一社会信用代码：91350100M000100Y43 法定代表人 张三 身份证 11010519491231002X 旧号 110105491231002"
    )
    ids = find_id_numbers(text)
    assert [(n.number, n.valid) for n in ids] == [("11010519491231002X", True), ("110105491231002", False)]
    assert [(c.number, c.valid) for c in find_usccs(text)] == [("91350100M000100Y43", True)]


# --- plates, amounts, checkbox marks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "new_energy"),
    [
        ("号牌号码 赣QB0237 车辆类型", "赣QB0237", False),
        ("赣Q·F9915", "赣QF9915", False),
        ("赣QD12345", "赣QD12345", True),  # small new-energy plate
        ("赣Q12345F", "赣Q12345F", True),  # large new-energy plate
        ("赣ｑｂ0237", "赣QB0237", False),
    ],
)
def test_plates(text: str, number: str, new_energy: bool) -> None:
    plates = find_plates(text)
    assert [(p.number, p.new_energy) for p in plates] == [(number, new_energy)]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("100万元", Decimal(1_000_000)),
        ("注册资本 500万元人民币", Decimal(5_000_000)),
        ("1,000.00元", Decimal(1000)),
        ("壹佰万元整", Decimal(1_000_000)),
        ("伍佰万元整", Decimal(5_000_000)),
        ("伍拾万", Decimal(500_000)),
        ("叁仟伍佰元", Decimal(3500)),
    ],
)
def test_amounts(text: str, yuan: Decimal) -> None:
    amount = parse_amount(text)
    assert amount is not None and amount.yuan == yuan


def test_checkbox_marks() -> None:
    line = "申请经营范围：☑道路普通货运 ☐货物专用运输（冷藏保鲜） □大型物件运输"
    assert checkbox_marks(line, ["道路普通货运", "货物专用运输", "大型物件运输", "其他"]) == {
        "道路普通货运": True,
        "货物专用运输": False,
        "大型物件运输": False,
        "其他": None,
    }
    assert checkbox_marks("是（√） 否（ ）", ["是", "否"]) == {"是": True, "否": False}
    assert checkbox_marks("■同意 □不同意", ["同意", "不同意"]) == {"同意": True, "不同意": False}


# --- find_field on synthetic pages ---------------------------------------------------------------------


def _line(
    text: str, x0: float, y0: float, *, h: float = 30, score: float = 0.99, w: float | None = None
) -> TextLine:
    width = w if w is not None else h * sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in text)
    return TextLine(text=text, box=Box(x0=x0, y0=y0, x1=x0 + width, y1=y0 + h), score=score)


def _page(*lines: TextLine) -> Page:
    return Page(index=0, width=1600, height=2200, source=PageSource.OCR, lines=list(lines))


@pytest.mark.parametrize(
    ("lines", "labels", "value"),
    [
        ([_line("申请人名称：安和市顺达物流有限公司", 100, 100)], ["申请人名称"], "安和市顺达物流有限公司"),
        ([_line("申请人名称:安和市顺达物流有限公司", 100, 100)], ["申请人名称"], "安和市顺达物流有限公司"),
        ([_line("姓名", 100, 100), _line("吴琳欣", 300, 100)], ["姓名"], "吴琳欣"),  # value right, own box
        (
            [_line("姓", 100, 100), _line("名", 140, 100), _line("吴琳欣", 300, 100)],
            ["姓名"],
            "吴琳欣",
        ),  # split label
        ([_line("姓  名   吴琳欣", 100, 100)], ["姓名"], "吴琳欣"),  # spaces inside the label
        ([_line("性别女民族汉", 100, 100)], ["民族"], "汉"),  # OCR glued pairs
        ([_line("性别女民族汉", 100, 100)], ["性别"], "女"),
        ([_line("出生 1969 年 6 月 4 日", 100, 100)], ["出生"], "1969年6月4日"),  # spaced date joined
        (
            [_line("统一社会信用代码 9136110129PE803C31 负责人 邹军哲", 100, 100)],
            ["负责人"],
            "邹军哲",
        ),
        (
            [_line("统一社会信用代码 9136110129PE803C31 负责人 邹军哲", 100, 100)],
            ["统一社会信用代码"],
            "9136110129PE803C31",
        ),
        ([_line("委托人（签字）：莫超旭", 100, 100)], ["委托人"], "莫超旭"),  # bracketed note skipped
        (
            [
                _line("序号", 100, 100),
                _line("姓名", 250, 100),
                _line("准驾车型", 450, 100),
                _line("1", 100, 150),
                _line("程洁", 250, 150),
            ],
            ["姓名"],
            "程洁",
        ),  # column header: the value below
        (
            [_line("统一社会信用代码", 100, 100), _line("9136112173JK3RCY9G", 100, 140)],
            ["统一社会信用代码"],
            "9136112173JK3RCY9G",
        ),  # caption alone on its row, code under it (营业执照)
        (
            [
                _line("法定代表人身份证", 500, 100, h=25),
                _line("件号码", 497, 118, h=35),
                _line("360111199001276076", 660, 110, h=24),
            ],
            ["法定代表人身份证件号码"],
            "360111199001276076",
        ),  # a label wrapped in its table cell
    ],
)
def test_find_field_values(lines: list[TextLine], labels: list[str], value: str) -> None:
    reading = find_field([_page(*lines)], labels)
    assert reading.status is FieldStatus.OK, reading
    assert reading.value == value


def test_label_only_at_a_phrase_start() -> None:
    page = _page(_line("申请人名称", 100, 100), _line("安和市顺达物流有限公司", 400, 100))
    assert find_field([page], ["名称"]).status is FieldStatus.ABSENT
    assert find_field([page], ["名称", "申请人名称"]).value == "安和市顺达物流有限公司"


def test_empty_field_does_not_take_the_next_rows_caption() -> None:
    page = _page(
        _line("计量方式", 100, 100),
        _line("节水措施", 100, 160),
        _line("采用循环冷却水系统", 400, 160),
        _line("经办人", 100, 220),
        _line("申请经营范围：道路普通货运", 100, 280),
    )
    assert find_field([page], ["计量方式"]).status is FieldStatus.EMPTY
    assert find_field([page], ["经办人"]).status is FieldStatus.EMPTY
    assert find_field([page], ["节水措施"]).value == "采用循环冷却水系统"


def test_unreadable_and_absent() -> None:
    page = _page(_line("委托期限", 100, 100), _line("自2026年?月", 400, 100, score=0.31))
    assert find_field([page], ["委托期限"]).status is FieldStatus.UNREADABLE
    assert find_field([page], ["有效期限"]).status is FieldStatus.ABSENT


def test_ink_without_text_is_unreadable() -> None:
    page = _page(_line("有效期限", 100, 100))
    probed: list[tuple[int, Box]] = []

    def has_ink(pos: int, box: Box) -> bool:
        probed.append((pos, box))
        return True

    reading = find_field([page], ["有效期限"], has_ink=has_ink)
    assert reading.status is FieldStatus.UNREADABLE
    assert probed and probed[0][1].x0 > 100 + 4 * 30 - 1
    assert find_field([page], ["有效期限"], has_ink=lambda pos, box: False).status is FieldStatus.EMPTY


def test_multiline_address_and_all_occurrences() -> None:
    page = _page(
        _line("住址", 100, 100),
        _line("安和市和丰县新桥镇新村26", 250, 100),
        _line("号", 250, 140),
        _line("公民身份号码", 100, 220),
    )
    assert find_field([page], ["住址"], multiline=True).value == "安和市和丰县新桥镇新村26号"
    assert find_field([page], ["住址"]).value == "安和市和丰县新桥镇新村26"
    two = [page, page]
    assert [r.page for r in find_fields(two, ["住址"])] == [0, 1]


# --- find_field on real pages (the reader's output for sample files, stored in fixtures) -----------------


@pytest.mark.parametrize(
    ("key", "labels", "status", "value"),
    [
        ("jt_form_unsigned", ["申请人名称"], FieldStatus.OK, "安和市蓝天物流有限公司"),
        ("jt_form_unsigned", ["统一社会信用代码"], FieldStatus.OK, "91361121158WWK4K1E"),
        ("jt_form_unsigned", ["负责人", "负责人姓名"], FieldStatus.OK, "蔡浩国"),
        ("jt_form_unsigned", ["经办人"], FieldStatus.EMPTY, ""),
        ("water_form_blank_field", ["计量方式"], FieldStatus.EMPTY, ""),  # SL-P03 expected FIELD_EMPTY
        ("id_both_faces", ["公民身份号码"], FieldStatus.OK, "362321196906040981"),
        ("id_both_faces", ["有效期限"], FieldStatus.OK, "2006.04.01-2026.04.01"),
        ("id_both_faces", ["民族"], FieldStatus.OK, "汉"),
        ("poa_photo", ["委托期限"], FieldStatus.OK, "自2026年2月25日至2027年2月25日"),
        ("poa_photo", ["受托人身份证号码", "受托人身份证件号码"], FieldStatus.OK, "36040219910303157X"),
        ("licence_scan", ["统一社会信用代码"], FieldStatus.OK, "9136112173JK3RCY9G"),
        ("licence_scan", ["名称"], FieldStatus.OK, "安和市同创人才服务有限公司"),
        ("bundle_form_photo", ["法定代表人身份证件号码"], FieldStatus.OK, "360111199001276076"),
        ("driving_licence", ["证号"], FieldStatus.OK, "360121196911300415"),
    ],
)
def test_find_field_on_samples(key: str, labels: list[str], status: FieldStatus, value: str) -> None:
    reading = find_field([fixture_page(key)], labels)
    assert (reading.status, reading.value) == (status, value)


def test_parsers_on_sample_values() -> None:
    period = parse_period(find_field([fixture_page("licence_scan")], ["营业期限"]).value)
    assert period is not None and period[0] == date(2004, 12, 31)
    number = find_field([fixture_page("bundle_form_photo")], ["法定代表人身份证件号码"]).value
    assert check_id_number(number).problem is Problem.CHECKSUM  # YJS-P02 expected INVALID_ID


def test_a_name_caption_inside_running_text_is_no_caption() -> None:
    letter = [
        line("受托人在上述权限范围内签署的有关文件，委托人均予以承认，由此产生的", 100, 900),
        line("法律后果由委托人承担。", 100, 950),
    ]
    # the caption line misread on a photo (爱托人): the sentence must not be taken for the name
    alone = page(line("爱托人：张明远", 100, 300), *letter, source=PageSource.OCR)
    assert find_field([alone], ["受托人"], kind="name").status is FieldStatus.ABSENT
    assert find_field([alone], ["委托人"], kind="list").status is FieldStatus.ABSENT
    read = page(line("受托人：张明远", 100, 300), *letter, source=PageSource.OCR)
    assert find_field([read], ["受托人"], kind="name").value == "张明远"
    # a name glued to its caption is still read
    glued = page(line("委托人安和市顺达物流有限公司", 100, 300), source=PageSource.OCR)
    assert find_field([glued], ["委托人"], kind="name").value == "安和市顺达物流有限公司"
    assert plausible_names("龙海国、安和市凯达实业有限公司")
    assert plausible_names("阿依古丽·买买提")
    assert not plausible_names("在上述权限范围内签署的有关文件")
