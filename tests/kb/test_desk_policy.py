"""The desk's decisions that need no model: how sure a goal routed by meaning is, and when a term counts
as said (its title or one of its other names)."""

from __future__ import annotations

from kb.desk import DeskPolicy, _names_said
from kb.finder import ItemCard, ItemFinder, ItemMatch
from kb.fusion import Fused
from kb.index import EntryHit, KnowledgeIndex
from kb.text import Tokenizer
from tests.kb.conftest import FakeEmbedder, doc


def _index(embedder: FakeEmbedder) -> KnowledgeIndex:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert(
        [
            doc("SL-001#Q1", "自来水要办取水许可吗", "不需要。", item="SL-001"),
            doc("SL-001#Q2", "农户打井浇地要办吗", "不需要。", item="SL-001"),
            doc("SL-001#basic", "取水许可 · 基本信息", "承诺时限 20 个工作日。", kind="guide", item="SL-001"),
            doc("HB-001#Q1", "报告表还是报告书", "看名录。", item="HB-001"),
            doc("YJS-001#Q1", "一件事和分开办", "一次办完。", item="YJS-001"),
            doc("SC-001#Q1", "注册资本填多少", "按认缴。", item="SC-001"),
            doc(
                "term:容缺受理",
                "容缺受理",
                "次要材料缺了可以先受理。",
                kind="term",
                item="",
                alternatives=["容缺", "先受理后补交"],
            ),
        ]
    )
    return index


def _ranked(index: KnowledgeIndex, *targets: str) -> list[Fused]:
    return [Fused(entry=index.by_target[t], score=float(10 - n)) for n, t in enumerate(targets)]


def _match(code: str, *, members: list[str] | None = None, why: str = "语义") -> ItemMatch:
    card = ItemCard(code=code, name=code, department="部门", bundle=bool(members), members=members or [])
    return ItemMatch(card=card, score=0.3, why=why)


def test_a_goal_guessed_by_meaning_is_sure_only_when_the_kbs_entries_agree(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    desk = DeskPolicy()
    water = _match("SL-001")
    backed = _ranked(index, "SL-001#Q1", "HB-001#Q1", "SL-001#Q2", "SL-001#basic", "SC-001#Q1")
    assert desk._kb_agrees(backed, index, water, [water])
    scattered = _ranked(index, "SL-001#Q1", "HB-001#Q1", "YJS-001#Q1", "SC-001#Q1", "SL-001#Q2")
    assert not desk._kb_agrees(scattered, index, water, [water])


def test_a_bundles_own_items_back_a_route_to_it(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    bundle = _match("YJS-001", members=["SC-001"])
    ranked = _ranked(index, "YJS-001#Q1", "SC-001#Q1", "term:容缺受理", "SC-001#Q1", "HB-001#Q1")
    assert DeskPolicy()._kb_agrees(ranked, index, bundle, [bundle])


def _by_vector(index: KnowledgeIndex, cosines: dict[str, float]) -> list[Fused]:
    ranked = sorted(cosines.items(), key=lambda kv: -kv[1])
    return [
        Fused(
            entry=index.by_target[t],
            score=c,
            vector=EntryHit(entry=index.by_target[t], score=c, rank=n + 1, detail=0),
        )
        for n, (t, c) in enumerate(ranked)
    ]


def test_a_route_by_meaning_needs_both_views_of_the_item_ahead(embedder: FakeEmbedder) -> None:
    """The finder's view (goals, guide clauses) and the item's own entries, added: one view alone near
    another item is no route, and the item must lead by ``evidence_route`` (sure by ``evidence_sure``)."""
    index = _index(embedder)
    desk = DeskPolicy(evidence_depth=2, evidence_route=0.01, evidence_sure=0.02)
    water = _match("SL-001")
    fused = _by_vector(index, {"SL-001#Q1": 0.91, "SL-001#Q2": 0.90, "HB-001#Q1": 0.89, "SC-001#Q1": 0.88})
    evidence = desk._evidence(fused, index, {"SL-001": 0.90, "HB-001": 0.89, "SC-001": 0.88})
    # SL-001: 0.90 + 0.905; HB-001: 0.89 + (0.89 + 0.88 floor) / 2
    assert evidence["SL-001"] - evidence["HB-001"] > 0.02
    assert desk._evidence_for(water, [water], evidence, desk.evidence_sure)
    # the finder alone puts HB-001 ahead: the entries do not follow, so no route to it
    close = desk._evidence(fused, index, {"SL-001": 0.88, "HB-001": 0.90, "SC-001": 0.88})
    assert not desk._evidence_for(_match("HB-001"), [], close, desk.evidence_route)
    assert not desk._evidence_for(water, [water], {}, 0.0)  # no vectors (keyword search): no view


def test_the_finders_view_is_the_mean_of_an_items_closest_phrases(embedder: FakeEmbedder) -> None:
    cards = [
        ItemCard(code="SL-001", name="取水许可", department="水务局", goals=["打井", "抽河水", "从水库引水"]),
        ItemCard(code="HB-001", name="环评审批", department="生态环境局", goals=["建厂房"]),
    ]
    finder = ItemFinder(cards, embedder=embedder)
    qvec = embedder.embed_queries(["我想打井抽河水"])[0]
    view = finder.meaning(qvec)
    assert set(view) == {"SL-001", "HB-001"} and view["SL-001"] > view["HB-001"]
    assert finder.meaning(None) == {}


def test_a_term_is_said_by_its_title_or_another_name(embedder: FakeEmbedder) -> None:
    term = _index(embedder).entry("term:容缺受理")
    assert term is not None and term.aliases == ["容缺", "先受理后补交"]
    assert _names_said(term, "容缺受理要签什么")
    assert _names_said(term, "先受理后补交是怎么回事", shortest=4)
    assert _names_said(term, "容缺是啥", shortest=2)
    assert not _names_said(term, "容缺是啥", shortest=4)  # a short other name may be any item's word


def test_only_a_term_keeps_other_names_on_its_entry(embedder: FakeEmbedder) -> None:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert([doc("SL-001#Q1", "自来水要办吗", "不需要。", alternatives=["用自来水办不办"])])
    entry = index.entry("SL-001#Q1")
    assert entry is not None and entry.aliases == []
