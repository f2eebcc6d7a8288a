from __future__ import annotations

from prereview.recognise import PageLabel, PageView
from prereview.signing import is_signing_page, place_signing_pages, signers
from tests.prereview._pages import corpus_item, line, page


def _view(*lines, file: int, slot: str | None = None) -> PageView:
    return PageView.of(file, page(*lines), slot)


def _articles(file: int, *, closed: bool) -> PageView:
    """The last page of a 章程 whose signing block runs off the page (or ends with its date)."""
    lines = [
        line("第七章 附则", 200, 900),
        line("第十三条 本章程自公司设立登记之日起生效。", 200, 960),
        line("全体股东签字（盖章）：", 200, 1040),
        line("股东（签字）：", 200, 1100),
    ]
    if closed:
        lines.append(line("签署日期：2026年3月2日", 900, 1200))
    return _view(*lines, file=file)


def _resolution(file: int) -> PageView:
    return _view(
        line("股东会决议", 700, 120, h=50),
        line("全体股东签字（盖章）：", 200, 1040),
        line("股东（盖章）：安和市远景投资有限公司", 200, 1100),
        line("日期：2026年3月1日", 900, 1200),
        file=file,
    )


def _seal_page(file: int, slot: str | None = None) -> PageView:
    return _view(
        line("股东（盖章）：安和市远景投资有限公司", 200, 300),
        line("签署日期：2026年3月2日", 900, 380),
        file=file,
        slot=slot,
    )


def test_a_signing_page_and_its_signers() -> None:
    view = _seal_page(0)
    assert is_signing_page(view) and signers(view) == {"股东"}
    rep = _view(line("拟任法定代表人（签字）：", 600, 300), line("日期：", 600, 360), file=0)
    assert signers(rep) == {"法定代表人"}
    assert not is_signing_page(_view(line("第一章 总则", 200, 200), line("第一条 名称", 200, 260), file=0))


def test_a_seal_page_photographed_alone_closes_the_document_left_open() -> None:
    """Two documents ask for the shareholders' seals; the resolution's block ends with its date, the
    章程's runs off its last page: the seal page is the 章程's."""
    views = [_articles(0, closed=False), _resolution(1), _seal_page(2)]
    labels = [PageLabel(material="M2", score=16.0), PageLabel(material="M6", score=16.0), PageLabel()]
    place_signing_pages(views, labels, corpus_item("SC-001"))
    assert labels[2].material == "M2" and labels[2].continued


def test_the_upload_slot_says_which_document_a_signing_page_closes() -> None:
    views = [_articles(0, closed=True), _resolution(1), _seal_page(2, slot="M6")]
    labels = [PageLabel(material="M2", score=16.0), PageLabel(material="M6", score=16.0), PageLabel()]
    place_signing_pages(views, labels, corpus_item("SC-001"))
    assert labels[2].material == "M6"


def test_a_signing_page_no_document_claims_alone_names_its_candidates() -> None:
    """Both documents' blocks are left open: no guess, the candidates are named (their missing seals
    become doubtful)."""
    views = [_articles(0, closed=False), _articles(1, closed=False), _seal_page(2)]
    labels = [PageLabel(material="M2", score=16.0), PageLabel(material="M6", score=16.0), PageLabel()]
    place_signing_pages(views, labels, corpus_item("SC-001"))
    assert labels[2].material is None and set(labels[2].signs_for) == {"M2", "M6"}


def test_a_look_alike_or_a_long_page_is_no_signing_page() -> None:
    long_page = _view(*[line(f"第{k}条 股东（签字）", 200, 100 + 60 * k) for k in range(14)], file=0)
    assert not is_signing_page(long_page)
    views = [_articles(0, closed=False), _seal_page(1)]
    labels = [PageLabel(material="M2", score=16.0), PageLabel(other="出资协议")]
    place_signing_pages(views, labels, corpus_item("SC-001"))
    assert labels[1].material is None and labels[1].signs_for == ()


def _rules_list(file: int, first: int, last: int) -> PageView:
    """A page of a company's rule list (items `first`..`last`, each phrased alike), no signing block."""
    lines = []
    for k in range(first, last + 1):
        lines.append(line(f"{k}、第{k}项管理制度", 150, 100 + 120 * (k - first)))
        lines.append(
            line(
                "本制度规定安和市测试化工有限公司的职责分工、工作要求和考核办法。",
                200,
                160 + 120 * (k - first),
            )
        )
    return _view(*lines, file=file)


def _report(file: int) -> PageView:
    """A registration form of the same company, its signing block left open too."""
    return _view(
        line("生产经营单位生产安全事故应急预案备案登记表", 300, 100),
        line("单位名称：安和市测试化工有限公司", 150, 200),
        line("应急预案名称：综合应急预案", 150, 260),
        line("备案编号：", 150, 320),
        file=file,
    )


def test_a_signing_page_goes_to_the_document_whose_wording_it_continues() -> None:
    """Two documents are left open; the sealed page carries on the list of one of them (its items 11
    and 12, phrased as items 1-10): it is that list's last page."""
    sealed = _view(
        line("11、第11项管理制度", 150, 100),
        line("本制度规定安和市测试化工有限公司的职责分工、工作要求和考核办法。", 200, 160),
        line("（盖章）安和市测试化工有限公司", 700, 300),
        file=2,
    )
    views = [_report(0), _rules_list(1, 1, 10), sealed]
    labels = [PageLabel(material="M7", score=16.0), PageLabel(material="M3", score=16.0), PageLabel()]
    place_signing_pages(views, labels, corpus_item("YJ-001"))
    assert labels[2].material == "M3" and labels[2].continued


def test_a_bare_seal_page_continues_no_document_in_particular() -> None:
    views = [
        _report(0),
        _rules_list(1, 1, 10),
        _view(line("（盖章）安和市测试化工有限公司", 700, 300), file=2),
    ]
    labels = [PageLabel(material="M7", score=16.0), PageLabel(material="M3", score=16.0), PageLabel()]
    place_signing_pages(views, labels, corpus_item("YJ-001"))
    assert labels[2].material is None and set(labels[2].signs_for) == {"M3", "M7"}
