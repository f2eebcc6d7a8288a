import pytest

from rules.expr import Cmp, CountRef, ExprError, FactRef, FieldRef, Or, parse, to_dnf


def test_parses_the_standards_notation() -> None:
    expr = parse("applicant_type ∈ [enterprise, individual_business]")
    assert expr == Cmp(
        ref=FactRef(name="applicant_type"), op="in", value=("enterprise", "individual_business")
    )
    assert parse("heavy_vehicle_count ≥ 1") == Cmp(ref=FactRef(name="heavy_vehicle_count"), op=">=", value=1)
    assert parse("by_agent = true") == Cmp(ref=FactRef(name="by_agent"), op="==", value=True)


def test_material_references() -> None:
    assert parse("M8「证号」.age <= 60").ref == FieldRef(material="M8", field="证号", attr="age")  # type: ignore[union-attr]
    assert parse("count(M5) >= 3").ref == CountRef(material="M5")  # type: ignore[union-attr]
    assert parse("M2「经营范围」 contains 职业中介活动").value == "职业中介活动"  # type: ignore[union-attr]


def test_precedence_and_parentheses() -> None:
    expr = parse("a = 1 or b = 2 and c = 3")
    assert isinstance(expr, Or)
    assert len(to_dnf(parse("(a = 1 or b = 2) and c = 3"))) == 2


def test_negation_pushes_into_comparisons() -> None:
    conj = to_dnf(
        parse("location_area = urban_district or (location_area = county and x = true)"), negate=True
    )
    ops = sorted(tuple(c.op for c in one) for one in conj)
    assert ops == [("!=", "!="), ("!=", "!=")]
    assert to_dnf(parse("not by_agent = true")) == [[Cmp(ref=FactRef(name="by_agent"), op="!=", value=True)]]


@pytest.mark.parametrize("text", ["applicant_type ==", "a in [x", "(a = 1", "a ~ 1", "count(x) > 1", "= 1"])
def test_malformed_expressions_are_rejected(text: str) -> None:
    with pytest.raises(ExprError):
        parse(text)
