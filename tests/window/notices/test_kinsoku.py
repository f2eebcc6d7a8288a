"""Chinese line breaking (禁则) with every character one unit wide."""

from __future__ import annotations

from window.notices.kinsoku import break_lines


def _lines(text: str, width: float, first: float | None = None) -> list[str]:
    return break_lines(text, [first if first is not None else width, width], lambda t: float(len(t)))


def test_fills_lines_and_keeps_forced_breaks() -> None:
    assert _lines("甲乙丙丁戊己", 3) == ["甲乙丙", "丁戊己"]
    assert _lines("甲乙\n丙", 3) == ["甲乙", "丙"]
    assert _lines("甲乙丙丁", 3, first=2) == ["甲乙", "丙丁"]  # a first-line indent


def test_closing_punctuation_takes_the_character_before_it_down() -> None:
    assert _lines("甲乙丙，丁", 3) == ["甲乙", "丙，丁"]
    assert _lines("甲乙丙）。丁", 3) == ["甲乙", "丙）。", "丁"]
    for mark in "，。、；：？！）」》”…":
        lines = _lines(f"甲乙丙{mark}丁戊", 3)
        assert all(not line.startswith(mark) for line in lines), (mark, lines)


def test_opening_punctuation_goes_down_with_what_it_opens() -> None:
    assert _lines("甲乙（丙丁", 3) == ["甲乙", "（丙丁"]
    assert _lines("甲乙《丙》", 3) == ["甲乙", "《丙》"]


def test_latin_words_and_numbers_stay_whole_and_spaces_do_not_start_lines() -> None:
    assert _lines("甲乙JT-001", 6) == ["甲乙", "JT-001"]
    assert _lines("甲乙JT-001", 4) == ["甲乙JT", "-001"]  # a word longer than a line is cut
    assert _lines("材料M12缺", 4) == ["材料", "M12缺"]
    assert _lines("甲乙丙 丁戊", 3) == ["甲乙丙", "丁戊"]
    assert _lines("", 3) == [""]
