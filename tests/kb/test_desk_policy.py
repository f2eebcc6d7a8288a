"""The desk's decisions that need no model: how sure a goal routed by meaning is, and when a term counts
as said (its title or one of its other names)."""

from __future__ import annotations

import numpy as np

from kb.cues import said_term
from kb.desk import DeskPolicy
from kb.finder import ItemCard, ItemFinder, ItemMatch
from kb.fusion import Fused
from kb.index import EntryHit, KnowledgeIndex
from kb.matter import counterparts, item_evidence, item_specific, leads
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
            doc(
                "term:授权委托书",
                "授权委托书",
                "写明委托事项。",
                kind="term",
                item="",
                alternatives=["委托书"],
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
    fused = _by_vector(index, {"SL-001#Q1": 0.91, "SL-001#Q2": 0.90, "HB-001#Q1": 0.89, "SC-001#Q1": 0.88})
    evidence = item_evidence(fused, index, {"SL-001": 0.90, "HB-001": 0.89, "SC-001": 0.88}, depth=2)
    # SL-001: 0.90 + 0.905; HB-001: 0.89 + (0.89 + 0.88 floor) / 2
    assert evidence["SL-001"] - evidence["HB-001"] > 0.02
    assert leads(evidence, {"SL-001"}, 0.02)
    # the finder alone puts HB-001 ahead: the entries do not follow, so no route to it
    close = item_evidence(fused, index, {"SL-001": 0.88, "HB-001": 0.90, "SC-001": 0.88}, depth=2)
    assert not leads(close, {"HB-001"}, 0.01)
    assert not leads({}, {"SL-001"}, 0.0)  # no vectors (keyword search): no view
    assert item_evidence(fused, index, {}, depth=2) == {}


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


def test_an_items_own_words_tie_the_question_to_it(embedder: FakeEmbedder) -> None:
    """A bigram the entries use (almost) only in one item family; a 一件事 and its own items are one."""
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert(
        [
            doc("SC-001#Q1", "注册资本填多少", "按认缴，委托书另附。", item="SC-001"),
            doc("SC-001#Q2", "注册资本能改吗", "可以变更，委托书另附。", item="SC-001"),
            doc("YJS-001#Q1", "注册资本要实缴吗", "不用，委托书另附。", item="YJS-001"),
            doc("SL-001#Q1", "取水口在哪", "看批文，委托书另附。", item="SL-001"),
        ]
    )
    family = {"SC-001": "YJS-001", "YJS-001": "YJS-001", "SL-001": "SL-001"}
    assert item_specific("注册资本随便填行吗", index, family, share=0.9, least=3) == {"YJS-001"}
    assert item_specific("委托书怎么写", index, family, share=0.9, least=3) == set()  # every item's word
    assert item_specific("取水口", index, family, share=0.9, least=3) == set()  # one entry is no evidence


def test_counterparts_are_other_items_entries_saying_nearly_the_same(embedder: FakeEmbedder) -> None:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert(
        [
            doc("SC-001#Q7", "委托别人办要带什么", "授权委托书和受托人身份证。", item="SC-001"),
            doc("SL-001#Q7", "委托别人办要带什么材料", "授权委托书和受托人身份证。", item="SL-001"),
            doc("HB-001#Q1", "报告表还是报告书", "看名录。", item="HB-001"),
        ]
    )
    first = _by_vector(index, {"SC-001#Q7": 0.93})[0]
    first.vector.detail = index.entries[first.entry].positions[0]  # type: ignore[union-attr]
    mask = np.ones(len(index.entries), dtype=bool)
    found = counterparts(first, index, {}, mask=mask, close=0.8)
    assert [e.target for e in found] == ["SL-001#Q7"]
    assert counterparts(first, index, {"SL-001": "SC-001"}, mask=mask, close=0.8) == []  # one family


def test_a_term_named_beside_a_per_item_matter_is_asked_about(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    ranked = _ranked(index, "term:容缺受理", "term:授权委托书", "SL-001#Q1")
    assert said_term("容缺了几天内要补齐", ranked, index)  # 容缺 is the concept, 几天 the matter
    assert said_term("容缺受理要签什么", ranked, index)
    assert not said_term("委托书怎么写才行", ranked, index)  # 委托书 is itself the per-item matter (委托)
    assert not said_term("容缺是啥", _ranked(index, "SL-001#Q1"), index)  # the term did not come up


def test_a_named_term_first_is_sure_and_no_tie(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    desk = DeskPolicy()
    close = [
        Fused(entry=index.by_target["term:容缺受理"], score=1.0),
        Fused(entry=index.by_target["SL-001#Q1"], score=0.99),
    ]
    assert desk.named_term_first(close, index, query="容缺受理要签什么", confidence=0.3)
    assert desk.settled(close, index, query="容缺受理要签什么")
    assert not desk.named_term_first(
        close, index, query="容缺受理要签什么", confidence=0.05
    )  # not the hall's
    assert not desk.named_term_first(close, index, query="次要材料缺了怎么办", confidence=0.9)  # not named
    assert not desk.settled(close, index, query="次要材料缺了怎么办是什么意思")  # neck and neck


def test_only_a_term_keeps_other_names_on_its_entry(embedder: FakeEmbedder) -> None:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert([doc("SL-001#Q1", "自来水要办吗", "不需要。", alternatives=["用自来水办不办"])])
    entry = index.entry("SL-001#Q1")
    assert entry is not None and entry.aliases == []


def test_a_goal_in_everyday_words_routes_when_wording_and_meaning_agree(embedder: FakeEmbedder) -> None:
    desk = DeskPolicy()
    items = [_match("SL-001"), _match("HB-001")]
    meaning = {"HB-001": 0.89, "SL-001": 0.88}
    worded = desk._worded("扩建车间要办啥手续", items, meaning, {"HB-001": 3.9})
    assert worded is not None and worded.card.code == "HB-001"
    assert desk._worded("扩建车间要办啥手续", items, {"SL-001": 0.9, "HB-001": 0.89}, {"HB-001": 3.9}) is None
    assert desk._worded("扩建车间要办啥手续", items, meaning, {"HB-001": 1.0, "SL-001": 1.0}) is None  # a tie
    assert desk._worded("扩建车间的环评报告怎么写", items, meaning, {"HB-001": 3.9}) is None  # asks no item


def test_an_item_hinted_while_another_items_entry_leads_is_asked_back(embedder: FakeEmbedder) -> None:
    """执照 hints at the company registration (a material of every item, so only a hint), yet the best
    entry is another item's: the person may mean either, so both are offered, or nothing is sure."""
    index = _index(embedder)
    desk = DeskPolicy()
    family = {"SC-001": "YJS-001", "YJS-001": "YJS-001", "SL-001": "SL-001", "HB-001": "HB-001"}
    hint = _match("SC-001", why="俗称").model_copy(update={"score": 0.62, "matched": "执照"})
    query = "执照上的范围有要求没"
    ranked = _ranked(index, "HB-001#Q1", "SC-001#Q1", "SL-001#Q1")
    offered = desk._hint_disagrees(query=query, fused=ranked, index=index, items=[hint], family=family)
    assert offered is not None and [o.item for o in offered] == ["HB-001", "SC-001"]
    # the hinted item (or its 一件事) has no entry among the candidates: no choice, but no sure answer
    alone = _ranked(index, "HB-001#Q1", "SL-001#Q1")
    assert desk._hint_disagrees(query=query, fused=alone, index=index, items=[hint], family=family) == []
    # the best item entry is the hinted item's family, or a term answers, or nothing was said: no disagreement
    kin = _ranked(index, "YJS-001#Q1", "HB-001#Q1")
    assert desk._hint_disagrees(query=query, fused=kin, index=index, items=[hint], family=family) is None
    term = _ranked(index, "term:容缺受理", "HB-001#Q1", "SC-001#Q1")
    assert desk._hint_disagrees(query=query, fused=term, index=index, items=[hint], family=family) is None
    guessed = hint.model_copy(update={"why": "语义"})
    assert (
        desk._hint_disagrees(query=query, fused=ranked, index=index, items=[guessed], family=family) is None
    )


def test_an_item_hinted_and_leading_keeps_other_items_near_entries_out(embedder: FakeEmbedder) -> None:
    """执照 hints at the company registration and its entry leads: another item's entry close behind
    is no choice the person faces; a question that says nothing of an item is asked as before."""
    index = _index(embedder)
    desk = DeskPolicy()
    family = {"SC-001": "YJS-001", "YJS-001": "YJS-001", "SL-001": "SL-001", "HB-001": "HB-001"}
    hint = _match("SC-001", why="俗称").model_copy(update={"score": 0.62, "matched": "执照"})
    assert desk._hint_agrees(
        fused=_ranked(index, "SC-001#Q1", "HB-001#Q1"), index=index, items=[hint], family=family
    )
    kin = _ranked(index, "YJS-001#Q1", "HB-001#Q1")
    assert desk._hint_agrees(fused=kin, index=index, items=[hint], family=family)  # its 一件事's entry
    assert not desk._hint_agrees(
        fused=_ranked(index, "HB-001#Q1", "SC-001#Q1"), index=index, items=[hint], family=family
    )
    guessed = hint.model_copy(update={"why": "语义"})
    assert not desk._hint_agrees(
        fused=_ranked(index, "SC-001#Q1", "HB-001#Q1"), index=index, items=[guessed], family=family
    )


def test_a_term_first_for_a_question_naming_its_item_is_no_sure_answer(embedder: FakeEmbedder) -> None:
    """Named item, no concept asked, a term first that only the item's name holds: the item's entries
    should answer, so the term is not sure; a term named outside the item's name, or a concept asked,
    keeps it."""
    index = _index(embedder)
    ranked = _ranked(index, "term:容缺受理", "SL-001#Q1")
    named = _match("SL-001", why="俗称").model_copy(update={"score": 0.85, "matched": "容缺取水"})
    assert DeskPolicy._term_over_item("容缺取水 哪些材料要交", ranked, index, named)
    assert not DeskPolicy._term_over_item("容缺取水 先受理后补交行不行", ranked, index, named)
    assert not DeskPolicy._term_over_item("容缺取水 容缺是什么意思", ranked, index, named)
    assert not DeskPolicy._term_over_item("容缺取水 哪些材料要交", _ranked(index, "SL-001#Q1"), index, named)


def test_the_best_entry_of_an_item_the_question_denies_is_no_answer(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    desk = DeskPolicy()
    ranked = _ranked(index, "SC-001#Q1", "SL-001#Q1", "HB-001#Q1", "YJS-001#Q1")
    offered = desk._denied_answers(fused=ranked, index=index, denied=["SC-001"])
    assert offered is not None and [o.item for o in offered] == ["SL-001", "HB-001", "YJS-001"]
    alone = _ranked(index, "SC-001#Q1", "SL-001#Q1")
    assert desk._denied_answers(fused=alone, index=index, denied=["SC-001"]) == []  # one item is no choice
    assert desk._denied_answers(fused=ranked, index=index, denied=["HB-001"]) is None  # not the best's


def test_a_document_pointed_at_and_not_named_is_no_sure_answer(embedder: FakeEmbedder) -> None:
    """ "那份评估报告…" points at a document of an item the person has in mind: the items of the best entries
    are offered, or, with one item's entries only, nothing is sure; a term first, an item hinted or
    meant, or no document pointed at leaves the question alone."""
    index = _index(embedder)
    desk = DeskPolicy()
    family = {"SC-001": "YJS-001", "YJS-001": "YJS-001", "SL-001": "SL-001", "HB-001": "HB-001"}
    query = "那份评估报告找谁盖章"
    ranked = _ranked(index, "HB-001#Q1", "SL-001#Q1", "SC-001#Q1")
    args = {"index": index, "family": family, "meant": False}
    offered = desk._thing_in_mind(query=query, fused=ranked, items=[], **args)
    assert offered is not None and [o.item for o in offered] == ["HB-001", "SL-001", "SC-001"]
    alone = _ranked(index, "HB-001#Q1", "term:容缺受理")
    assert desk._thing_in_mind(query=query, fused=alone, items=[], **args) == []
    term = _ranked(index, "term:容缺受理", "HB-001#Q1", "SL-001#Q1")
    assert desk._thing_in_mind(query=query, fused=term, items=[], **args) is None
    assert desk._thing_in_mind(query="评估报告找谁盖章", fused=ranked, items=[], **args) is None
    hint = _match("HB-001", why="俗称").model_copy(update={"score": 0.62, "matched": "报告"})
    assert desk._thing_in_mind(query=query, fused=ranked, items=[hint], **args) is None
    meant = {**args, "meant": True}
    assert desk._thing_in_mind(query=query, fused=ranked, items=[], **meant) is None
