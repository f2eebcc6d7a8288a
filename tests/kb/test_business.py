"""The kind of business a goal names (kb/business.py), and whether an item's card speaks of it."""

from __future__ import annotations

import pytest

from kb.business import business_named, mentions
from kb.finder import ItemCard

RESTAURANT = ItemCard(
    code="YJS",
    name="开办餐饮店",
    department="市场监管局",
    goals=["开饭店", "开火锅店"],
    says=["开火锅店、烧烤店、面馆这类吃饭的店"],
)
FACTORY = ItemCard(code="HB", name="环评审批", department="生态环境局", goals=["建加工厂", "扩建车间"])


@pytest.mark.parametrize(
    ("query", "kind", "phrase"),
    [
        ("想开间理发店要办啥手续", "理发", "理发店"),
        ("准备开家小烧烤店", "小烧烤", "小烧烤店"),
        ("想成立一家科技有限公司", "科技有限", "科技有限公司"),
        ("开个小诊所要办什么许可", "小", "小诊所"),  # the premises word says the kind
        ("想开家药店卖药", "药", "药店"),
    ],
)
def test_the_business_a_goal_names(query: str, kind: str, phrase: str) -> None:
    found = business_named(query)
    assert found is not None and found.kind == kind and found.phrase == phrase


@pytest.mark.parametrize(
    "query",
    [
        "准备开个小公司",
        "注册一家有限责任公司",
        "会不会有人上门来看场地",
        "材料交到哪个窗口",
        "平时在办公楼接单再让工厂发货",  # 办公楼: where one works, no business started
    ],
)
def test_no_kind_of_business_named(query: str) -> None:
    assert business_named(query) is None


def test_a_card_speaks_of_a_kind_by_any_of_its_character_pairs() -> None:
    barber, grill, workshop = (business_named(q) for q in ("开理发店", "开家烧烤店", "扩建个注塑车间"))
    assert barber is not None and not mentions([RESTAURANT, FACTORY], barber)
    assert grill is not None and mentions([RESTAURANT], grill) and not mentions([FACTORY], grill)
    assert workshop is not None and not mentions([FACTORY], workshop)  # 注塑: the kind, not the 车间


def test_a_business_after_a_word_that_only_opens_with_a_verb() -> None:
    found = business_named("白天在办公室上班，晚上想开家小烧烤店")
    assert found is not None and found.phrase == "小烧烤店"
