from __future__ import annotations

from datetime import date

from rules.book import RuleBook
from rules.declared import declared_fact
from rules.questions import questions


def test_every_item_asks_its_required_facts_and_none_system_checked(book: RuleBook) -> None:
    for code, loaded in book.items.items():
        asked = [q.fact for q in questions(loaded.item, book.catalog)]
        required = [
            r.fact for r in loaded.item.required_facts if not book.catalog.facts[r.fact].system_checked
        ]
        assert sorted(asked) == sorted(required), code
        assert "legal_rep_restricted" not in asked


def test_derived_facts_are_asked_through_their_sources(book: RuleBook) -> None:
    sc = {q.fact: q for q in questions(book.items["SC-001"].item, book.catalog)}
    assert sc["shareholders"].decides  # M4, M5 depend on shareholder counts
    sl = {q.fact: q for q in questions(book.items["SL-001"].item, book.catalog)}
    assert "C4" in sl["annual_water_volume"].conditions  # via annual_surface_water_volume


def test_derived_sources_match_prepare(book: RuleBook) -> None:
    samples = {
        "existing_vehicle_count": 1,
        "planned_vehicle_count": 2,
        "annual_water_volume": 50,
        "annual_groundwater_volume": 10,
        "legal_rep_id": "110101199003074477",
        "shareholders": [
            {"shareholder_type": "natural_person", "name": "甲", "id_number": "110101199003074477"}
        ],
    }
    for derived, spec in book.catalog.derived.items():
        fact = declared_fact({s: samples[s] for s in spec.from_facts}, book.catalog, date(2026, 2, 12))
        assert derived in fact, derived


def test_conditional_questions_carry_when_to_ask(book: RuleBook) -> None:
    jt = {q.fact: q for q in questions(book.items["JT-001"].item, book.catalog)}
    assert [[w.model_dump() for w in g] for g in jt["agent_id"].ask_when] == [
        [{"fact": "by_agent", "op": "==", "value": True}]
    ]
    assert jt["applicant_type"].ask_when == []
    assert jt["by_agent"].group == "materials" and jt["applicant_name"].group == "details"


def test_questions_carry_their_wording_and_value_names(book: RuleBook) -> None:
    jt = {q.fact: q for q in questions(book.items["JT-001"].item, book.catalog)}
    assert jt["applicant_type"].value_labels == {
        "enterprise": "企业",
        "individual_business": "个体工商户",
        "natural_person": "自然人",
    }
    assert jt["by_agent"].ask.startswith("是否委托代理人")
    assert jt["agent_name"].ask == jt["agent_name"].label  # no wording beyond the label


def test_no_question_names_another_item(book: RuleBook) -> None:
    """Each item asks in its own words: where the general wording would name another item's case (取水口,
    建设地点, 经营场所), the item's own wording is asked."""
    names = {code: loaded.item.name for code, loaded in book.items.items()}
    asks = {
        code: {q.fact: q.ask for q in questions(loaded.item, book.catalog)}
        for code, loaded in book.items.items()
    }
    assert asks["SL-001"]["location_area"] == "取水口所在区域"
    assert asks["JT-001"]["location_area"] == "住所所在区域"
    for code, by_fact in asks.items():
        for ask in by_fact.values():
            assert not any(name in ask for other, name in names.items() if other != code), (code, ask)
            assert not any(word in ask for word in ("取水许可为", "环评审批为", "危化品经营许可为"))
