from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prereview.approx import distance, edit_budget, edits_in, near_in, without_known


def _edits_in_by_table(word: str, text: str) -> int:
    """The textbook dynamic programme (a match may start anywhere in the text)."""
    prev = [0] * (len(text) + 1)
    for i, ch in enumerate(word, 1):
        cur = [i] + [0] * len(text)
        for j, t in enumerate(text, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ch != t))
        prev = cur
    return min(prev)


@given(st.text(alphabet="甲乙丙丁ab", max_size=14), st.text(alphabet="甲乙丙丁ab", max_size=30))
def test_the_bit_vector_search_agrees_with_the_table(word: str, text: str) -> None:
    assert edits_in(word, text) == _edits_in_by_table(word, text)


def test_a_title_with_two_characters_misread_is_two_edits_away() -> None:
    assert edits_in("公司登记备案申请书", "公司登圮备桉申请书法定代表人信息") == 2
    assert edits_in("营业执照", "副本营业执照") == 0


def test_the_budget_grows_with_the_length_and_short_words_have_none() -> None:
    assert [edit_budget("甲" * n) for n in (4, 5, 6, 7, 8, 12)] == [0, 0, 1, 1, 2, 3]
    assert near_in("经营场所平面布局图", "一、经营场所平面布间图")
    assert not near_in("经营场所平面布局图", "一、经营场所立面结构图")  # three characters differ
    assert not near_in("营业执照", "营业执熙")  # four characters: exact only


def test_a_known_word_printed_as_it_is_is_no_misreading_of_another() -> None:
    text = "安和市顺达物流有限公司安全生产管理制度"
    assert near_in("安全生产责任制度", text)  # two characters apart …
    blanked = without_known(text, ["安全生产管理制度", "制度"])
    assert not near_in("安全生产责任制度", blanked)  # … but that is another word, printed as it is
    assert blanked.startswith("安和市顺达物流有限公司") and len(blanked) == len(text)


def test_distance_counts_whole_string_edits() -> None:
    assert distance("QC3838", "赣QC3838") == 1
    assert distance("XABC", "ABCD") == 2
    assert distance("kitten", "sitting") == 3
    assert distance("", "ab") == 2
