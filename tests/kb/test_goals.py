"""A goal said in everyday words with a question about what it takes asks for the item; and a goal the
finder's view splits is routed where most of the KB's own best entries are."""

from __future__ import annotations

from kb.finder import ItemCard, ItemMatch
from kb.fusion import Fused
from kb.goals import agreed, asks_item, foreign_licence, goal_route, kb_led, says_goal, wants_item
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


def test_a_goal_in_keywords_is_what_is_to_be_started_new() -> None:
    assert asks_item("新建仓库 审批 带啥")
    assert asks_item("咨询 新成立的合作社 要交哪些材料")
    assert not asks_item("证明过期了 重新开一张要带啥")  # doing again, nothing new started


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
    assert not foreign_licence("开饭店几天能把证拿全", card)


def test_an_intention_and_what_to_prepare_asks_for_the_item() -> None:
    assert wants_item("想拿小货车给人拉货挣钱 要交哪些材料")
    assert wants_item("开饭店去哪办")  # asks_item's own
    assert wants_item("开家烧烤店得备齐哪些资料")  # what is to be started, said first
    # a matter's materials, or the asking itself: no intention said
    assert not wants_item("车辆年检要带什么")
    assert not wants_item("想问下年检要准备什么材料")
    assert not wants_item("打新井除了申请表还得交啥材料")


def _ranked(embedder: FakeEmbedder, targets: list[str]) -> tuple[KnowledgeIndex, list[Fused]]:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert([doc(t, t, "答。", item=t.split("#")[0]) for t in dict.fromkeys(targets)])
    return index, [Fused(entry=index.by_target[t], score=10.0 - n) for n, t in enumerate(targets)]


def test_a_goal_is_routed_surely_where_the_best_entries_agree(embedder: FakeEmbedder) -> None:
    family = {"RS-001": "RS-001", "JT-001": "JT-001", "SC-001": "YJS-001", "YJS-001": "YJS-001"}
    items = [_match("YJS-001", 0.33), _match("RS-001", 0.32)]
    index, fused = _ranked(embedder, ["RS-001#Q1", "JT-001#Q3", "RS-001#Q7", "SC-001#Q8", "RS-001#basic"])
    evidence = {"RS-001": 1.81, "SC-001": 1.80, "YJS-001": 1.79, "JT-001": 1.7}
    kw = {"fused": fused, "index": index, "items": items, "family": family, "evidence": evidence}
    route = goal_route(
        "想成立一家公司帮企业招人 办什么许可", **kw, meant=None, depth=4, margin=1, floor=0.2, lead=0.005
    )
    assert route is not None and route.card.code == "RS-001"
    # a concept asked about, or a licence the item never mentions: no route
    assert (
        goal_route("人力资源许可是什么意思", **kw, meant=None, depth=4, margin=1, floor=0.2, lead=0.005)
        is None
    )
    assert (
        goal_route(
            "想开公司招人 要办烟草证吗 办什么许可", **kw, meant=None, depth=4, margin=1, floor=0.2, lead=0.005
        )
        is None
    )
    # the other views put another family first: no sure route
    kw["evidence"] = {"RS-001": 1.80, "SC-001": 1.81}
    assert (
        goal_route(
            "想成立一家公司帮企业招人 办什么许可", **kw, meant=None, depth=4, margin=1, floor=0.2, lead=0.005
        )
        is None
    )
    # the best entries split between two items (the same matter, different answers): no agreement
    index, fused = _ranked(embedder, ["RS-001#Q1", "JT-001#Q3", "JT-001#Q1", "RS-001#Q7"])
    assert agreed(fused, index, items, family, depth=4, margin=1, floor=0.2) is None
    # a 一件事 whose entries lead is answered before its own single item
    index, fused = _ranked(embedder, ["YJS-001#Q1", "SC-001#Q2", "YJS-001#basic", "RS-001#Q1"])
    found = agreed(fused, index, items, family, depth=4, margin=1, floor=0.2)
    assert found is not None and found.card.code == "YJS-001"


def test_the_finders_route_is_sure_when_the_evidence_backs_it(embedder: FakeEmbedder) -> None:
    family = {"RS-001": "RS-001", "YJ-001": "YJ-001", "SC-001": "SC-001"}
    items = [_match("RS-001", 0.41), _match("SC-001", 0.26)]
    # the best entries split (no agreement), the finder meant RS-001 and the evidence puts it first
    index, fused = _ranked(embedder, ["YJ-001#Q4", "YJ-001#Q9", "RS-001#Q1", "SC-001#Q7"])
    kw = {"fused": fused, "index": index, "items": items, "family": family, "depth": 4, "margin": 1}
    evidence = {"RS-001": 1.783, "SC-001": 1.772, "YJ-001": 1.772}
    query = "给工厂介绍工人挣介绍费 要办啥证"
    route = goal_route(query, **kw, evidence=evidence, meant=items[0], floor=0.2, lead=0.005)
    assert route is not None and route.card.code == "RS-001"
    assert goal_route(query, **kw, evidence=evidence, meant=None, floor=0.2, lead=0.005) is None
    # another item's evidence as strong: no sure route
    even = {"RS-001": 1.78, "YJ-001": 1.779}
    assert goal_route(query, **kw, evidence=even, meant=items[0], floor=0.2, lead=0.005) is None


def test_a_goal_is_something_to_be_done_or_what_it_takes() -> None:
    for goal in (
        "买了几台厢货准备给人送货，得办什么",
        "工厂扩建一条注塑生产线 环保审批去哪 准备什么材料",
        "想在小区门口开个小饭馆",
        "开家烧烤店",
        "这个要报批吗",
    ):
        assert says_goal(goal), goal
    for chat in ("明天会下雨吗，火锅哪家好吃", "你们几点下班", "附近哪有停车场"):
        assert not says_goal(chat), chat


def test_what_to_bring_asked_alone_is_no_goal_when_materials_are_left_out() -> None:
    assert says_goal("变更个经营地址要带啥材料")  # the materials count as what it takes ...
    assert not says_goal("变更个经营地址要带啥材料", materials=False)  # ... but say no goal of their own
    for goal in ("想开个面包房 要带啥材料", "盖个仓库要报批吗", "打算养几百头猪"):
        assert says_goal(goal, materials=False), goal


def test_a_goal_in_regional_words() -> None:
    assert asks_item("俺想整个小作坊 这咋弄")  # 整: 东北 for 办/搞
    assert asks_item("要盖个仓库 手续咋走")
    assert says_goal("打算盖间冷库")
