"""Facts for the engine: only those some compiled rule can match are made."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rules import values, watch
from rules.casefacts import CaseFacts, FieldState, MaterialStatus
from rules.compiled import CompiledItem, Counterpart
from rules.declared import case_fact, declared_fact, with_case
from rules.engine import RuleHost, encode, matched, payload
from rules.evaluate import Evaluator
from rules.identity import normalize_name, normalize_number
from rules.prepare import Made, _Prep, decoded, made_for, material_facts
from rules.scenarios import case_of, load_scenarios
from rules.spec import FieldSpec, Item, Material
from rules.steps import steps_of

SCENARIOS = Path(__file__).resolve().parents[2] / "corpus" / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
Json = dict[str, Any]


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
def test_the_facts_are_those_the_rules_ask_for_made_the_long_way(path: Path, evaluator: Evaluator) -> None:
    """Steps worked out once per compiled item (rules.steps), counterparts found once per case
    (rules.targets) and remembered readings are shortcuts: for every scenario of every item, with
    every material due, the facts are those made by building every fact in full, reading each value
    afresh, finding each counterpart anew, and keeping a fact when ``CompiledItem.asks`` and
    ``CompiledItem.wants`` say a pattern can match it (compared with the case fact as the patterns
    compare: a period not ended on the review date is no fact). The engine's payload, joined from the texts of
    readings encoded once (rules.prepare.Made), is those facts encoded whole, each numbered by its
    position (rules.values.payload)."""
    for scenario, item, compiled, due, case, declared in _scenario_facts(evaluator, path):
        made, _ = made_for(item=item, compiled=compiled, due=due, case=case, declared=declared)
        fast = [decoded(text) for text in made.texts]
        # each text is its fact as encode makes it (no property twice, none out of place)
        assert made.texts == [encode(f) for f in fast], scenario.name
        numbered = [{"id": k, **f} for k, f in enumerate([*fast, declared])]
        assert payload([*made.texts, encode(declared)]) == encode(numbered), scenario.name
        values.clear()
        slow = _long_way(item=item, compiled=compiled, case=case, declared=declared)
        assert encode(fast) == encode(slow), scenario.name  # the same facts, in the same order


def test_readings_matched_alone_are_remembered_as_they_were_matched(evaluator: Evaluator) -> None:
    """A step whose literals look only at the reading (an ID number's checksum or age) remembers whether
    a reading matched them (Step.seen): every scenario's facts made with the steps' memory emptied and
    then full are the same, and only steps that compare nothing with the declared fact remember (those
    that compare with the case fact, per review date)."""
    remembered = 0
    for path in FILES:
        for scenario, item, compiled, due, case, declared in _scenario_facts(evaluator, path):
            for material in item.materials:
                for step in steps_of(compiled, material).fields.values():
                    if step.seen is not None:
                        assert step.on_reading and "d" not in watch.compared_with(step.when_ok)  # type: ignore[arg-type]
                        assert step.by_day == ("c" in watch.compared_with(step.when_ok))  # type: ignore[arg-type]
                        step.seen.clear()
            cold, _ = made_for(item=item, compiled=compiled, due=due, case=case, declared=declared)
            remembered += sum(
                len(step.seen or ()) for m in item.materials for step in steps_of(compiled, m).fields.values()
            )
            warm, _ = made_for(item=item, compiled=compiled, due=due, case=case, declared=declared)
            assert warm.texts == cold.texts, scenario.name
    assert remembered > 0


def test_a_value_compared_first_is_one_whose_type_reads_it_plainly(evaluator: Evaluator) -> None:
    """A field whose one mismatch check decides its fact has its value compared before the rest of
    its reading is read (Step.compared_as): only when its type reads the value as a plain name or
    number (``normalised(text, compared_as)``, what rules.values.reading_at gives as "v"), never a
    list or a date (a date may make the field illegible). The facts are those of the long way
    (test_the_facts_are_those_the_rules_ask_for_made_the_long_way)."""
    compared = 0
    for code, loaded in evaluator.items.items():
        compiled = evaluator._compiled[code]
        for material in loaded.item.materials:
            for name, step in steps_of(compiled, material).fields.items():
                if step.compared_as is None:
                    continue
                compared += 1
                assert step.mismatch is not None and step.kind not in ("list", "date", "month", "period")
                assert step.compared_as == (step.kind in values.NUMERIC)
                text = " 3601 2119 7803 0512 3x " if step.compared_as else " 张　建国 "
                assert values.reading(step.kind, text, date(2026, 3, 2))["v"] == values.normalised(
                    text, step.compared_as
                ), (code, material.id, name)
    assert compared > 0


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_facts_numbered_by_position_fire_as_they_do_unnumbered(path: Path, evaluator: Evaluator) -> None:
    """The engine names a fact without an ``id`` from its content (two alike are one); a payload numbers
    its facts instead (rules.values.payload). No two facts of a case are alike, so both fire the same
    rules on the same facts: every scenario's phase-1 and phase-2 payload asserted both ways."""
    file = load_scenarios(path)
    compiled = evaluator.compiled(file.item)
    host = evaluator._host
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        declared = declared_fact(case.declared, evaluator._catalog, case.review_date)
        text = payload(with_case(declared, 1, case.review_date, compiled))
        _fires_alike(host, f"{compiled.code}.{compiled.digest1}.p1", text, scenario.name)
        item = evaluator.loaded(file.item).item
        due = {m.id for m in item.materials}
        made, _ = made_for(item=item, compiled=compiled, due=due, case=case, declared=declared)
        tail = with_case(declared, 2, case.review_date, compiled)
        text = payload([*made.lean(compiled)[0], *tail])
        numbered = json.loads(text)
        assert len({(f["t"], f.get("m"), f.get("i"), f.get("f", f.get("p"))) for f in numbered}) == len(
            numbered
        )
        _fires_alike(host, f"{compiled.code}.{compiled.digest2}.p2", text, scenario.name)


def _fires_alike(host: RuleHost, ruleset: str, text: str, name: str) -> None:
    plain = [{k: v for k, v in f.items() if k != "id"} for f in json.loads(text)]
    fired = [(rule, matched(message)) for rule, message in host.evaluate_encoded(ruleset, text)]
    unnumbered = [
        (rule, {k: {p: v for p, v in f.items() if p != "id"} for k, f in facts.items()})
        for rule, facts in fired
    ]
    assert unnumbered == host.evaluate(ruleset, plain), name


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
            steps = steps_of(compiled, material)
            for i, one in enumerate(evidence.sets if evidence else ()):
                fresh = _Prep(case=case, declared=declared, compiled=compiled)
                made = (Made(), Made())
                shared.set_facts(made[0], material, steps, i, one)
                fresh.set_facts(made[1], material, steps, i, one)
                assert made[0].texts == made[1].texts, scenario.name


def _long_way(*, item: Item, compiled: CompiledItem, case: CaseFacts, declared: Json) -> list[Json]:
    """Every material's facts, each built in full and kept when some pattern can match it."""
    facts: list[Json] = []
    for material in item.materials:
        evidence = case.materials.get(material.id)
        if evidence is None:
            facts.append({"t": "m", "m": material.id, "st": "missing", "n": 0})
            continue
        state = {"present": "ok"}.get(evidence.status.value, evidence.status.value)
        fact = {"t": "m", "m": material.id, "st": state, "n": len(evidence.sets)}
        # a material there is no fact when its patterns compare its count with the declared one and
        # none can match (other material facts no rule can use go later: rules.idle)
        pats = compiled.wanted.get(("m", material.id, "")) if compiled.wanted is not None else None
        counted = state == "ok" and isinstance(pats, tuple) and watch.compares(pats)
        if not counted or compiled.wants(fact, {"c": case_fact(case.review_date, compiled), "d": declared}):
            facts.append(fact)
        if state != "ok":
            continue
        for i in range(len(evidence.sets)):
            facts += _set_long_way(compiled, material, case, declared, i)
        assessed = [one.parts for one in evidence.sets if one.parts is not None]
        across = [
            {"t": "pa", "m": material.id, "p": p, "has": any(p in a for a in assessed)}
            for p in material.parts
        ]
        facts += [fact for fact in across if assessed and compiled.wants(fact)]
    return facts


def _set_long_way(
    compiled: CompiledItem, material: Material, case: CaseFacts, declared: Json, i: int
) -> list[Json]:
    mid, one = material.id, case.materials[material.id].sets[i]
    parts = [
        {"t": "p", "m": mid, "i": i, "p": p, "has": p in one.parts}
        for p in material.parts
        if one.parts is not None
    ]
    marks: Json = {"t": "s", "m": mid, "i": i}
    marks.update({k: v for k, v in (("sealed", one.sealed), ("signed", one.signed)) if v is not None})
    out = [fact for fact in [*parts, marks] if compiled.wants(fact)]
    for name, value in one.fields.items():
        spec = material.fields.get(name, FieldSpec())
        if spec.part and one.parts is not None and spec.part not in one.parts:
            continue
        fact: Json = {"t": "f", "m": mid, "i": i, "f": name, "st": value.state.value}
        if value.state is FieldState.OK:
            fact.update(values.reading(spec.type, value.value, case.review_date))
            for key, (m, f, literal) in compiled.contains.items():
                if (m, f) == (mid, name):
                    fact[key] = normalize_name(literal) in fact["v"]
            for key, counterpart in compiled.counterparts.items():
                if (counterpart.material, counterpart.field) == (mid, name):
                    found = _counterparts(case, declared, material, counterpart, i)
                    if found and fact["v"] not in found:
                        fact[key] = found[0]
        asked = compiled.asks("f", mid, name)
        if ("" in asked or fact["st"] in asked) and compiled.wants(
            fact, {"c": case_fact(case.review_date, compiled), "d": declared}
        ):
            out.append(fact)
    return out


def _counterparts(
    case: CaseFacts, declared: Json, material: Material, counterpart: Counterpart, i: int
) -> list[str]:
    found = [
        c for target in counterpart.equals for c in _target_values(case, declared, target, material.id, i)
    ]
    if material.fields[counterpart.field].type == "list":
        return [values.list_value("、".join(found))] if found else []
    return found


def _target_values(case: CaseFacts, declared: Json, target: str, mid: str, i: int) -> list[str]:
    if target.startswith("shareholders."):
        key = target.removeprefix("shareholders.")
        norm = normalize_name if key == "name" else normalize_number
        return [
            norm(str(h[key]))
            for h in case.declared.get("shareholders") or []
            if isinstance(h, dict) and h.get(key)
        ]
    m = re.fullmatch(r"(M\d+)「([^」]+)」", target)
    if m is None:
        value = declared.get(target)
        return [str(value)] if isinstance(value, str) else []
    other = case.materials.get(m.group(1))
    if other is None or other.status is not MaterialStatus.PRESENT or not other.sets:
        return []
    sets = [other.sets[i]] if m.group(1) == mid and i < len(other.sets) else list(other.sets)
    read = [v for v in (one.fields.get(m.group(2)) for one in sets) if v is not None]
    if any(v.state is not FieldState.OK for v in read):
        return []
    return [
        normalize_number(v.value) if values.looks_numeric(v.value) else normalize_name(v.value) for v in read
    ]


def _scenario_facts(evaluator: Evaluator, path: Path) -> Iterator[tuple[Any, Any, Any, set[str], Any, Any]]:
    """Each scenario of a file with its item, compiled rules, due materials, case and declared fact."""
    file = load_scenarios(path)
    compiled = evaluator.compiled(file.item)
    item = evaluator.loaded(file.item).item
    due = {m.id for m in item.materials}
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        yield (
            scenario,
            item,
            compiled,
            due,
            case,
            declared_fact(case.declared, evaluator._catalog, case.review_date),
        )
