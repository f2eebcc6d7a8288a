"""A goal said in everyday words with a question about what it takes asks for the item; and a goal the
finder's view splits is routed where most of the KB's own best entries are."""

from __future__ import annotations

from kb.finder import ItemCard, ItemMatch
from kb.fusion import Fused
from kb.goals import asks_item, foreign_licence, kb_led
from kb.index import KnowledgeIndex
from kb.text import Tokenizer
from tests.kb.conftest import FakeEmbedder, doc


def test_a_goal_and_what_it_takes_asks_for_the_item() -> None:
    assert asks_item("准备开家烧烤店 要准备哪些东西")
    assert asks_item("养殖场想从旁边的水库引点水过来 要不要报批")
    assert asks_item("注册成公司 手续咋走")
    assert asks_item("开饭店去哪办")  # ASKS_ROUTE's own words
    # one item's matter, or "要不要办" about a permit already named: no goal said
    assert not asks_item("打新井除了申请表还得交啥材料")
    assert not asks_item("只卖瓶装饮料和小零食，食品许可要不要办")
    assert not asks_item("想开饭店")  # a goal, but nothing asked about what it takes


def _match(code: str, score: float) -> ItemMatch:
    return ItemMatch(card=ItemCard(code=code, name=code, department="部门"), score=score, why="语义")


def test_the_kbs_entries_lead_to_the_item_the_finder_also_offers(embedder: FakeEmbedder) -> None:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    targets = ["HB-001#Q1", "HB-001#Q2", "SL-001#Q1", "HB-001#Q3", "HB-001#Q4", "SL-001#Q2"]
    index.upsert([doc(t, t, "答。", item=t.split("#")[0]) for t in targets])
    fused = [Fused(entry=index.by_target[t], score=10.0 - n) for n, t in enumerate(targets)]
    family = {"HB-001": "HB-001", "SL-001": "SL-001"}
    items = [_match("SL-001", 0.28), _match("HB-001", 0.27)]
    led = kb_led(fused, index, items, family, depth=5, least=4, floor=0.17)
    assert led is not None and led.card.code == "HB-001"
    # the finder gives the item too little: the entries merely share a word with the question
    assert kb_led(fused, index, [_match("HB-001", 0.1)], family, depth=5, least=4, floor=0.17) is None
    # fewer than ``least`` of the first entries agree
    assert kb_led(fused, index, items, family, depth=5, least=5, floor=0.17) is None


def test_a_licence_the_item_never_mentions_is_not_its_matter() -> None:
    card = ItemCard(
        code="YJS-001",
        name="一件事一次办：开办餐饮店",
        department="部门",
        results="营业执照、食品经营许可证",
        goals=["开饭店"],
    )
    assert foreign_licence("想开个小超市卖烟酒，烟草证去哪办", card)
    assert foreign_licence("开药店要办药品经营许可证 去哪个窗口", card)
    assert not foreign_licence("开饭店食品经营许可证去哪办", card)
    assert not foreign_licence("开饭店要办啥证", card)  # asked about, not named
