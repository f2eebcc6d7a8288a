"""How sure a field reading is: doubts from scores and geometry, and what a second reading settles."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from prereview.documents import Box, Page, PageSource
from prereview.extract.fields import FieldReading, FieldStatus
from prereview.readings import declared_values, reading_doubt, settle
from prereview.reread import ILLEGIBLE, Reread

PHOTO = Page(index=0, width=800, height=1000, source=PageSource.OCR, image_path="/pages/p1.png")
VALUE_BOX = Box(x0=300, y0=200, x1=420, y1=220)
DECLARED = declared_values(
    {
        "applicant_name": "安和市盛世建筑工程有限公司",
        "legal_rep_name": "钱玲",
        "shareholders": [{"name": "龙海国", "id_number": "360121197108314070"}],
        "by_agent": False,
    }
)


def _reading(value: str, score: float, status: FieldStatus = FieldStatus.OK) -> FieldReading:
    return FieldReading(
        status=status,
        label="名称",
        value=value,
        page=0,
        box=VALUE_BOX,
        score=score,
        label_box=Box(x0=214, y0=200, x1=240, y1=220),
    )


def _again(text: str, score: float) -> tuple[Reread, list[Sequence[Box]]]:
    asked: list[Sequence[Box]] = []

    def reread(page: Page, boxes: Sequence[Box]) -> list[tuple[str, float]]:
        asked.append(boxes)
        return [(text, score)] * len(boxes)

    return reread, asked


def _settle(reading: FieldReading, reread: Reread, *, kind: str = "name") -> tuple[FieldStatus, str, str]:
    return settle(reading, PHOTO, kind=kind, field="名称", reread=reread, declared=DECLARED)[:3]


def test_declared_values_are_normalised_names_and_numbers() -> None:
    assert {"安和市盛世建筑工程有限公司", "钱玲", "龙海国", "360121197108314070"} <= DECLARED


def test_two_readings_that_agree_make_a_weak_reading_sure() -> None:
    reread, asked = _again("名称安和市盛武建筑工程有限公司", 0.995)  # the caption's edge came along
    status, value, doubt = _settle(_reading("安和市盛武建筑工程有限公司", 0.92), reread)
    assert (status, value, doubt) == (FieldStatus.OK, "安和市盛武建筑工程有限公司", "")
    assert asked == [[VALUE_BOX]]


def test_two_weak_readings_that_agree_on_a_near_miss_of_the_declared_name_stay_in_doubt() -> None:
    # one engine read twice makes the same misreading of a blurred character: agreement is no proof
    _, value, doubt = _settle(
        _reading("安和市盛武建筑工程有限公司", 0.92), _again("安和市盛武建筑工程有限公司", 0.96)[0]
    )
    assert value == "安和市盛武建筑工程有限公司"
    assert "安和市盛世建筑工程有限公司" in doubt and "0.96" in doubt


def test_a_misread_sign_in_the_value_puts_a_reading_without_a_second_one_in_doubt() -> None:
    cases = (
        ("自2026/10/15至2021/10/15", "period", "早于起日"),
        ("9136110240NCIAAEXE", "uscc", "不使用的字符「I」"),
        ("安和市盛武建筑工程有限公司", "name", "安和市盛世建筑工程有限公司"),
    )
    for value, kind, why in cases:
        _, _, doubt, _ = settle(
            _reading(value, 0.97), PHOTO, kind=kind, field="名称", reread=None, declared=DECLARED
        )
        assert why in doubt, value


def test_a_clean_reading_of_another_name_and_a_text_layer_stay_sure() -> None:
    _, _, doubt, _ = settle(
        _reading("安和市盛武建筑工程有限公司", 0.995),
        PHOTO,
        kind="name",
        field="名称",
        reread=None,
        declared=DECLARED,
    )
    assert doubt == ""
    text_page = PHOTO.model_copy(update={"source": PageSource.TEXT})
    _, _, doubt, _ = settle(
        _reading("自2026/10/15至2021/10/15", 0.5), text_page, kind="period", field="期限", reread=None
    )
    assert doubt == ""


def test_of_two_readings_that_disagree_the_declared_one_is_taken() -> None:
    for first, second in (
        ("安和市盛武建筑工程有限公司", "安和市盛世建筑工程有限公司"),
        ("安和市盛世建筑工程有限公司", "安和市鑫世建筑工程有限公司"),
    ):
        _, value, doubt = _settle(_reading(first, 0.92), _again(second, 0.90)[0])
        assert value == "安和市盛世建筑工程有限公司"
        assert "两次识别结果不一致" in doubt


def test_two_readings_that_disagree_with_each_other_and_the_declared_name_stay_in_doubt() -> None:
    _, value, doubt = _settle(
        _reading("安和市盛武建筑工程有限公司", 0.92), _again("安和市鑫世建筑工程有限公司", 0.95)[0]
    )
    assert value == "安和市鑫世建筑工程有限公司"  # the more confident one
    assert "安和市盛武建筑工程有限公司" in doubt and "安和市鑫世建筑工程有限公司" in doubt


def test_a_clear_reading_is_not_read_again_and_stays_sure() -> None:
    reread, asked = _again("安和市盛世建筑工程有限公司", 0.99)
    assert _settle(_reading("安和市盛武建筑工程有限公司", 0.99), reread) == (
        FieldStatus.OK,
        "安和市盛武建筑工程有限公司",
        "",
    )
    assert asked == []  # a real one-character difference read clearly is a finding, not a doubt


def test_free_text_is_not_read_again() -> None:
    reread, asked = _again("x", 0.99)
    _settle(_reading("安和市东湖区长安路114号", 0.80), reread, kind="text")
    assert asked == []


def test_a_second_reading_of_another_length_gives_no_opinion() -> None:
    _, value, doubt = _settle(_reading("安和市盛武建筑工程有限公司", 0.92), _again("工程", 0.97)[0])
    assert value == "安和市盛武建筑工程有限公司"
    assert "0.92" in doubt  # the first reading's own doubt stands


def test_a_blank_zone_read_again() -> None:
    empty = _reading("", 0.0, FieldStatus.EMPTY)
    assert _settle(empty, _again("钱玲", 0.99)[0]) == (FieldStatus.OK, "钱玲", "")
    status, value, doubt = _settle(empty, _again("钱玲", 0.7)[0])
    assert (status, value) == (FieldStatus.OK, "钱玲") and "0.70" in doubt
    status, value, doubt = _settle(empty, _again(ILLEGIBLE, 0.0)[0])
    assert (status, value) == (FieldStatus.UNREADABLE, "") and "有字迹" in doubt
    assert _settle(empty, _again("", 0.0)[0]) == (FieldStatus.EMPTY, "", "")  # blank both times: sure


def test_text_layer_readings_are_never_in_doubt() -> None:
    text_page = PHOTO.model_copy(update={"source": PageSource.TEXT})
    assert (
        reading_doubt(_reading("安和市盛武建筑工程有限公司", 0.5), text_page, kind="name", field="名称") == ""
    )
    reread, asked = _again("安和市盛世建筑工程有限公司", 0.99)
    settle(_reading("安和市盛武建筑工程有限公司", 0.9), text_page, kind="name", field="名称", reread=reread)
    assert asked == []


def test_a_value_short_of_its_kinds_shape_stays_in_doubt_even_when_read_twice_alike() -> None:
    plate = FieldReading(status=FieldStatus.OK, value="QC3838", page=0, box=VALUE_BOX, score=0.92)
    _, value, doubt, _ = settle(
        plate, PHOTO, kind="plate", field="号牌号码", reread=_again("QC3838", 0.99)[0]
    )
    assert value == "QC3838" and "省份简称" in doubt
    short = FieldReading(status=FieldStatus.OK, value="36012119710831407", page=0, box=VALUE_BOX, score=0.99)
    assert "17 位" in reading_doubt(short, PHOTO, kind="id_number", field="公民身份号码")
    # eighteen characters that fail the checksum read clearly: the rules' INVALID_ID, no doubt
    wrong = short.model_copy(update={"value": "360121197108314071"})
    assert reading_doubt(wrong, PHOTO, kind="id_number", field="公民身份号码") == ""


def test_a_value_far_right_of_its_caption_is_in_doubt() -> None:
    """Two cards photographed side by side: 姓名 on the left card read nothing right of it but the
    other card's holder, far across the photo."""
    label = Box(x0=100, y0=200, x1=140, y1=220)
    near = FieldReading(
        status=FieldStatus.OK,
        value="钱玲",
        page=0,
        label_box=label,
        score=0.99,
        box=Box(x0=170, y0=200, x1=210, y1=220),
    )
    assert reading_doubt(near, PHOTO, kind="name", field="姓名") == ""
    far = near.model_copy(update={"box": Box(x0=600, y0=198, x1=640, y1=222)})
    assert "另一份材料" in reading_doubt(far, PHOTO, kind="name", field="姓名")


