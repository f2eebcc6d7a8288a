"""Evaluation on durable-rules: the scenario files, isolation between cases, threads, memory."""

from __future__ import annotations

import gc
import resource
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rules import evaluate, values
from rules.book import RuleBook
from rules.codes import Code, Verdict
from rules.engine import RuleHost
from rules.evaluate import Evaluator
from rules.scenarios import ScenarioFile, case_of, load_scenarios, run_file

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "corpus" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenarios_pass(path: Path, evaluator: Evaluator) -> None:
    outcomes = run_file(load_scenarios(path), evaluator)
    failed = [f"{o.name}: {o.problems}" for o in outcomes if not o.passed]
    assert outcomes and not failed


def test_scenarios_cover_every_finding_code(evaluator: Evaluator) -> None:
    seen: set[str] = set()
    for path in SCENARIOS:
        for scenario in load_scenarios(path).scenarios:
            seen |= {pair.split()[1] for pair in scenario.expect.findings}
    assert seen == {code.value for code in Code}


def test_scenarios_cover_every_condition(evaluator: Evaluator) -> None:
    for path in SCENARIOS:
        file = load_scenarios(path)
        conditions = {c.id for c in evaluator.loaded(file.item).item.conditions}
        hit = {p.split()[0] for s in file.scenarios for p in s.expect.findings if p.endswith("NOT_ELIGIBLE")}
        assert conditions <= hit, f"{file.item}: no scenario fails {sorted(conditions - hit)}"


def _jt() -> ScenarioFile:
    return load_scenarios(next(p for p in SCENARIOS if p.stem == "JT-001"))


def test_no_state_leaks_between_cases(evaluator: Evaluator) -> None:
    file = _jt()
    bad = case_of(file, next(s for s in file.scenarios if s.expect.findings == ["M3 UNREADABLE"]))
    good = case_of(file, file.scenarios[0])
    for _ in range(3):
        assert evaluator.evaluate(bad).verdict is Verdict.CORRECTION
        assert evaluator.evaluate(good).verdict is Verdict.ACCEPT


def test_decision_records_item_and_rule_hash(evaluator: Evaluator) -> None:
    decision = evaluator.evaluate(case_of(_jt(), _jt().scenarios[0]))
    assert decision.item == "JT-001"
    assert decision.rule_hash == evaluator.loaded("JT-001").rule_hash


def test_threads_get_their_own_results(evaluator: Evaluator) -> None:
    file = _jt()
    cases = [(case_of(file, s), s.expect.verdict) for s in file.scenarios]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda cv: evaluator.evaluate(cv[0]).verdict, cases * 3))
    assert results == [v for _, v in cases] * 3


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def test_ten_thousand_evaluations_keep_memory_flat(evaluator: Evaluator) -> None:
    file = _jt()
    cases = [case_of(file, s) for s in file.scenarios]
    for case in cases * 20:  # warm up: caches, allocator arenas
        evaluator.evaluate(case)
    gc.collect()
    before = _rss_mb()
    for n in range(10_000):
        evaluator.evaluate(cases[n % len(cases)])
    gc.collect()
    grown = _rss_mb() - before
    assert grown < 20, f"RSS grew by {grown:.1f} MB over 10,000 evaluations"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_case_judged_again_on_its_prepared_facts_gets_the_same_decision(
    path: Path, evaluator: Evaluator
) -> None:
    file = load_scenarios(path)
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        first = evaluator.evaluate(case)
        assert evaluator.evaluate(case) == first
        # A copy is a new object: its facts are prepared anew, and judged alike.
        assert evaluator.evaluate(case.model_copy(deep=True)) == first


def test_prepared_facts_go_with_their_case(evaluator: Evaluator) -> None:
    file = load_scenarios(SCENARIOS[0])
    case = case_of(file, file.scenarios[0])
    evaluator.evaluate(case)
    key = (id(case), evaluator.compiled(case.item).facts_key)
    assert key in evaluate._prepared
    del case
    gc.collect()
    assert key not in evaluate._prepared


