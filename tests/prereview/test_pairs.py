"""Persons written in one line of prose: each name with the number right after it."""

from __future__ import annotations

from prereview.extract.pairs import name_number_pairs

ZHANG, LI = "36012119820418668X", "360121197708054117"
UNIT = "91361102MA35XK2L71"


def test_names_with_their_numbers_in_brackets() -> None:
    text = f"张三（{ZHANG}）货币出资；安和市顺达物流有限公司（{UNIT}）货币出资"
    assert name_number_pairs(text) == [("张三", ZHANG), ("安和市顺达物流有限公司", UNIT)]


def test_a_caption_inside_the_bracket_and_before_the_list_is_no_name() -> None:
    text = f"股东：张三（身份证号码：{ZHANG}）、李四（公民身份号码 {LI}）。"
    assert name_number_pairs(text) == [("张三", ZHANG), ("李四", LI)]
    glued = f"股东张三（{ZHANG}）、李四（{LI}）"
    assert name_number_pairs(glued, captions=("股东",)) == [("张三", ZHANG), ("李四", LI)]


def test_a_number_right_after_its_name_and_a_name_right_after_the_bracket() -> None:
    assert name_number_pairs(f"张三 {ZHANG}，李四 {LI}") == [("张三", ZHANG), ("李四", LI)]
    assert name_number_pairs(f"张三（{ZHANG}）李四（{LI}）") == [("张三", ZHANG), ("李四", LI)]


def test_a_number_whose_check_digit_fails_is_still_read_for_the_rules_to_judge() -> None:
    wrong = ZHANG[:10] + "9" + ZHANG[11:]
    assert name_number_pairs(f"张三（{wrong}）") == [("张三", wrong)]


def test_a_list_with_a_person_or_a_number_lost_is_no_list() -> None:
    assert name_number_pairs(f"张三（{ZHANG}）；李四；王五（{LI}）") == []  # 李四 has no number
    assert name_number_pairs(f"张三（{ZHANG}）货币出资；李四货币出资") == []  # nor after the last
    assert name_number_pairs(f"张三（{ZHANG}）货币出资。") == [("张三", ZHANG)]
    assert name_number_pairs(f"张三（{ZHANG[:15]}）、李四（{LI}）") == []  # a number read short
    assert name_number_pairs(f"（{ZHANG}）、李四（{LI}）") == []  # a name not read
    assert name_number_pairs(f"张三（{ZHANG}）货币出资李四（{LI}）") == []  # where does 李四 start?
    assert name_number_pairs("张三、李四货币出资") == []  # no numbers at all
