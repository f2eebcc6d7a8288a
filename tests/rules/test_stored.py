"""A case replayed from its stored engine input (rules.stored) is judged as the case itself is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rules import evaluate, prepare, stored, watch
from rules.book import RuleBook
from rules.casefacts import CaseFacts, Evidence, FieldValue, MaterialEvidence, MaterialSet
from rules.declared import declared_fact, with_case
from rules.evaluate import Evaluator
from rules.prepare import material_facts
from rules.scenarios import case_of, load_scenarios
from rules.stored import StoredCase
from rules.verdict import Decision

from .conftest import CORPUS


def _cases() -> list[CaseFacts]:
    out = []
    for path in sorted((CORPUS / "scenarios").glob("*.yaml")):
        file = load_scenarios(path)
        out += [case_of(file, s) for s in file.scenarios]
    return out


def _doubtful(case: CaseFacts, n: int) -> CaseFacts:
    """The case with readings and marks in doubt (every third field, some sets' seals and parts, and in
    every other case the number of people of lists), each reading with its evidence, and the materials
    it lacks perhaps there unrecognised."""
    materials: dict[str, MaterialEvidence] = {}
    for mid, evidence in case.materials.items():
        sets = []
        for i, one in enumerate(evidence.sets):
            fields = {
                name: FieldValue(
                    state=value.state,
                    value=value.value,
                    evidence=Evidence(file=f"{mid}.pdf", page=i, text=value.value),
                    doubt="字迹模糊" if (k + n) % 3 == 0 else "",
                    unlike_declared=(k + n) % 6 == 0,
                )
                for k, (name, value) in enumerate(one.fields.items())
            }
            doubts = {"sealed": "印章颜色很淡", "parts": "有一页很暗"} if (i + n) % 2 else {}
            sets.append(one.model_copy(update={"fields": fields, "doubts": doubts}))
        doubt = "也许是另一份材料" if evidence.status.value != "present" else ""
        # a list of people some of whom were not told apart: its people's readings are in doubt
        count = "人数可能少分" if len(sets) > 1 and n % 2 else ""
        materials[mid] = evidence.model_copy(
            update={"sets": tuple(sets), "doubt": doubt, "count_doubt": count, "apart_doubt": count[: n % 3]}
        )
    absent = {"M1": "可能在第 2 份文件里", "M9": "可能在第 3 份文件里"}
    return case.model_copy(update={"materials": materials, "absence_doubts": absent})


def _bare(decision: Decision) -> dict[str, Any]:
    """The decision without evidence (a replay carries none)."""
    out = decision.model_dump(mode="json")

    def strip(findings: list[dict[str, Any]]) -> None:
        for finding in findings:
            finding["evidence"] = []
            strip(finding.get("joined", []))

    strip(out["findings"])
    strip(out["uncertain"])
    return out


def _replayed(evaluator: Evaluator, case: CaseFacts, record: dict[str, Any]) -> StoredCase:
    record = json.loads(json.dumps(record, ensure_ascii=False))  # as read back from the database
    stored = StoredCase.of(record, case_id=case.case_id, load=lambda: case)
    evaluator.restore(stored, record)
    return stored


@pytest.mark.parametrize("doubtful", [False, True])
def test_a_replayed_case_is_judged_as_the_case(book: RuleBook, doubtful: bool) -> None:
    judge = Evaluator(items=book.items, catalog=book.catalog)
    replay = Evaluator(items=book.items, catalog=book.catalog)
    uncertain = 0
    for n, case in enumerate(_cases()):
        case = _doubtful(case, n) if doubtful else case
        decision = judge.evaluate(case)
        uncertain += len(decision.uncertain)
        record = judge.engine_input(case)
        assert record["key"] == replay.stored_key(case.item)
        assert _bare(replay.evaluate(_replayed(replay, case, record))) == _bare(decision), case.case_id
    assert uncertain > 50 if doubtful else uncertain == 0


def test_a_record_of_a_compatible_version_is_replayed_as_it_is(
    book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 2 asserted every period and date read, its comparison with the case fact left to the
    engine: made so (no case fact to compare with), its records judge every case as this version's."""
    judge = Evaluator(items=book.items, catalog=book.catalog)
    cases = _cases()[::3]
    with monkeypatch.context() as patched:
        patched.setattr(prepare, "case_fact", lambda review, compiled: None)
        # nor did it remember a reading's comparison with the case fact (Step.seen)
        patched.setattr(
            prepare._Prep,
            "on_reading",
            lambda self, step, props, body: watch.matches(step.when_ok, props, self.case),
        )
        older = Evaluator(items=book.items, catalog=book.catalog)
        # copies: prepared facts are remembered per case object, whichever evaluator made them
        records = [older.engine_input(CaseFacts.model_validate(case.model_dump())) for case in cases]
    replay = Evaluator(items=book.items, catalog=book.catalog)
    more = 0
    for case, record in zip(cases, records, strict=True):
        more += len(json.loads(record["materials"])) > len(json.loads(judge.engine_input(case)["materials"]))
        record["key"] = f"2{record['key'][len(str(stored.VERSION)) :]}"
        assert record["key"] in judge.stored_keys(case.item)
        assert _bare(replay.evaluate(_replayed(replay, case, record))) == _bare(judge.evaluate(case)), (
            case.case_id
        )
    assert more > len(cases) // 2  # most cases have a period that had not ended


