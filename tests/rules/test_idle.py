"""Material facts no rule can use are left out, and what fires stays the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import idle
from rules.declared import case_fact, declared_fact
from rules.evaluate import Evaluator, _name
from rules.idle import without_idle
from rules.prepare import material_facts
from rules.scenarios import case_of, load_scenarios

SCENARIOS = Path(__file__).resolve().parents[2] / "corpus" / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_leaving_out_idle_material_facts_fires_the_same_rules(path: Path, evaluator: Evaluator) -> None:
    """For every scenario of every item, with every material due: the engine fires the same rules on
    the same facts with the idle material facts left out as with every material fact kept."""
    file = load_scenarios(path)
    compiled = evaluator.compiled(file.item)
    assert compiled.material_needs is not None
    keep_all = compiled.model_copy(update={"material_needs": None})
    item = evaluator.loaded(file.item).item
    due = {m.id for m in item.materials}
    ruleset = _name(compiled, 2)
    left_out = 0
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
        always = [declared, case_fact(case.review_date, compiled)]
        lean, _ = material_facts(item=item, compiled=compiled, due=due, case=case, declared=declared)
        full, _ = material_facts(item=item, compiled=keep_all, due=due, case=case, declared=declared)
        assert [f for f in full if f["t"] != "m"] == [f for f in lean if f["t"] != "m"], scenario.name
        left_out += len(full) - len(lean)
        fired = evaluator._host.evaluate(ruleset, lean + always)
        assert fired == evaluator._host.evaluate(ruleset, full + always), scenario.name
    assert left_out > 0, "no material fact was left out"


def test_a_material_fact_is_kept_while_a_rule_on_it_can_fire(evaluator: Evaluator) -> None:
    compiled = evaluator.compiled("HB-001")
    assert compiled.material_needs is not None
    missing = {"t": "m", "m": "M7", "st": "missing", "n": 0}
    ok = {"t": "m", "m": "M7", "st": "ok", "n": 1}
    # MISSING fires on the material fact alone; a material that is there, with nothing checked on it
    # among the facts, has no rule to complete.
    assert without_idle([missing], compiled.material_needs) == [missing]
    assert without_idle([ok], compiled.material_needs) == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_facts_own_keys_suffice_when_no_rule_leaves_a_material_or_field_open(
    path: Path, evaluator: Evaluator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed rules name every key in full, so the facts' own keys decide; with every key a fact is
    of counted too (as rules with an open field or material need), the same facts are left out."""
    file = load_scenarios(path)
    compiled = evaluator.compiled(file.item)
    needs = compiled.material_needs
    assert needs is not None and idle._exact_only(needs)
    item = evaluator.loaded(file.item).item
    due = {m.id for m in item.materials}
    made = []
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
        facts, _ = material_facts(
            item=item, compiled=compiled, due=due, case=case, declared=declared, keep_idle=True
        )
        made.append((scenario.name, facts, without_idle(facts, needs)))
    monkeypatch.setattr(idle, "_exact_only", lambda _wanted: False)
    idle._plans.clear()  # the answers remembered by keys (idle_at) were made the other way
    for name, facts, lean in made:
        assert without_idle(facts, needs) == lean, name


def test_answers_remembered_by_keys_are_those_worked_out(evaluator: Evaluator) -> None:
    """``idle_at`` and ``singles_idle`` remember their answers by the facts' keys: for every scenario,
    asked twice, they answer as worked out afresh."""
    for path in FILES:
        file = load_scenarios(path)
        compiled = evaluator.compiled(file.item)
        needs, singles = compiled.material_needs, compiled.single_needs
        assert needs is not None and singles is not None
        item = evaluator.loaded(file.item).item
        due = {m.id for m in item.materials}
        for scenario in file.scenarios:
            case = case_of(file, scenario)
            declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
            facts, _ = material_facts(
                item=item, compiled=compiled, due=due, case=case, declared=declared, keep_idle=True
            )
            keys = [idle.key_of(f) for f in facts]
            materials = [(k, f["m"], f["st"]) for k, f in enumerate(facts) if f["t"] == "m"]
            fresh = idle._idle_at(keys, materials, needs, idle._plan(needs)[2])
            assert idle.idle_at(keys, materials, needs) == fresh == idle.idle_at(keys, materials, needs)
            kept = [key for k, key in enumerate(keys) if k not in fresh]
            assert idle.singles_idle(kept, singles) == idle._singles_idle(kept, singles), scenario.name


def test_a_rule_on_any_field_of_a_material_counts_every_field_fact_of_it() -> None:
    ok = {"t": "m", "m": "M3", "st": "ok", "n": 1}
    field = {"t": "f", "m": "M3", "i": 0, "f": "姓名", "st": "empty"}
    needs: idle.Needs = {("M3", "ok"): (frozenset({("f", "M3", "")}),)}
    assert not idle._exact_only(needs)
    assert without_idle([ok, field], needs) == [ok, field]
    assert without_idle([ok], needs) == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_leaving_out_an_idle_declared_or_case_fact_fires_the_same_rules(
    path: Path, evaluator: Evaluator
) -> None:
    """For every scenario of every item, with every material due: the declared and the case fact left
    out when no rule on them can fire (rules.idle.singles_idle), the engine fires what it fires with both."""
    file = load_scenarios(path)
    compiled = evaluator.compiled(file.item)
    assert compiled.single_needs is not None
    item = evaluator.loaded(file.item).item
    due = {m.id for m in item.materials}
    ruleset = _name(compiled, 2)
    left_out = 0
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
        always = {"d": declared, "c": case_fact(case.review_date, compiled)}
        lean, _ = material_facts(item=item, compiled=compiled, due=due, case=case, declared=declared)
        gone = idle.singles_idle([idle.key_of(f) for f in lean], compiled.single_needs)
        left_out += len(gone)
        kept = [fact for t, fact in always.items() if t not in gone]
        fired = evaluator._host.evaluate(ruleset, lean + kept)
        assert fired == evaluator._host.evaluate(ruleset, lean + list(always.values())), scenario.name
    assert left_out > 0, "neither was ever left out"
