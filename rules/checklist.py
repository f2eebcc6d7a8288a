"""The applicant's checklist (一次告知): which materials, in what form, which may be 容缺."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from rules.evaluate import Evaluator


class ChecklistEntry(BaseModel):
    material: str
    name: str
    form: str
    source: str
    necessity: str
    due: Literal["yes", "no", "depends"]
    tolerance_days: int | None = None
    per: str = ""
    # 可共享调取的免交: what the applicant is told; nothing about whether the library holds the licence
    shared: str = ""


SHARED_NOTE = "可由窗口通过电子证照库调取"


class Checklist(BaseModel):
    item: str
    item_name: str
    rule_hash: str
    entries: list[ChecklistEntry]
    problems: list[str]  # declared facts that are missing/invalid (the window will ask for them)


def checklist(evaluator: Evaluator, code: str, declared: dict[str, Any] | None, *, on: date) -> Checklist:
    loaded = evaluator.loaded(code)
    entries = []
    problems: list[str] = []
    due: set[str] = set()
    if declared is not None:
        due, findings = evaluator.due(code, declared, on)
        problems = [_problem(f.message, f.field or f.condition or "") for f in findings]
    for m in loaded.item.materials:
        if declared is None:
            state: Literal["yes", "no", "depends"] = "yes" if m.when is None else "depends"
        else:
            state = "yes" if m.id in due else "no"
        entries.append(
            ChecklistEntry(
                material=m.id,
                name=m.name,
                form=m.form,
                source=m.source,
                necessity=m.necessity,
                due=state,
                tolerance_days=m.tolerance_days,
                per=m.per,
                shared=SHARED_NOTE if m.licence is not None else "",
            )
        )
    return Checklist(
        item=code, item_name=loaded.item.name, rule_hash=loaded.rule_hash, entries=entries, problems=problems
    )


def _problem(message: str, what: str) -> str:
    """One line a reader understands at once: the message names the material and the problem before
    "——" ("M1 申请书：必填项空白——「申请人名称」未填写"), which the checklist says already."""
    if "——" in message:
        return message.split("——", 1)[1]
    return f"{what}：{message}" if what and what not in message else message
