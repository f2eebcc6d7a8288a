"""When an abstention is lifted: a named item's entry, or a term its own sentences confirm, first by far;
or a goal routed to the KB's best item entry when the items' sentences agree."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

from kb.concepts import TermDescriptions
from kb.desk import DeskPolicy
from kb.finder import ItemCard, ItemFinder, ItemMatch
from kb.fusion import Fused
from kb.goal_meaning import GoalMeaning, MeaningRouter
from kb.hits import item_named_as_concept, near_term
from kb.index import KnowledgeIndex
from kb.schemas import IndexDoc
from kb.search import Searcher
from kb.text import Tokenizer
from tests.kb.conftest import FakeEmbedder


def _doc(target: str, kind: str, item: str, title: str, body: str) -> IndexDoc:
    return IndexDoc(
        target=target,
        kind=kind,
        item=item,
        department="部门",
        title=title,
        body=body,
        content_hash=target + body,
    )


def _index(embedder: FakeEmbedder) -> KnowledgeIndex:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert(
        [
            _doc("SL-001#Q1", "faq", "SL-001", "用市政管网的水要办取水许可吗", "不需要。"),
            _doc("SL-001#Q2", "faq", "SL-001", "取水许可要多久", "二十个工作日。"),
            _doc(
                "term:统一出件",
                "term",
                "",
                "统一出件",
                "各部门审批完成后把证照交回综合窗口，由综合窗口统一交给申请人。申请人不用再去各个部门取结果。",
            ),
            _doc(
                "term:好差评", "term", "", "好差评", "办事人对政务服务打分评价的制度。收到差评的要整改反馈。"
            ),
        ]
    )
    return index


def _ranked(index: KnowledgeIndex, *scored: tuple[str, float]) -> list[Fused]:
    return [Fused(entry=index.by_target[t], score=s) for t, s in scored]


def _named(code: str, why: str) -> list[ItemMatch]:
    return [ItemMatch(card=ItemCard(code=code, name=code, department="部门"), score=0.8, why=why)]


def test_a_named_items_entry_far_ahead_lifts_the_abstention(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    this = SimpleNamespace(desk=DeskPolicy(), term_lead=1.0)
    far = _ranked(index, ("SL-001#Q1", 4.0), ("SL-001#Q2", 2.5))
    close = _ranked(index, ("SL-001#Q1", 4.0), ("SL-001#Q2", 3.5))
    assert Searcher._named_item_leads(this, far, index, _named("SL-001", "俗称"))  # type: ignore[arg-type]
    assert not Searcher._named_item_leads(this, close, index, _named("SL-001", "俗称"))  # type: ignore[arg-type]
    # an item guessed by meaning is not named; another item's name does not vouch for this entry
    assert not Searcher._named_item_leads(this, far, index, _named("SL-001", "语义"))  # type: ignore[arg-type]
    assert not Searcher._named_item_leads(this, far, index, _named("HB-001", "俗称"))  # type: ignore[arg-type]


def test_a_term_far_ahead_is_confirmed_only_by_its_own_sentences(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    concepts = TermDescriptions(embedder=embedder, floor=0.0, lead=0.0, wording=1.0)
    this = SimpleNamespace(desk=DeskPolicy(), term_lead=1.0, concepts=concepts)
    query = "审批完了还要去各个部门取结果吗"
    qvec = embedder.embed_queries([query])[0]
    right = _ranked(index, ("term:统一出件", 4.0), ("term:好差评", 2.0))
    wrong = _ranked(index, ("term:好差评", 4.0), ("term:统一出件", 2.0))
    close = _ranked(index, ("term:统一出件", 4.0), ("term:好差评", 3.5))
    assert Searcher._term_confirmed(this, query, qvec, right, index, [])  # type: ignore[arg-type]
    assert not Searcher._term_confirmed(this, query, qvec, wrong, index, [])  # type: ignore[arg-type]
    assert not Searcher._term_confirmed(this, query, qvec, close, index, [])  # type: ignore[arg-type]


def _agreeing(index: KnowledgeIndex) -> SimpleNamespace:
    cards = [
        ItemCard(code="SL-001", name="取水许可", department="水利局", results="取水许可证"),
        ItemCard(code="HB-001", name="环评审批", department="生态环境局"),
    ]
    return SimpleNamespace(
        desk=DeskPolicy(), finder=ItemFinder(cards), goals=MeaningRouter(backed=0.0, clear=0.01)
    )


def test_the_kbs_best_item_routes_a_goal_when_the_items_sentences_agree(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    this = _agreeing(index)
    ranked = _ranked(index, ("term:好差评", 3.0), ("SL-001#Q1", 2.0), ("SL-001#Q2", 1.0))
    clear = GoalMeaning.read({"SL-001": 0.89, "HB-001": 0.87}, cohort=0.88)
    split = GoalMeaning.read({"HB-001": 0.89, "SL-001": 0.885}, cohort=0.88)
    route = partial(Searcher._agreed_route, this, fused=ranked, index=index)  # type: ignore[arg-type]
    goal = "果园旁边有条小河 打算引水浇地 要报批吗"
    assert route(goal, clear, items=[]) == "SL-001"  # the first item entry, and the sentences agree
    assert route(goal, split, items=[]) is None  # the sentences put another item first
    assert route("取水许可要带啥材料", clear, items=[]) is None  # what to bring alone: no goal said
    assert route("统一出件是啥意思", clear, items=[]) is None  # a concept asked about
    assert route("打算引水浇地 要办排污证吗", clear, items=[]) is None  # a licence the item never mentions
    assert route(goal, clear, items=_named("HB-001", "俗称")) is None  # another item named
    assert route(goal, clear, items=_named("SL-001", "俗称")) == "SL-001"


def test_a_practices_name_asked_is_answered_by_a_concept(embedder: FakeEmbedder) -> None:
    """ "这算啥说法" with an item's entry first: the item's entry is no answer; a term near the top is."""
    index = _index(embedder)
    item_first = _ranked(index, ("SL-001#Q1", 4.0), ("term:统一出件", 3.0), ("SL-001#Q2", 2.0))
    query = "窗口说证不用去各局拿了，这算啥说法"
    assert item_named_as_concept(item_first, index, query, named=False)
    assert not item_named_as_concept(item_first, index, query, named=True)  # the item said: its own matter
    assert not item_named_as_concept(item_first, index, "证不用去各局拿了吗", named=False)
    term_first = _ranked(index, ("term:统一出件", 4.0), ("SL-001#Q1", 3.0))
    assert not item_named_as_concept(term_first, index, query, named=False)
    assert near_term(item_first, index) == "term:统一出件"
    assert near_term(_ranked(index, ("SL-001#Q1", 4.0), ("SL-001#Q2", 3.0)), index) is None


def test_a_route_for_a_licence_already_held_is_not_sure() -> None:
    """An annual review or a replacement of a licence is no application: no item's guide answers it surely."""
    this = SimpleNamespace()
    for query in ("运输证年审在哪审", "许可证丢了去哪补领"):
        assert not Searcher._route_sure(this, query, "JT-001", True, items=[], goal=None)  # type: ignore[arg-type]