def test_a_number_read_short_twice_alike_and_unlike_the_declared_one_says_so() -> None:
    declared = frozenset({"360111199001276074"})
    reading = _reading("36011119001276076", 0.93)
    settled = settle(
        reading,
        PHOTO,
        kind="id_number",
        field="号码",
        reread=_again("36011119001276076", 0.95)[0],
        declared=declared,
    )
    assert settled.doubt and settled.unlike_declared  # in doubt, but surely not the declared number
    lost = settle(
        reading,
        PHOTO,
        kind="id_number",
        field="号码",
        reread=_again("36011119001276076", 0.95)[0],
        declared=frozenset({"360111199001276076"}),
    )
    assert lost.doubt and not lost.unlike_declared  # a character lost explains the difference
    once = settle(
        reading,
        PHOTO,
        kind="id_number",
        field="号码",
        reread=_again("3601111900127607", 0.95)[0],
        declared=declared,
    )
    assert not once.unlike_declared  # the second reading disagrees: the characters are not sure


@pytest.mark.parametrize("value", ["MWW", "2026年7月12日"])
def test_a_name_read_without_chinese_or_as_a_date_is_in_doubt(value: str) -> None:
    # a signature's scribble read at a signing caption (申请人（签字）：MWW), or another column's date
    doubt = reading_doubt(_reading(value, 0.99), PHOTO, kind="name", field="申请人")
    assert "不像名称" in doubt
    assert reading_doubt(_reading("周明远", 0.99), PHOTO, kind="name", field="申请人") == ""


def test_a_number_off_the_declared_one_only_in_characters_no_issuer_prints_is_taken_as_declared() -> None:
    # O for 0 among the first 17 digits of a 公民身份号码, read cleanly: no card prints it
    status, value, doubt, _ = settle(
        _reading("36O121197108314070", 0.99),
        PHOTO,
        kind="id_number",
        field="身份证号码",
        reread=None,
        declared=DECLARED,
    )
    assert (status, value, doubt) == (FieldStatus.OK, "360121197108314070", "")
