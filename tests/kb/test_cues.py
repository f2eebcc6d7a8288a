"""The desk's question patterns, without the model: which questions ask about a matter every item
settles in its own way, and which ask what a concept means."""

from __future__ import annotations

import re

import pytest

from kb.cues import (
    ASKS_CASES,
    ASKS_CONCEPT,
    ASKS_MATERIALS,
    ASKS_MEANING,
    ASKS_NAME,
    ASKS_ROUTE,
    HELD_LICENCE,
    PER_ITEM,
    THAT_THING,
    THIS_ITEM,
    negated,
)


@pytest.mark.parametrize(
    "query", ["收不收费", "要带什么", "多久能办好", "让别人来办行吗", "证过期了咋整", "会不会被退回"]
)
def test_per_item_matters(query: str) -> None:
    assert PER_ITEM.search(query)


@pytest.mark.parametrize("query", ["营业执照经营范围怎么写", "窗口在几楼", "公司名称能用英文吗"])
def test_not_per_item_matters(query: str) -> None:
    assert not PER_ITEM.search(query)


@pytest.mark.parametrize(
    "query",
    [
        "工作日怎么算",
        "容缺是啥意思",
        "承诺件和即办件有啥区别",
        "缺件受理是怎么回事",
        "从哪天开始算",
        "周六算不算",
        "这个天数跟法律上写的是一回事不",
        "承诺期限和法定期限差在哪",
    ],
)
def test_concept_questions(query: str) -> None:
    assert ASKS_CONCEPT.search(query)


@pytest.mark.parametrize(
    "query", ["需要准备些啥", "要不要上门看", "什么情况会直接不收", "多少天能出证", "会不会被拒收"]
)
def test_per_item_matters_as_people_say_them(query: str) -> None:
    assert PER_ITEM.search(query)


@pytest.mark.parametrize(
    "query",
    [
        "开个烘焙坊应该申请哪个许可",
        "厂里抽地下水这事归谁管",
        "开烘焙坊的流程是怎样的",
        "做仓储要先拿什么证",
        "环保审批去哪，要带什么",
        "手续都有哪些",
    ],
)
def test_questions_asking_for_the_item(query: str) -> None:
    assert ASKS_ROUTE.search(query)


@pytest.mark.parametrize(
    "query",
    [
        "取水许可哪些情况窗口不受理",
        "环评审批哪些情形不予受理",
        "许可证有效期几年",
        "是不是随便哪个窗口都能收件",  # any window: asks for none
        "不管哪个部门的件都收吗",
    ],
)
def test_questions_about_one_items_matter_ask_for_no_item(query: str) -> None:
    assert not ASKS_ROUTE.search(query)


@pytest.mark.parametrize(
    "query", ["综窗到底是个啥", "容缺咋回事", "这叫什么制度", "样表是干嘛用的", "这是什么政策"]
)
def test_meaning_asked_in_spoken_words(query: str) -> None:
    assert ASKS_MEANING.search(query)


@pytest.mark.parametrize("query", ["要带什么东西", "多久能办好", "去哪办"])
def test_no_meaning_asked(query: str) -> None:
    assert not ASKS_MEANING.search(query)


@pytest.mark.parametrize(
    "query",
    [
        "需要跑哪些手续",
        "环评要去哪里报",
        "材料去哪儿递",
        "执照去哪弄",
        "许可到哪搞",
        "手续和材料都有啥",
        "流程该怎么跑",
    ],
)
def test_asking_for_the_item_in_spoken_words(query: str) -> None:
    assert ASKS_ROUTE.search(query)


@pytest.mark.parametrize("query", ["得备齐哪些资料", "都要交些啥", "要带点什么"])
def test_asking_for_the_materials_in_spoken_words(query: str) -> None:
    assert ASKS_MATERIALS.search(query)


