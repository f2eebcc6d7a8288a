"""Scenario files: declared facts + material facts → expected verdict and findings, per item."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules.casefacts import CaseFacts
from rules.codes import VERDICT_LABELS, Verdict
from rules.errors import RuleFileError
from rules.evaluate import Evaluator
from rules.loader import pydantic_problems, read_yaml


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Verdict
    findings: list[str] = Field(default_factory=list)  # "M3 EXPIRED", "C2 NOT_ELIGIBLE"
    tolerance_deadline: date | None = None


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    review_date: date | None = None
    declared: dict[str, Any] = Field(default_factory=dict)
    materials: dict[str, Any] = Field(default_factory=dict)
    expect: Expectation


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str
    base: dict[str, Any] = Field(default_factory=dict)
    scenarios: list[Scenario]


class Outcome(BaseModel):
    item: str
    name: str
    passed: bool
    problems: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)


def merge(base: Any, over: Any) -> Any:
    """Deep merge: dicts merge, ``None`` deletes a key, anything else replaces."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return copy.deepcopy(over)
    out = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge(out.get(key), value)
    return out


def load_scenarios(path: Path) -> ScenarioFile:
    raw = read_yaml(path)
    try:
        return ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise RuleFileError(path.name, pydantic_problems(exc, raw)) from None


def case_of(file: ScenarioFile, scenario: Scenario) -> CaseFacts:
    own = scenario.model_dump(include={"review_date", "declared", "materials"}, exclude_none=True)
    # Keep explicit nulls of the scenario (they delete keys of the base).
    own["declared"], own["materials"] = scenario.declared, scenario.materials
    data = merge(file.base, own)
    return CaseFacts.model_validate({"case_id": scenario.name, "item": file.item, **data})


def run_file(file: ScenarioFile, evaluator: Evaluator) -> list[Outcome]:
    outcomes = []
    for scenario in file.scenarios:
        try:
            case = case_of(file, scenario)
            decision = evaluator.evaluate(case)
        except (ValidationError, ValueError) as exc:
            outcomes.append(
                Outcome(item=file.item, name=scenario.name, passed=False, problems=[f"场景写法有误：{exc}"])
            )
            continue
        got = sorted({" ".join(f.key) for f in decision.findings})
        want = sorted(set(scenario.expect.findings))
        problems = []
        if decision.verdict is not scenario.expect.verdict:
            expected, now = VERDICT_LABELS[scenario.expect.verdict], VERDICT_LABELS[decision.verdict]
            problems.append(f"结论：预期 {expected} → 现在 {now}")
        if got != want:
            extra = sorted(set(got) - set(want))
            lacking = sorted(set(want) - set(got))
            change = "；".join(
                part
                for part in (
                    f"多出 {'、'.join(extra)}" if extra else "",
                    f"没有 {'、'.join(lacking)}" if lacking else "",
                )
                if part
            )
            problems.append(
                f"审查要点：预期 {'、'.join(want) or '无'} → 现在 {'、'.join(got) or '无'}（{change}）"
            )
        if (
            scenario.expect.verdict is Verdict.TOLERANCE
            and decision.tolerance_deadline != scenario.expect.tolerance_deadline
        ):
            expected_day, now_day = scenario.expect.tolerance_deadline, decision.tolerance_deadline
            problems.append(f"补交期限：预期 {expected_day or '无'} → 现在 {now_day or '无'}")
        outcomes.append(
            Outcome(item=file.item, name=scenario.name, passed=not problems, problems=problems, findings=got)
        )
    return outcomes
