"""A list field read from a table column: stray marks in number cells, glued rows on photos."""

from __future__ import annotations

from prereview.columns import column_field, split_merged, unglued
from prereview.documents import PageSource
from prereview.located import Located
from prereview.recognise import PageLabel, PageView
from rules.spec import FieldSpec
from tests.prereview._pages import line, page

SPEC = FieldSpec(type="list", labels=("证件号码",))


def _table(*numbers: str, source: PageSource = PageSource.OCR) -> list[Located]:
    lines = [line("序号", 100, 100), line("股东名称", 300, 100), line("证件号码", 700, 100)]
    for k, number in enumerate(numbers):
        y = 160 + 60 * k
        lines += [line(str(k + 1), 100, y), line(f"股东{k + 1}", 300, y), line(number, 700, y)]
    view = PageView.of(0, page(*lines, source=source), None)
    return [Located(view=view, label=PageLabel(material="M1", score=10.0), file_name="table.jpg")]


def test_a_stray_mark_in_a_number_cell_is_no_character_of_the_number() -> None:
    value = column_field("出资股东证件号码", SPEC, _table("91361102#40MC1AAEXE", "360121198204186683"))
    assert value is not None
    assert value.value == "9136110240MC1AAEXE、360121198204186683"
    assert value.doubt == ""


def test_two_numbers_run_together_on_a_photo_are_in_doubt() -> None:
    value = column_field("出资股东证件号码", SPEC, _table("360121198204186683360121197708"))
    assert value is not None and "不是完整的 18 位号码" in value.doubt
    # a glyph the recogniser could not read inside a number: the number is not whole either
    misread = column_field("出资股东证件号码", SPEC, _table("360121198204186683", "9136110426W6XA#588"))
    assert misread is not None and "9136110426W6XA#588" in misread.doubt
    clean = column_field(
        "出资股东证件号码", SPEC, _table("360121198204186683360121197708", source=PageSource.TEXT)
    )
    assert clean is not None and clean.doubt == ""  # a text layer holds what it holds


NAMES = FieldSpec(type="list", labels=("股东名称",))


def _names(*names: str) -> list[Located]:
    lines = [line("序号", 100, 100), line("股东名称", 300, 100), line("证件号码", 700, 100)]
    for k, name in enumerate(names):
        y = 160 + 60 * k
        lines += [line(str(k + 1), 100, y), line(name, 300, y), line("360121198204186683", 700, y)]
    view = PageView.of(0, page(*lines, source=PageSource.OCR), None)
    return [Located(view=view, label=PageLabel(material="M1", score=10.0), file_name="table.jpg")]


def test_two_numbers_merged_into_one_cell_are_split_at_18_characters() -> None:
    value = column_field("出资股东证件号码", SPEC, _table("360121198204186683360121197708054110"))
    assert value is not None
    assert value.value == "360121198204186683、360121197708054110"
    assert value.doubt == ""


def test_names_merged_into_one_cell_are_split_at_declared_names_and_in_doubt() -> None:
    declared = frozenset({"王小明", "李四"})
    value = column_field("出资股东名称", NAMES, _names("赵小明李四"), declared=declared)
    assert value is not None
    assert value.value == "赵小明、李四"
    assert "相邻两行连在一起" in value.doubt
    whole = column_field("出资股东名称", NAMES, _names("王小明", "李四"), declared=declared)
    assert whole is not None and whole.value == "王小明、李四" and whole.doubt == ""


def test_a_name_cell_near_a_declared_name_on_a_photo_is_in_doubt() -> None:
    value = column_field(
        "出资股东名称", NAMES, _names("王小名", "李四"), declared=frozenset({"王小明", "李四"})
    )
    assert value is not None and "王小明" in value.doubt


def test_split_merged_keeps_a_longer_name_that_holds_a_declared_one() -> None:
    assert split_merged("李四华", frozenset({"李四"})) == ["李四华"]
    assert split_merged("360121198204186683", frozenset()) == ["360121198204186683"]


def test_a_name_cell_read_with_a_low_score_on_a_photo_is_in_doubt() -> None:
    def table(score: float) -> list[Located]:
        lines = [line("序号", 100, 100), line("股东名称", 300, 100), line("证件号码", 700, 100)]
        lines += [line("1", 100, 160), line("何婷佳", 300, 160), line("362321196501245567", 700, 160)]
        lines += [
            line("2", 100, 220),
            line("王森娱", 300, 220, score=score),
            line("360121197710080422", 700, 220),
        ]
        view = PageView.of(0, page(*lines, source=PageSource.OCR), None)
        return [Located(view=view, label=PageLabel(material="M1", score=10.0), file_name="table.jpg")]

    spec = FieldSpec(type="list", labels=("股东名称",))
    declared = frozenset({"何婷佳", "王霞媛"})
    weak = column_field("股东名称", spec, table(0.85), declared=declared)
    assert weak is not None and weak.value == "何婷佳、王森娱" and "王森娱" in weak.doubt
    clean = column_field("股东名称", spec, table(0.99), declared=declared)
    assert clean is not None and clean.doubt == ""  # a clean reading of another name is a real difference


def test_a_list_read_without_its_separator_is_split_at_the_declared_names() -> None:
    declared = frozenset({"陈志远", "林晓", "安和市青松投资有限公司"})
    assert unglued("陈志远林晓", declared) == "陈志远、林晓"
    assert unglued("林晓、陈志远安和市青松投资有限公司", declared) == "林晓、陈志远、安和市青松投资有限公司"


def test_a_list_is_not_split_where_it_is_not_wholly_declared_names() -> None:
    declared = frozenset({"陈志远", "林晓"})
    assert unglued("陈志远林晓明", declared) == "陈志远林晓明"  # 林晓明 is another person
    assert unglued("陈志远", declared) == "陈志远"
    assert unglued("陈志远（360102198503061232）林晓", declared) == "陈志远（360102198503061232）林晓"
