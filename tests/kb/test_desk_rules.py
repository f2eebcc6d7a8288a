"""The desk's question patterns, without the model: which questions ask about a matter every item
settles in its own way, and which ask what a concept means."""

from __future__ import annotations

import pytest

from kb.desk import _ASKS_CONCEPT, _PER_ITEM


@pytest.mark.parametrize(
    "query", ["收不收费", "要带什么", "多久能办好", "让别人来办行吗", "证过期了咋整", "会不会被退回"]
)
def test_per_item_matters(query: str) -> None:
    assert _PER_ITEM.search(query)


@pytest.mark.parametrize("query", ["营业执照经营范围怎么写", "窗口在几楼", "公司名称能用英文吗"])
def test_not_per_item_matters(query: str) -> None:
    assert not _PER_ITEM.search(query)


@pytest.mark.parametrize("query", ["工作日怎么算", "容缺是啥意思", "承诺件和即办件有啥区别"])
def test_concept_questions(query: str) -> None:
    assert _ASKS_CONCEPT.search(query)


@pytest.mark.parametrize("query", ["需要准备些啥", "要不要上门看", "什么情况会直接不收"])
def test_per_item_matters_as_people_say_them(query: str) -> None:
    assert _PER_ITEM.search(query)