@pytest.mark.parametrize(
    "query", ["什么样的申请你们不接", "批文放两年会不会作废", "我们在区里，归哪一级管辖", "能在自己家里开吗"]
)
def test_refusal_validity_jurisdiction_and_premises_are_per_item_matters(query: str) -> None:
    assert PER_ITEM.search(query)


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("一个人不开公司能办吗", "开公司"),
        ("不想开公司，就个体户", "开公司"),
        ("非餐饮的店", "餐饮"),
        ("开家招聘公司，除了执照还得办什么证", "执照"),  # set aside: the rest is asked
    ],
)
def test_an_item_denied(query: str, phrase: str) -> None:
    assert negated(query, phrase)


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("能不能开公司", "开公司"),  # asks whether
        ("是不是开公司才行", "开公司"),
        ("厂房盖一半了才想起来没做环评", "环评"),  # still to do: asked about
        ("股东过不来，公司登记怎么签字", "公司登记"),  # the denial is of something else
        ("开公司要多久，不开行吗", "开公司"),  # said once without denial
    ],
)
def test_an_item_not_denied(query: str, phrase: str) -> None:
    assert not negated(query, phrase)


@pytest.mark.parametrize("query", ["这个事到底在哪个窗口办", "啥情况下不用办这个证", "这事归谁管"])
def test_an_item_in_mind_and_not_named(query: str) -> None:
    assert THIS_ITEM.search(query)


@pytest.mark.parametrize("query", ["这个事项的收费标准", "这种审批方式叫啥", "证照要办哪些"])
def test_no_item_in_mind(query: str) -> None:
    assert not THIS_ITEM.search(query)


@pytest.mark.parametrize(
    ("query", "asks"),
    [
        ("什么情况下会被退回", True),
        ("啥样的申请不收", True),
        ("有哪几种情形不予受理", True),
        ("补正是什么意思", False),
        ("有效期从哪天开始算", False),
    ],
)
def test_questions_asking_which_situations(query: str, asks: bool) -> None:
    assert bool(ASKS_CASES.search(query)) == asks


@pytest.mark.parametrize(
    "query", ["想办个厂子上哪儿弄", "去哪搭办个证", "这事该去哪问", "到哪咨询合适", "上哪办"]
)
def test_where_to_go_in_regional_and_spoken_words(query: str) -> None:
    assert ASKS_ROUTE.search(query)


def test_bring_what_in_spoken_words() -> None:
    assert ASKS_MATERIALS.search("开店得拿些什么")


@pytest.mark.parametrize("query", ["领了回执是不是就等于办好了", "备案等同于审批吗"])
def test_asking_whether_one_thing_equals_another_compares_concepts(query: str) -> None:
    assert ASKS_CONCEPT.search(query)


def test_sichuan_what_asks_which_situations() -> None:
    assert ASKS_CASES.search("啥子情况下会被退回")


@pytest.mark.parametrize("query", ["什么样的人根本不用来办", "哪些情况免办", "小作坊用不着办吧"])
def test_exemptions_are_per_item_matters(query: str) -> None:
    assert PER_ITEM.search(query)


# what a practice is called; a document pointed at, not named; a procedure on a licence already held
@pytest.mark.parametrize(
    ("cue", "query", "found"),
    [
        (ASKS_NAME, "这种做法是啥说法", True),
        (ASKS_NAME, "这种做法叫什么", True),
        (ASKS_NAME, "属于什么规定", True),
        (ASKS_NAME, "材料是什么", False),
        (THAT_THING, "那份方案报告盖谁的章", True),
        (THAT_THING, "那本安全制度要几页", True),
        (THAT_THING, "这张申请表填哪栏", True),
        (THAT_THING, "方案报告盖谁的章", False),
        (THAT_THING, "这个事到底要交什么证明", False),  # "this matter", not a document pointed at
        (HELD_LICENCE, "许可证年审在哪审", True),
        (HELD_LICENCE, "证丢了怎么补领", True),
        (HELD_LICENCE, "公司注销去哪办", True),
        (HELD_LICENCE, "许可证去哪申请", False),
    ],
)
def test_what_the_words_point_at(cue: re.Pattern[str], query: str, found: bool) -> None:
    assert bool(cue.search(query)) == found