def test_a_replay_reuses_the_engine_answer_only_for_the_same_rules(
    book: RuleBook, evaluator: Evaluator
) -> None:
    loaded = book.items["HB-001"]
    m7 = loaded.item.material("M7")
    shorter = loaded.item.model_copy(
        update={
            "materials": tuple(
                m.model_copy(update={"tolerance_days": 7}) if m is m7 else m for m in loaded.item.materials
            )
        }
    )
    draft_items = {"HB-001": loaded.model_copy(update={"item": shorter, "rule_hash": "draft-m7-7"})}
    reusing = Evaluator(items=draft_items, catalog=book.catalog, reuse_fired=True)
    asking = Evaluator(items=draft_items, catalog=book.catalog)
    file = load_scenarios(next(p for p in SCENARIOS if p.stem == "HB-001"))
    moved = 0
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        before = evaluator.evaluate(case)  # the engine's answers are kept with the case's facts
        after = reusing.evaluate(case)
        assert after == asking.evaluate(case.model_copy(deep=True))
        moved += before.tolerance_deadline != after.tolerance_deadline
    assert moved == 3  # the scenarios that only miss M7 or miss M4 and M7


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_prepared_and_remembered_paths_judge_as_the_plain_path(
    path: Path, book: RuleBook, evaluator: Evaluator
) -> None:
    """Facts prepared once, remembered readings, shared rulesets and a replay that reuses what the
    engine answered give the same decision as a new evaluator judging a new case afresh."""
    file = load_scenarios(path)
    items = {file.item: book.items[file.item]}
    replay = Evaluator(items=items, catalog=book.catalog, reuse_fired=True)
    fresh = Evaluator(items=items, catalog=book.catalog, host=RuleHost())  # its own engine states
    for scenario in file.scenarios:
        case = case_of(file, scenario)
        values.clear()
        plain = fresh.evaluate(case.model_copy(deep=True))
        assert evaluator.evaluate(case) == plain, scenario.name
        assert evaluator.evaluate(case) == plain, scenario.name  # facts prepared before
        assert replay.evaluate(case) == plain, scenario.name
        assert replay.evaluate(case) == plain, scenario.name  # the engine's answer reused


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_draft_that_drops_checks_judges_on_the_facts_of_the_rules_in_effect(
    path: Path, book: RuleBook, evaluator: Evaluator
) -> None:
    """A replay judges each case under the rules in effect, then under the draft with the facts
    prepared for them (``facts_of``): for drafts dropping each material's first check, the same
    decisions as the draft judging new copies of the cases on facts of its own."""
    file = load_scenarios(path)
    loaded = book.items[file.item]
    dropped = 0
    for material in [m for m in loaded.item.materials if m.checks][:4]:
        fewer = loaded.item.model_copy(
            update={
                "materials": tuple(
                    m.model_copy(update={"checks": m.checks[1:]}) if m is material else m
                    for m in loaded.item.materials
                )
            }
        )
        draft_items = {
            file.item: loaded.model_copy(update={"item": fewer, "rule_hash": f"draft-{material.id}"})
        }
        draft = Evaluator(items=draft_items, catalog=book.catalog, reuse_fired=True)
        own = Evaluator(items=draft_items, catalog=book.catalog)
        assert evaluator.compiled(file.item).covers(draft.compiled(file.item)), material.id
        dropped += evaluator.compiled(file.item).facts_key != draft.compiled(file.item).facts_key
        for scenario in file.scenarios:
            case = case_of(file, scenario)
            evaluator.evaluate(case)
            borrowed = draft.evaluate(case, facts_of=evaluator)
            assert borrowed == own.evaluate(case.model_copy(deep=True)), (material.id, scenario.name)
    assert dropped  # some draft needs other facts than the rules in effect, and still borrows them


def test_rules_that_want_more_facts_do_not_borrow_fewer(book: RuleBook, evaluator: Evaluator) -> None:
    loaded = book.items["HB-001"]
    material = next(m for m in loaded.item.materials if m.checks)
    fewer = loaded.item.model_copy(
        update={
            "materials": tuple(
                m.model_copy(update={"checks": ()}) if m is material else m for m in loaded.item.materials
            )
        }
    )
    draft = Evaluator(
        items={"HB-001": loaded.model_copy(update={"item": fewer, "rule_hash": "no-checks"})},
        catalog=book.catalog,
    )
    assert not draft.compiled("HB-001").covers(evaluator.compiled("HB-001"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_date_read_but_not_parsed_is_unreadable(path: Path, evaluator: Evaluator) -> None:
    """A date or period field whose text does not parse is no date (README §2.2): its fact's state
    is "unreadable" (once: not the "ok" of a legible reading's fact beside it), and where the rules
    check the date the UNREADABLE on that field is an uncertain point: the text was read clearly, so
    what it says is the clerk's to judge, with the text in its doubt."""
    file = load_scenarios(path)
    item = evaluator.loaded(file.item).item
    base = case_of(file, file.scenarios[0])
    checked = 0
    for material in item.materials:
        evidence = base.materials.get(material.id)
        if evidence is None or not evidence.sets:
            continue
        for name, spec in material.fields.items():
            value = evidence.sets[0].fields.get(name)
            if spec.type not in ("date", "period") or value is None or value.state.value != "ok":
                continue
            data = base.model_dump(mode="json")
            data["materials"][material.id]["sets"][0]["fields"][name]["value"] = "日期无法辨认"
            case = type(base).model_validate(data)
            found = evaluator.evaluate(case)
            if material.id in found.due_materials and any(
                c.code is Code.UNREADABLE and name in c.fields and not c.when for c in material.checks
            ):
                checked += 1
                doubted = {
                    (f.material, f.field): f.doubt for f in found.uncertain if f.code is Code.UNREADABLE
                }
                assert "日期无法辨认" in doubted.get((material.id, name), ""), (file.item, material.id, name)
                assert (material.id, name) not in {(f.material, f.field) for f in found.findings}
    assert checked
