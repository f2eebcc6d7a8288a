"""A caption a form repeats for two parties (统一社会信用代码 of the 建设单位 and of the 编制单位): each
occurrence belongs to the block heading above it, whatever order the form prints them in."""

from __future__ import annotations

from prereview.documents import Page
from prereview.extract.fields import FieldStatus, find_field
from tests.prereview._pages import line, page

BLOCKS = ("建设单位", "编制单位")
CODE = ["统一社会信用代码"]


def _read(p: Page, block: str) -> str:
    reading = find_field([p], CODE, kind="uscc", block=block, blocks=BLOCKS)
    return reading.value if reading.status is FieldStatus.OK else reading.status.value


def test_each_party_reads_the_code_under_its_own_heading() -> None:
    p = page(
        line("编制单位和编制人员情况表", 550, 160),
        line("建设单位（盖章）", 160, 390),
        line("安和市盛世农业发展有限公司", 460, 390),
        line("统一社会信用代码", 160, 450),
        line("91361103875P1YDF7G", 460, 450),
        line("编制单位（盖章）", 160, 520),
        line("安和市绿源环境科技有限公司", 460, 520),
        line("统一社会信用代码", 160, 580),
        line("9136110407Y7EQFM6D", 460, 580),
    )
    assert _read(p, "建设单位") == "91361103875P1YDF7G"
    assert _read(p, "编制单位") == "9136110407Y7EQFM6D"


def test_a_code_printed_before_any_heading_is_the_party_without_one() -> None:
    """The 建设单位's code comes first, above every heading; the 编制单位's sits under its heading."""
    p = page(
        line("统一社会信用代码：91361103875P1YDF7G", 120, 360),
        line("建设单位（盖章）：安和市盛世农业发展有限公司", 120, 510),
        line("编制单位（盖章）：安和市绿源环境科技有限公司", 120, 650),
        line("统一社会信用代码：9136110407Y7EQFM6D", 120, 720),
    )
    assert _read(p, "编制单位") == "9136110407Y7EQFM6D"
    assert _read(p, "建设单位") == "91361103875P1YDF7G"


def test_a_party_without_a_code_does_not_take_the_other_partys() -> None:
    """A natural person as 建设单位 has no code: the one printed is the 编制单位's."""
    p = page(
        line("建设单位（盖章）", 164, 387),
        line("吴琳欣", 461, 387),
        line("编制单位（盖章）", 166, 453),
        line("安和市蓝天环保技术咨询有限公司", 460, 453),
        line("统一社会信用代码", 167, 524),
        line("913611010518GL5T4M", 460, 524),
    )
    assert _read(p, "编制单位") == "913611010518GL5T4M"
    assert _read(p, "建设单位") == "absent"


def test_without_blocks_the_first_occurrence_is_read() -> None:
    p = page(
        line("统一社会信用代码", 160, 450),
        line("91361103875P1YDF7G", 460, 450),
        line("统一社会信用代码", 160, 580),
        line("9136110407Y7EQFM6D", 460, 580),
    )
    assert find_field([p], CODE, kind="uscc").value == "91361103875P1YDF7G"
