"""The lists of persons compared with the declared shareholders, read from one line of prose."""

from __future__ import annotations

from prereview.documents import PageSource
from prereview.located import Located
from prereview.persons import person_lists
from prereview.readings import declared_values
from prereview.recognise import PageLabel, PageView
from rules.casefacts import FieldValue
from tests.prereview._pages import corpus_item, line, page

ZHANG, LI = "36012119820418668X", "360121197708054117"
PROSE = f"张三（{ZHANG}）货币出资；李四（{LI}）货币出资"
SOURCE = "股东（发起人）、出资情况"


def _pages(text: str, *, source: PageSource = PageSource.TEXT, score: float = 1.0) -> list[Located]:
    view = PageView.of(0, page(line(f"{SOURCE}：{text}", 100, 300, score=score), source=source), None)
    return [Located(view=view, label=PageLabel(material="M1", score=10.0), file_name="form.pdf")]


def _declared(*names: str) -> frozenset[str]:
    return declared_values({"shareholders": [{"name": n} for n in names] + [{"id_number": ZHANG}]})


def test_unread_lists_of_names_and_numbers_are_taken_from_the_prose() -> None:
    m1 = corpus_item("SC-001").material("M1")
    fields = {SOURCE: FieldValue(value=PROSE)}
    found = person_lists(m1, _pages(PROSE), fields, declared=_declared("张三", "李四"))
    assert found["出资股东名称"].value == "张三、李四"
    assert found["出资股东证件号码"].value == f"{ZHANG}、{LI}"
    assert found["出资股东证件号码"].doubt == ""


def test_lists_read_by_their_own_captions_are_kept() -> None:
    m1 = corpus_item("SC-001").material("M1")
    fields = {SOURCE: FieldValue(value=PROSE), "出资股东名称": FieldValue(value="张三、李四")}
    found = person_lists(m1, _pages(PROSE), fields, declared=_declared("张三", "李四"))
    assert set(found) == {"出资股东证件号码"}
    # a charter's names list read with the numbers in it keeps the names
    m2 = corpus_item("SC-001").material("M2")
    listed = {"股东姓名或名称": FieldValue(value=f"张三（{ZHANG}）、李四（{LI}）")}
    assert (
        person_lists(m2, _pages(PROSE), listed, declared=frozenset())["股东姓名或名称"].value == "张三、李四"
    )


def test_prose_that_lost_a_person_fills_nothing() -> None:
    m1 = corpus_item("SC-001").material("M1")
    text = f"张三（{ZHANG}）货币出资；李四货币出资"
    assert person_lists(m1, _pages(text), {SOURCE: FieldValue(value=text)}, declared=frozenset()) == {}


def test_a_near_miss_of_a_declared_name_on_a_weakly_read_photo_is_in_doubt() -> None:
    m1 = corpus_item("SC-001").material("M1")
    text = f"张二（{ZHANG}）货币出资"
    weak = _pages(text, source=PageSource.OCR, score=0.9)
    found = person_lists(m1, weak, {SOURCE: FieldValue(value=text)}, declared=_declared("张三"))
    assert "张三" in found["出资股东名称"].doubt
    clean = _pages(text, source=PageSource.OCR, score=1.0)
    assert (
        person_lists(m1, clean, {SOURCE: FieldValue(value=text)}, declared=_declared("张三"))[
            "出资股东名称"
        ].doubt
        == ""
    )  # a clean reading of another character is what is printed
