"""The beginning of an entry a related hit shows (kb/hits.py ``snippet``)."""

from __future__ import annotations

from kb.hits import snippet


def test_a_short_entry_is_shown_whole() -> None:
    assert snippet("收费：不收费") == "收费：不收费"


def test_a_long_entry_ends_at_its_last_whole_row_not_inside_a_value() -> None:
    body = "办件类型：承诺件\n承诺工作日：3\n法定时限：① 甲登记：当场登记；② 乙许可：十日内作出决定"
    shown = snippet(body, limit=30)
    assert shown == "办件类型：承诺件\n承诺工作日：3…"
    assert not shown.rstrip("…").endswith("①")


def test_a_long_row_ends_at_a_sentence_end() -> None:
    body = "申请材料齐全的当场登记。确需核实的一个工作日内办结；情形复杂的可以延长三个工作日"
    assert snippet(body, limit=30) == "申请材料齐全的当场登记。确需核实的一个工作日内办结；…"


def test_text_without_any_end_in_its_second_half_is_cut_at_the_limit() -> None:
    body = "甲" * 50
    assert snippet(body, limit=20) == "甲" * 20 + "…"