def test_a_record_of_version_3_with_the_declared_values_is_replayed_as_it_is(
    book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 3 asserted a declared name or number with its value where a phase tests only its presence
    (version 4: a placeholder): its records judge every case as this version's."""
    judge = Evaluator(items=book.items, catalog=book.catalog)
    cases = _cases()[::3]

    def valued(
        fact: dict[str, Any], phase: int, review: Any, compiled: Any, leave: frozenset[str] = frozenset()
    ) -> list[str]:
        plain = compiled.model_copy(update={"present1": frozenset(), "present2": frozenset()})
        return with_case(fact, phase, review, plain, leave)

    with monkeypatch.context() as patched:
        patched.setattr(evaluate, "with_case", valued)
        older = Evaluator(items=book.items, catalog=book.catalog)
        records = [older.engine_input(CaseFacts.model_validate(case.model_dump())) for case in cases]
    replay = Evaluator(items=book.items, catalog=book.catalog)
    differ = 0
    for case, record in zip(cases, records, strict=True):
        differ += record["phase1"] != judge.engine_input(case)["phase1"]
        record["key"] = f"3{record['key'][len(str(stored.VERSION)) :]}"
        assert record["key"] in judge.stored_keys(case.item)
        assert _bare(replay.evaluate(_replayed(replay, case, record))) == _bare(judge.evaluate(case)), (
            case.case_id
        )
    assert differ == len(cases)  # every item's phase 1 tests a declared name for presence


def test_other_due_materials_take_the_stored_facts_of_every_material(book: RuleBook) -> None:
    judge = Evaluator(items=book.items, catalog=book.catalog)
    for case in _cases()[::7]:
        decision = judge.evaluate(case)
        item, compiled = book.items[case.item].item, judge.compiled(case.item)
        every, _ = material_facts(
            item=item,
            compiled=compiled,
            due={m.id for m in item.materials},
            case=case,
            declared=declared_fact(case.declared, book.catalog, case.review_date),
            keep_idle=True,
        )
        assert json.loads(judge.engine_input(case)["materials"]) == every, case.case_id
        # as if the rules had asked for other materials when the run was stored
        record = {**judge.engine_input(case), "due": ["-"], "phase2": "[]"}
        replay = Evaluator(items=book.items, catalog=book.catalog)
        assert _bare(replay.evaluate(_replayed(replay, case, record))) == _bare(decision), case.case_id


def test_rules_a_record_was_not_made_for_prepare_the_whole_case(book: RuleBook) -> None:
    judge = Evaluator(items=book.items, catalog=book.catalog)
    case = _doubtful(_cases()[3], 3)
    decision = judge.evaluate(case)
    fetched: list[str] = []

    def load() -> CaseFacts:
        fetched.append(case.case_id)
        return case

    record = judge.engine_input(case)
    # Restored for nothing: the evaluator finds no prepared facts and fetches the case.
    stored = StoredCase.of(json.loads(json.dumps(record)), case_id=case.case_id, load=load)
    assert _bare(judge.evaluate(stored)) == _bare(decision) and fetched == [case.case_id]


def test_the_stored_outline_keeps_no_reading(book: RuleBook) -> None:
    judge = Evaluator(items=book.items, catalog=book.catalog)
    case = _doubtful(_cases()[3], 3)
    outline = judge.engine_input(case)["case"]
    text = json.dumps(outline, ensure_ascii=False)
    readings = [
        v.value for m in case.materials.values() for one in m.sets for v in one.fields.values() if v.value
    ]
    assert readings and not any(f'"{r}"' in text for r in readings)
    assert all(isinstance(one, dict) for m in outline["materials"].values() for one in m["sets"])
    assert MaterialSet.model_validate(outline["materials"][next(iter(outline["materials"]))]["sets"][0])
