"""What a draft would change: cases judged under the rules in effect and under the draft, compared.

A case changes when its verdict flips, a finding (material-or-condition + code) is added or removed,
or its 容缺 deadline moves. Only cases that change are listed; the counts say how many were replayed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, Field

from rules.casefacts import CaseFacts
from rules.codes import CODE_LABELS, VERDICT_LABELS
from rules.evaluate import Evaluator
from rules.verdict import Decision, Finding

__all__ = ["CaseChange", "FindingChange", "Impact", "compare", "replay"]


class FindingChange(BaseModel):
    """One review point added or removed on one case, in the clerk's words."""

    key: str  # "M7 MISSING" / "C2 NOT_ELIGIBLE"
    subject: str  # M7 / C2
    label: str  # 缺失 …
    message: str


class CaseChange(BaseModel):
    case_id: str
    item: str
    review_date: date
    verdict_before: str
    verdict_after: str
    verdict_before_label: str
    verdict_after_label: str
    deadline_before: date | None = None
    deadline_after: date | None = None
    added: list[FindingChange] = Field(default_factory=list)
    removed: list[FindingChange] = Field(default_factory=list)

    @property
    def verdict_flipped(self) -> bool:
        return self.verdict_before != self.verdict_after

    @property
    def deadline_moved(self) -> bool:
        return self.deadline_before != self.deadline_after


class Impact(BaseModel):
    replayed: int = 0
    changed: int = 0
    verdicts_flipped: int = 0
    deadlines_moved: int = 0
    flips: dict[str, int] = Field(default_factory=dict)  # "补正 → 受理" -> cases
    added_by_subject: dict[str, int] = Field(default_factory=dict)  # "M7 缺失" -> cases
    removed_by_subject: dict[str, int] = Field(default_factory=dict)
    unjudged: int = 0  # stored facts the draft could not judge (an item the draft does not know)
    cases: list[CaseChange] = Field(default_factory=list)


def _points(decision: Decision) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for finding in decision.findings:
        out.setdefault(f"{finding.key[0]} {finding.key[1]}", finding)
    return out


def _change(key: str, finding: Finding) -> FindingChange:
    return FindingChange(
        key=key, subject=finding.key[0], label=CODE_LABELS[finding.code], message=finding.message
    )


def compare(before: Decision, after: Decision) -> CaseChange | None:
    """How ``after`` differs from ``before`` for one case, or None when it does not."""
    old, new = _points(before), _points(after)
    added = [_change(k, f) for k, f in new.items() if k not in old]
    removed = [_change(k, f) for k, f in old.items() if k not in new]
    same_deadline = before.tolerance_deadline == after.tolerance_deadline
    if before.verdict == after.verdict and same_deadline and not added and not removed:
        return None
    return CaseChange(
        case_id=after.case_id,
        item=after.item,
        review_date=after.review_date,
        verdict_before=before.verdict.value,
        verdict_after=after.verdict.value,
        verdict_before_label=VERDICT_LABELS[before.verdict],
        verdict_after_label=VERDICT_LABELS[after.verdict],
        deadline_before=before.tolerance_deadline,
        deadline_after=after.tolerance_deadline,
        added=added,
        removed=removed,
    )


def replay(cases: Iterable[CaseFacts], *, current: Evaluator, draft: Evaluator, limit: int = 500) -> Impact:
    """Judge each case under ``current`` and ``draft`` and sum up what changes; at most ``limit`` changed
    cases are listed (the counts cover all of them)."""
    impact = Impact()
    flips: Counter[str] = Counter()
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    known = set(draft.items)
    for case in cases:
        if case.item not in known or case.item not in current.items:
            impact.unjudged += 1
            continue
        impact.replayed += 1
        change = compare(current.evaluate(case), draft.evaluate(case, facts_of=current))
        if change is None:
            continue
        impact.changed += 1
        if change.verdict_flipped:
            impact.verdicts_flipped += 1
            flips[f"{change.verdict_before_label} → {change.verdict_after_label}"] += 1
        if change.deadline_moved:
            impact.deadlines_moved += 1
        added.update(f"{c.subject} {c.label}" for c in change.added)
        removed.update(f"{c.subject} {c.label}" for c in change.removed)
        if len(impact.cases) < limit:
            impact.cases.append(change)
    impact.flips = dict(flips.most_common())
    impact.added_by_subject = dict(added.most_common())
    impact.removed_by_subject = dict(removed.most_common())
    return impact
