"""Facts for the engine: only those some compiled rule can match are made."""

from __future__ import annotations

from pathlib import Path

from rules.evaluate import Evaluator
from rules.prepare import declared_fact, list_value, material_facts
from rules.scenarios import case_of, load_scenarios

SCENARIOS = Path(__file__).resolve().parents[2] / "corpus" / "scenarios"


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


def test_list_value_normalises_and_sorts() -> None:
    assert (
        list_value("张三、 李四,张三；３６０１０２１９６５０６１２１２３８") == "360102196506121238|张三|李四"
    )
