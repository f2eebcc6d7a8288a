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
from rules.verdict import Decision


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


def expectation_of(decision: Decision) -> Expectation:
    """What a scenario expects when it expects what the rules now decide."""
    return Expectation(
        verdict=decision.verdict,
        findings=sorted({" ".join(f.key) for f in decision.findings}),
        tolerance_deadline=decision.tolerance_deadline if decision.verdict is Verdict.TOLERANCE else None,
    )


def with_expectation(text: str, *, name: str, expect: Expectation, note: str) -> str:
    """The scenario file's text with scenario ``name`` expecting ``expect``, a comment line ``note`` above
    it (who accepted it and why); every other line, comments included, as it was."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _is_named(line, name)), None)
    if start is None:
        raise RuleFileError("scenarios", [("scenarios", f"没有名为「{name}」的场景")])
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2  # the scenario's keys, after "- "
    at = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].startswith(" " * indent + "expect:") or _ends_scenario(lines[i], indent)
        ),
        None,
    )
    if at is None or not lines[at].startswith(" " * indent + "expect:"):
        raise RuleFileError("scenarios", [(name, "找不到这个场景的 expect")])
    end = at + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    while end > at + 1 and not lines[end - 1].strip():
        end -= 1
    parts = [f"verdict: {expect.verdict.value}", f"findings: [{', '.join(expect.findings)}]"]
    if expect.tolerance_deadline is not None:
        parts.append(f"tolerance_deadline: {expect.tolerance_deadline.isoformat()}")
    pad = " " * indent
    comment = f"{pad}# {' '.join(note.split())}"
    out = [*lines[:at], comment, f"{pad}expect: {{{', '.join(parts)}}}", *lines[end:]]
    return "\n".join(out) + "\n"


def _is_named(line: str, name: str) -> bool:
    stripped = line.strip()
    if not stripped.startswith("- name:"):
        return False
    value = stripped[len("- name:") :].strip()
    return value.strip("'\"") == name


def _ends_scenario(line: str, indent: int) -> bool:
    return (
        bool(line.strip()) and len(line) - len(line.lstrip()) < indent and not line.lstrip().startswith("#")
    )
