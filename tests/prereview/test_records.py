from __future__ import annotations

from prereview.assemble import Located, assemble
from prereview.recognise import PageLabel, PageView
from prereview.records import count_doubt, read_records, split_listed
from rules.casefacts import MaterialSet
from tests.prereview._pages import ItemOf, corpus_item, line, page, photo

_FIELDS = {
    "机构名称": ("机构名称",),
    "姓名": ("姓名",),
    "身份证号码": ("身份证号码", "公民身份号码"),
    "学历": ("学历",),
    "岗位": ("岗位",),
    "劳动合同期限": ("劳动合同期限",),
}
_PEOPLE = [
    ("丁伟雪", "360103198204247105"),
    ("彭鹏欣", "430103200201264733"),
    ("萧辉勇", "362321198412053175"),
]


def test_records_in_grid_cells_one_per_person() -> None:
    """A ruled form: 人员N in a cell on the left, the person's pairs wrapping onto a second line."""
    lines = [line("机构名称", 172, 387), line("安和市信达人力资源有限公司", 327, 387)]
    for k, (name, number) in enumerate(_PEOPLE):
        y = 469 + 143 * k
        lines += [
            line(f"人员{k + 1}", 172, y),
            line(f"姓名：{name} 身份证号码：{number} 学历：本科 岗位：", 327, y),
            line("职业指导 劳动合同期限：2026.01.19至2029.01.23", 327, y + 61),
        ]
    lines += [line("填报单位（盖章）：安和市信达人力资源有限公司", 739, 964), line("2026.08.04", 739, 1026)]
    records = read_records(page(*lines), _FIELDS, identity="身份证号码")
    assert [(r["姓名"], r["身份证号码"]) for r in records] == _PEOPLE
    assert {r["岗位"] for r in records} == {"职业指导"}
    assert records[-1]["劳动合同期限"] == "2026.01.19至2029.01.23"  # the lines below the list stay out


def test_ocr_records_with_a_caption_wrapped_across_lines() -> None:
    lines = [line("机构名称：安和市鼎盛人才服务有限公司", 182, 355)]
    for k, (name, number) in enumerate(_PEOPLE):
        y = 411 + 107 * k
        lines += [
            line(f"人员{k + 1}：姓名：{name}身份证号码：{number}学历：本科岗位：职业指导劳动合", 182, y),
            line("同期限：2025年11月30日至2028年12月4日", 234, y + 55),
        ]
    records = read_records(photo(*lines), _FIELDS, identity="身份证号码")
    assert [r["姓名"] for r in records] == [name for name, _ in _PEOPLE]
    assert {r["劳动合同期限"] for r in records} == {"2025年11月30日至2028年12月4日"}


def test_an_empty_value_is_read_as_empty() -> None:
    lines = [
        line(f"姓名：{name} 身份证号码：{number if k else ''} 学历：本科", 182, 400 + 60 * k)
        for k, (name, number) in enumerate(_PEOPLE)
    ]
    records = read_records(page(*lines), _FIELDS, identity="身份证号码")
    assert [r["身份证号码"] for r in records] == ["", _PEOPLE[1][1], _PEOPLE[2][1]]


def test_one_person_named_twice_is_no_list() -> None:
    """Two cards of one person on a page: the same ID number twice is one person, not a list."""
    name, number = _PEOPLE[0]
    lines = [line(f"姓名：{name} 公民身份号码：{number}", 182, 400 + 300 * k) for k in range(2)]
    assert read_records(page(*lines), _FIELDS, identity="身份证号码") == []


def test_a_single_record_is_left_to_the_page_reading() -> None:
    name, number = _PEOPLE[0]
    assert (
        read_records(
            page(line(f"姓名：{name} 身份证号码：{number}", 182, 400)), _FIELDS, identity="身份证号码"
        )
        == []
    )


def test_each_record_of_a_staff_list_is_a_set_of_its_own() -> None:
    """RS-001's 专职工作人员基本情况表 written one person a line: as many sets as people, so a count of
    the list (count(M5)) is the number of people on it."""
    m5 = corpus_item("RS-001").material("M5")
    lines = [
        line("专职工作人员基本情况表", 530, 216),
        line("机构名称：安和市华泰人力资源服务有限公司", 129, 342),
    ]
    lines += [
        line(f"人员{k + 1} 姓名：{name} 身份证号码：{number} 学历：本科 岗位：职业指导", 129, 420 + 60 * k)
        for k, (name, number) in enumerate(_PEOPLE)
    ]
    located = Located(
        view=PageView.of(0, page(*lines), None), label=PageLabel(material="M5", score=10.0), file_name="f.pdf"
    )
    out = assemble(ItemOf(m5), [located], unreadable_slots={}, wrong_slots={}, marks=lambda page, kind: [])
    sets = out["M5"].sets
    assert [s.fields["身份证号码"].value for s in sets] == [number for _, number in _PEOPLE]
    assert [s.label for s in sets] == [name for name, _ in _PEOPLE]
    assert {s.fields["机构名称"].value for s in sets} == {"安和市华泰人力资源服务有限公司"}


def test_a_certificate_naming_everyone_in_one_caption_is_a_set_per_person() -> None:
    """人员姓名：许杰军、邓博、曹霞 on a 参保缴费证明: three people covered, each compared on their own."""
    m6 = corpus_item("RS-001").material("M6")
    one = MaterialSet(
        label="安和市华泰人力资源服务有限公司",
        fields={
            "参保单位名称": "安和市华泰人力资源服务有限公司",
            "人员姓名": "许杰军、邓博、曹霞",
            "出具日期": "2026年3月21日",
        },
    )
    sets = split_listed(m6, [one])
    assert [s.fields["人员姓名"].value for s in sets] == ["许杰军", "邓博", "曹霞"]
    assert [s.label for s in sets] == ["许杰军", "邓博", "曹霞"]
    assert {s.fields["参保单位名称"].value for s in sets} == {"安和市华泰人力资源服务有限公司"}


def test_a_name_without_a_list_is_one_set() -> None:
    m6 = corpus_item("RS-001").material("M6")
    one = MaterialSet(fields={"参保单位名称": "安和市华泰人力资源服务有限公司", "人员姓名": "许杰军"})
    assert split_listed(m6, [one]) == [one]


def test_a_count_short_of_the_id_numbers_on_the_pages_is_in_doubt() -> None:
    m5 = corpus_item("RS-001").material("M5")
    lines = [line(f"{name} {number}", 129, 420 + 60 * k) for k, (name, number) in enumerate(_PEOPLE)]
    located = [
        Located(
            view=PageView.of(0, page(*lines), None),
            label=PageLabel(material="M5", score=10.0),
            file_name="f.pdf",
        )
    ]
    assert "3 个不同的身份证号码，只分出 2 人" in count_doubt(m5, located, 2)
    assert count_doubt(m5, located, 3) == ""
