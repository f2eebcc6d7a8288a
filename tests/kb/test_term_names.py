"""Terms named by a piece or an abbreviation of a name, without the model."""

from __future__ import annotations

from kb.term_names import ABBREVIATED, CLIPPED, SAID, TermNames

_EVERYDAY = {"承诺": 1887, "材料": 9137, "一次": 19249, "好评": 490, "代码": 2049, "统一": 13986}
_TERMS = [
    (0, ["无差别综合窗口", "无差别窗口", "综窗"]),
    (1, ["首问负责制", "首问责任制"]),
    (2, ["统一社会信用代码", "信用代码"]),
    (3, ["承诺时限", "承诺期限"]),
    (4, ["好差评", "服务评价"]),
    (5, ["授权委托书", "授全委托书（常见错字）"]),
    (6, ["容缺受理", "先受理后补交"]),
    (7, ["一窗受理", "前台受理后台审批"]),
]


def _names() -> TermNames:
    return TermNames(_TERMS, everyday=lambda w: _EVERYDAY.get(w, 0))


def test_a_name_said_outright() -> None:
    assert _names().named("综窗是干嘛的") == {0: SAID}
    assert _names().named("信用代码在哪看") == {2: SAID}


def test_a_piece_that_starts_or_ends_a_name() -> None:
    assert _names().named("综合窗口是干啥的") == {0: CLIPPED}  # the end of 无差别综合窗口
    assert _names().named("承诺时间从哪天算") == {3: CLIPPED}


def test_an_abbreviation_keeps_the_first_character_and_the_order() -> None:
    assert _names().named("首问制是谁管") == {1: ABBREVIATED}
    assert _names().named("统一代码一共几位")[2] == ABBREVIATED
    assert 1 not in _names().named("问负制")  # the first character is missing


def test_everyday_words_name_no_term() -> None:
    assert _names().named("承诺书要签吗") == {}  # 承诺 starts 承诺时限, yet it is everyday speech
    assert _names().named("给个好评") == {}


def test_a_piece_inside_a_name_said_outright_is_no_other_name() -> None:
    # 受理后 is neither a piece that starts nor ends 前台受理后台审批; inside 先受理后补交 it is nothing
    assert _names().named("先受理后补交怎么弄") == {6: SAID}


def test_a_note_in_brackets_is_no_part_of_the_name() -> None:
    assert _names().named("授全委托书怎么写") == {5: SAID}


def test_mentions_say_where() -> None:
    (m,) = _names().mentions("问下综窗在哪")
    assert (m.entry, m.start, m.end) == (0, 2, 4)
