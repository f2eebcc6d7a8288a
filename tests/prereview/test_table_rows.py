"""Staff tables as text layers and photos print them: header cells joined into one line or spaced
apart, a line across two cells, a first row whose number went unread (prereview.table)."""

from __future__ import annotations

from prereview.table import read_table
from tests.prereview._pages import line, page, photo


def test_a_text_layer_header_line_holding_several_cells_is_split() -> None:
    """A text layer may join a header row's cells into one line (序号 姓名 | 学历 岗位)."""
    people = [
        ("许杰军", "360111198012159557"),
        ("邓博", "360502199401098540"),
        ("曹霞", "360103198104233865"),
    ]
    lines = [line("序号 姓名", 142, 422), line("身份证号码", 368, 422), line("学历 岗位", 749, 422)]
    for k, (name, number) in enumerate(people):
        y = 481 + 59 * k
        lines += [
            line(str(k + 1), 142, y),
            line(name, 239, y),
            line(number, 368, y),
            line("本科 职业指导", 749, y),
        ]
    columns = {"姓名": ("姓名",), "身份证号码": ("身份证号码",), "学历": ("学历",), "岗位": ("岗位",)}
    rows = read_table(page(*lines), columns)
    assert [(r["姓名"], r["身份证号码"]) for r in rows] == people
    assert {r.get("学历") for r in rows} == {"本科"}


def test_a_header_cell_spaced_apart_by_ocr_stays_whole() -> None:
    lines = [line("序号", 164, 415), line("姓 名", 253, 415), line("身份证号码", 432, 415)]
    lines += [line("1", 164, 473), line("沈晶", 253, 473), line("430103199608078400", 432, 473)]
    rows = read_table(photo(*lines), {"姓名": ("姓名",), "身份证号码": ("身份证号码",)})
    assert rows == [{"姓名": "沈晶", "身份证号码": "430103199608078400"}]


def test_a_text_layer_line_across_two_cells_splits_at_its_space() -> None:
    """宋刚敏 360102… as one text-layer line: the whole number is the ID cell's, though the estimated
    boxes of its first digits fall left of that column's edge."""
    lines = [
        line("序号", 216, 471),
        line("姓名", 308, 471),
        line("身份证号码", 430, 471),
        line("学历", 790, 471),
        line("1", 216, 519),
        line("宋刚敏 360102198903114428", 308, 519),
        line("本科", 790, 519),
    ]
    lines[5] = lines[5].model_copy(update={"box": lines[5].box.model_copy(update={"x1": 705.0})})
    rows = read_table(page(*lines), {"姓名": ("姓名",), "身份证号码": ("身份证号码",), "学历": ("学历",)})
    assert rows == [{"姓名": "宋刚敏", "身份证号码": "360102198903114428", "学历": "本科"}]


def test_a_first_row_whose_number_went_unread_is_still_a_row() -> None:
    """On a photo the 1 of the first row may go undetected: the cells one row spacing above 2 are row 1."""
    people = [
        ("张军", "360103199002116945"),
        ("丁平浩", "360502199306164036"),
        ("曹红建", "360102198509217840"),
    ]
    header = line("序号 姓名", 241, 367, h=35)
    lines = [header.model_copy(update={"box": header.box.model_copy(update={"x1": 345.0})})]
    lines.append(line("身份证号码", 370, 365, h=37))
    for k, (name, number) in enumerate(people):
        y = 403 + 35 * k
        lines += [line(name, 295, y, h=30), line(number, 370, y, h=30)]
        if k:
            lines.append(line(str(k + 1), 241, y + 3, h=25))
    rows = read_table(photo(*lines), {"姓名": ("姓名",), "身份证号码": ("身份证号码",)})
    assert [(r["姓名"], r["身份证号码"]) for r in rows] == people
