"""A page's headings: a title naming several documents says what a file should hold, not what it holds."""

from __future__ import annotations

from prereview.headings import names_several, without_joint_titles
from tests.prereview._pages import corpus_item, line, page

TITLES = ("公司章程", "章程", "管理制度")


def test_a_title_joining_two_documents_names_several() -> None:
    assert names_several("安和市某某人力资源服务有限公司章程和管理制度", TITLES)
    assert names_several("管理制度及章程", TITLES)
    assert names_several("公司章程、管理制度", TITLES)


def test_a_title_of_one_document_or_a_sentence_names_no_several() -> None:
    assert not names_several("安和市顺和人力资源服务有限公司章程", TITLES)  # 和 inside the unit's name
    assert not names_several("第一章 机构章程", TITLES)
    # a sentence of the text, with its colon or longer than a title, is no title
    assert not names_several("依据：公司章程和管理制度", TITLES)
    assert not names_several(
        "本公司章程和管理制度经全体股东同意后自公司成立之日起施行，由公司负责解释并修订", TITLES
    )


def test_the_joint_title_line_is_cut_from_the_text_and_its_loose_twin_alike() -> None:
    p = page(line("某某有限公司章程和管理制度", 300, 100), line("第一章 服务流程制度", 156, 200))
    text = "某某有限公司章程和管理制度第一章服务流程制度"
    loose = "\x00" * 6 + text[6:]
    m3 = corpus_item("RS-001").material("M3")
    cut, cut_loose = without_joint_titles(p, text, loose, m3)
    assert cut == "第一章服务流程制度"
    assert cut_loose == cut
    licence = corpus_item("RS-001").material("M2")
    assert without_joint_titles(p, text, None, licence) == (text, None)
