"""Guide sections and the wording of conditions (rules/guide.py): what applicants and staff read."""

from __future__ import annotations

import pytest

from rules.book import RuleBook
from rules.expr import parse
from rules.guide import guide_sections
from rules.spec import FactCatalog
from rules.wording import describe


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("applicant_type in [enterprise, individual_business]", "申请人类型为企业或个体工商户"),
        ("applicant_type != natural_person", "申请人类型不为自然人"),
        ("by_agent = true", "是否委托代理人（经办人、指定代表）办理：是"),
        ("is_foreign_invested = false", "是否属于外商投资企业：否"),
        ("not (by_agent = true)", "并非（是否委托代理人（经办人、指定代表）办理：是）"),
        ("full_time_staff_count >= 3", "专职工作人员人数不少于 3"),
        ("registered_capital >= 10", "注册资本不少于 10 万元"),  # the wording's head, not its explanation
        ("vehicle_count >= 1", "拟投入车辆数量不少于 1"),  # a derived fact by its label
        ("M8「证号」.age <= 60", "M8 驾驶证「证号」所示年龄不超过 60 周岁"),
        ("count(M5) >= 3", "M5 驾驶证份数不少于 3"),
        ("M2「经营范围」 contains 职业中介活动", "M2「经营范围」含职业中介活动"),
        (
            "location_area = urban_district or (location_area = county and by_agent = true)",
            "住所所在区域为本市各区 或 （住所所在区域为本市所辖县、县级市 且 是否委托代理人（经办人、"
            "指定代表）办理：是）",
        ),
    ],
)
def test_describe_in_words(book: RuleBook, expr: str, words: str) -> None:
    assert describe(parse(expr), catalog=book.catalog, materials={"M8": "驾驶证", "M5": "驾驶证"}) == words


def test_no_expression_syntax_reaches_the_guide(book: RuleBook) -> None:
    for loaded in book.items.values():
        for section in guide_sections(loaded.item, catalog=book.catalog):
            for token in ("true", "false", " = ", "!=", ">=", "<=", "_"):
                assert token not in section.text, (section.target, token)


def test_catalog_rejects_a_derived_fact_without_declared_sources() -> None:
    with pytest.raises(ValueError, match="unknown"):
        FactCatalog.model_validate(
            {
                "facts": {"a": {"type": "integer", "label": "甲"}},
                "derived": {"b": {"type": "integer", "label": "乙", "from": ["zzz"]}},
            }
        )


def test_basic_information_lists_pauses_in_words_and_leaves_out_empty_fields(book: RuleBook) -> None:
    for loaded in book.items.values():
        basic = next(s for s in guide_sections(loaded.item, catalog=book.catalog) if s.section == "basic")
        for raw in ("()", "（）", "[", "name=", "办理程序"):
            assert raw not in basic.text, (basic.target, raw)
        pauses = loaded.item.basic.pauses
        assert ("计时暂停事由" in basic.text) == bool(pauses), basic.target
        if pauses:
            assert f"计时暂停事由：{'、'.join(pauses)}" in basic.text
