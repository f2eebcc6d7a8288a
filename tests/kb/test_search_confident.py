"""When an abstention is lifted: a named item's entry, or a term its own sentences confirm, first by far."""

from __future__ import annotations

from types import SimpleNamespace

from kb.concepts import TermDescriptions
from kb.desk import DeskPolicy
from kb.finder import ItemCard, ItemMatch
from kb.fusion import Fused
from kb.index import KnowledgeIndex
from kb.schemas import IndexDoc
from kb.search import Searcher, _item_named_as_concept, _near_term
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


def test_a_practices_name_asked_is_answered_by_a_concept(embedder: FakeEmbedder) -> None:
    """ "这算啥说法" with an item's entry first: the item's entry is no answer; a term near the top is."""
    index = _index(embedder)
    item_first = _ranked(index, ("SL-001#Q1", 4.0), ("term:统一出件", 3.0), ("SL-001#Q2", 2.0))
    query = "窗口说证不用去各局拿了，这算啥说法"
    assert _item_named_as_concept(item_first, index, query, named=False)
    assert not _item_named_as_concept(item_first, index, query, named=True)  # the item said: its own matter
    assert not _item_named_as_concept(item_first, index, "证不用去各局拿了吗", named=False)
    term_first = _ranked(index, ("term:统一出件", 4.0), ("SL-001#Q1", 3.0))
    assert not _item_named_as_concept(term_first, index, query, named=False)
    assert _near_term(item_first, index) == "term:统一出件"
    assert _near_term(_ranked(index, ("SL-001#Q1", 4.0), ("SL-001#Q2", 3.0)), index) is None


def test_a_route_for_a_licence_already_held_is_not_sure() -> None:
    """An annual review or a replacement of a licence is no application: no item's guide answers it surely."""
    this = SimpleNamespace()
    for query in ("运输证年审在哪审", "许可证丢了去哪补领"):
        assert not Searcher._route_sure(this, query, "JT-001", True, items=[], goal=None)  # type: ignore[arg-type]
