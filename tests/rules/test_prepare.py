"""Facts for the engine: only those some compiled rule can match are made."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import values
from rules.compiled import CompiledItem
from rules.declared import declared_fact
from rules.engine import encode
from rules.evaluate import Evaluator
from rules.prepare import _Prep, material_facts
from rules.scenarios import case_of, load_scenarios

SCENARIOS = Path(__file__).resolve().parents[2] / "corpus" / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))


def test_every_material_fact_is_one_a_rule_asks_for(evaluator: Evaluator) -> None:
    file = load_scenarios(SCENARIOS / "JT-001.yaml")
    case = case_of(file, file.scenarios[0])
    compiled = evaluator._compiled["JT-001"]
    item = evaluator.loaded("JT-001").item
    declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
    due = {m.id for m in item.materials}
    facts, values = material_facts(item=item, compiled=compiled, due=due, case=case, declared=declared)
    for fact in facts:
        asked = compiled.asks(fact["t"], fact["m"], str(fact.get("f") or fact.get("p") or ""))
        assert "" in asked or fact.get("st", "") in asked, fact
    made = {(f["m"], f["i"], f["f"]) for f in facts if f["t"] == "f"}
    assert made < set(values)  # every field read is kept for evidence, not every one is a fact
    assert ("M1", 0, "通信地址") in set(values) - made


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_lookups_make_the_facts_the_plain_path_makes(path: Path, evaluator: Evaluator) -> None:
    """The per-field plans and steps and remembered readings are shortcuts: for every scenario of every item,
    with every material due, the facts are those made by asking ``CompiledItem.asks``/``wants`` of
    each field and reading each value afresh."""
    file = load_scenarios(path)
    compiled = evaluator.compiled(file.item)
    plain = compiled.model_copy()
    plain.__dict__["field_plans"] = {}  # no plans: every field goes through asks() and wants()
    plain.__dict__["field_steps"] = {}  # and its steps are worked out anew, without plans
    item = evaluator.loaded(file.item).item
    due = {m.id for m in item.materials}
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
        fast = material_facts(item=item, compiled=compiled, due=due, case=case, declared=declared)
        values.clear()
        slow = material_facts(item=item, compiled=plain, due=due, case=case, declared=declared)
        assert encode(fast[0]) == encode(slow[0]), scenario.name  # the same facts, in the same order
        assert _plans_used(compiled, fast[0]), "no field took the planned path"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_counterparts_remembered_per_case_are_those_found_per_set(path: Path, evaluator: Evaluator) -> None:
    """A mismatch check's counterparts are remembered for the case (for every set, unless a target is
    in the same material): each set's facts are those a preparation that remembers nothing makes."""
    file = load_scenarios(path)
    compiled = evaluator.compiled(file.item)
    item = evaluator.loaded(file.item).item
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
        shared = _Prep(case=case, declared=declared, compiled=compiled)
        for material in item.materials:
            evidence = case.materials.get(material.id)
            for i, one in enumerate(evidence.sets if evidence else ()):
                fresh = _Prep(case=case, declared=declared, compiled=compiled)
                assert shared.set_facts(material, i, one) == fresh.set_facts(material, i, one), scenario.name


def _plans_used(compiled: CompiledItem, facts: list[dict[str, object]]) -> bool:
    return any(f["t"] == "f" and str(f["f"]) in compiled.field_plans.get(str(f["m"]), {}) for f in facts)
