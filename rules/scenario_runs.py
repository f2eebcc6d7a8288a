"""A rule version's scenarios (corpus/scenarios, or the draft's own copy): run them against the version's
text, and accept a scenario's new result into the draft's copy, noting who accepted it and why.

Like ``rules.service`` every operation takes the caller's session and never commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import ValidationError
from sqlmodel import Session

from rules.errors import RuleFileError, RuleVersionState
from rules.evaluate import Evaluator
from rules.loader import pydantic_problems
from rules.models import RuleVersion, VersionStatus
from rules.places import load_text
from rules.scenarios import (
    Expectation,
    Outcome,
    ScenarioFile,
    case_of,
    expectation_of,
    run_file,
    with_expectation,
)
from rules.service import RuleContext, check_department, validate


def _today() -> date:
    return datetime.now(UTC).date()


def scenario_text(version: RuleVersion, *, context: RuleContext) -> str | None:
    """The text of the version's own scenarios, else of the corpus scenario file of its item, else None."""
    if version.scenarios_yaml:
        return version.scenarios_yaml
    path = context.scenarios_dir / f"{version.item_code}.yaml" if context.scenarios_dir is not None else None
    return path.read_text(encoding="utf-8") if path is not None and path.exists() else None


def scenario_file(version: RuleVersion, *, context: RuleContext) -> ScenarioFile | None:
    """The version's own scenarios, else the corpus scenario file of its item, else None."""
    name = f"scenarios/{version.item_code}.yaml"
    text = scenario_text(version, context=context)
    if text is None:
        return None
    raw = load_text(text, name=name)
    try:
        file = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise RuleFileError(name, pydantic_problems(exc, raw)) from None
    if file.item != version.item_code:
        raise RuleFileError(name, [("item", f"场景文件是 {file.item} 的，不是 {version.item_code} 的")])
    return file


def run_scenarios(
    session: Session, *, version: RuleVersion, context: RuleContext, on: date | None = None
) -> list[Outcome]:
    loaded = validate(session, version=version, context=context, on=on)
    file = scenario_file(version, context=context)
    if file is None:
        return []
    evaluator = Evaluator(items={version.item_code: loaded}, catalog=context.catalog, host=context.host)
    return run_file(file, evaluator)


def accept_scenario(
    session: Session,
    *,
    version: RuleVersion,
    context: RuleContext,
    name: str,
    by: str,
    department: str,
    reason: str,
) -> tuple[Expectation, Expectation]:
    """Make scenario ``name`` of a draft expect what the draft's rules now decide, noting who accepted it
    and why in the draft's scenario file; (expected before, expected now)."""
    if version.status != VersionStatus.DRAFT.value:
        raise RuleVersionState(f"{version.item_code} {version.label} 不是草稿，不能修改它的场景")
    check_department(session, item=version.item_code, department=department, declared=None)
    loaded = validate(session, version=version, context=context)
    file, text = scenario_file(version, context=context), scenario_text(version, context=context)
    scenario = next((s for s in file.scenarios if s.name == name), None) if file else None
    if file is None or text is None or scenario is None:
        raise RuleFileError(
            f"scenarios/{version.item_code}.yaml", [("scenarios", f"没有名为「{name}」的场景")]
        )
    evaluator = Evaluator(items={version.item_code: loaded}, catalog=context.catalog, host=context.host)
    now = expectation_of(evaluator.evaluate(case_of(file, scenario)))
    note = f"已接受新结果（{by}，{_today().isoformat()}）：{reason}"
    version.scenarios_yaml = with_expectation(text, name=name, expect=now, note=note)
    session.add(version)
    session.flush()
    return scenario.expect, now
