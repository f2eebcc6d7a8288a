"""Which findings rest on doubtful evidence: those become uncertain points (请核对), not findings.

prereview marks what it is not sure of — a field reading (`FieldValue.doubt`), a seal, a signature or
a part judged on a poor image (`MaterialSet.doubts`), a whole-file status (`MaterialEvidence.doubt`), a
material that may be in the case unrecognised (`CaseFacts.absence_doubts`), the number of people or
vehicles told apart (`MaterialEvidence.count_doubt`). A finding inherits the doubt of the evidence it was
judged on, including, for a mismatch, the doubt of what it was compared with; a PAGES_MISSING for fewer
sets than due inherits the count's; a person's number or name read off a list whose people were not all
told apart (`MaterialEvidence.apart_doubt`) may be several people's entries run together, and is
compared or checked only in doubt. Conditions are judged on declared facts, which are sure, and on a
material's count (count(Mn)): a condition failed only by a doubtful count is doubtful, so a doubtful
reading never makes a 不予受理 on its own.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from typing import Any

from rules.casefacts import CaseFacts, FieldState, FieldValue, MaterialEvidence, MaterialSet, MaterialStatus
from rules.codes import Code
from rules.expr import Cmp, CountRef, FactRef, refs, to_dnf
from rules.spec import Item
from rules.verdict import Finding

_MISMATCH = (Code.NAME_MISMATCH, Code.ID_MISMATCH)
# Defects of one person's reading, judged character by character
_PERSONAL = (*_MISMATCH, Code.INVALID_ID)
_CHECK = re.compile(r"^materials\[(M\d+)\]\.checks\[(\d+)\]$")
_TARGET = re.compile(r"^(M\d+)「([^」]+)」$")


def with_doubt(
    finding: Finding, *, case: CaseFacts, item: Item, values: Mapping[tuple[str, int, str], FieldValue]
) -> Finding:
    doubt = finding_doubt(finding, case=case, item=item, values=values)
    return finding.model_copy(update={"doubt": doubt}) if doubt else finding


def finding_doubt(
    finding: Finding, *, case: CaseFacts, item: Item, values: Mapping[tuple[str, int, str], FieldValue]
) -> str:
    mid = finding.material
    if mid is None:
        return _condition_doubt(finding, case=case, item=item) if finding.code is Code.NOT_ELIGIBLE else ""
    if finding.code is Code.MISSING:
        return case.absence_doubts.get(mid, "")
    evidence = case.materials.get(mid)
    if evidence is None:
        return ""
    if evidence.status is not MaterialStatus.PRESENT:
        return evidence.doubt
    if finding.code in (Code.NOT_SEALED, Code.NOT_SIGNED, Code.PAGES_MISSING):
        doubt = _mark_doubt(finding, evidence)
        if finding.code is Code.PAGES_MISSING and not finding.field:
            return doubt or evidence.count_doubt  # fewer sets than due, counted on a doubtful count
        return doubt
    value = values.get((mid, finding.set_index, finding.field)) if finding.set_index is not None else None
    if finding.code in _PERSONAL and finding.field and evidence.apart_doubt:
        # its people not told apart: the value may be several people's entries read as one
        return evidence.apart_doubt
    if finding.code is Code.UNREADABLE and value is not None and value.state is FieldState.OK and value.value:
        # read clearly, and no date (README §2.2) in any way written ("取得许可后6个月内"): not 无法辨认,
        # and whether it says enough is the clerk's to judge
        return value.doubt or f"写的是「{value.value}」，不是可识别的日期"
    if value is not None and value.doubt:
        sure_mismatch = value.unlike_declared and finding.code in _MISMATCH and _declared_only(finding, item)
        if not sure_mismatch:
            return value.doubt
    if finding.code in _MISMATCH:
        return _counterpart_doubt(finding, case=case, item=item)
    return ""


def _condition_doubt(finding: Finding, *, case: CaseFacts, item: Item) -> str:
    """The count doubt of a material whose count the failed condition reads, unless the declared facts
    alone fail it (every comparison of one way to fail is on a declared fact, and holds)."""
    condition = next((c for c in item.conditions if c.id == finding.condition), None)
    if condition is None:
        return ""
    counted = [r.material for r in refs(condition.require) if isinstance(r, CountRef)]
    doubts = [d for mid in counted if (e := case.materials.get(mid)) is not None and (d := e.count_doubt)]
    if not doubts:
        return ""
    for way in to_dnf(condition.require, negate=True):
        if all(_declared_holds(c, case.declared) for c in way):
            return ""
    return doubts[0]


def _declared_holds(c: Cmp, declared: Mapping[str, Any]) -> bool:
    """Whether a comparison on a declared fact surely holds; False for any other comparison."""
    if not isinstance(c.ref, FactRef) or declared.get(c.ref.name) is None:
        return False
    have, want = declared[c.ref.name], c.value
    try:
        if c.op in ("in", "not in"):
            return (have in (want if isinstance(want, tuple) else (want,))) == (c.op == "in")
        if c.op in ("contains", "not contains"):
            return isinstance(have, list | tuple) and (want in have) == (c.op == "contains")
        return bool(_COMPARE[c.op](have, want))
    except TypeError:
        return False


_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _declared_only(finding: Finding, item: Item) -> bool:
    """Whether the mismatch's check compares with declared facts only, no other material's reading."""
    m = _CHECK.match(finding.rule)
    if m is None:
        return False
    checks = item.material(m.group(1)).checks
    index = int(m.group(2))
    return index < len(checks) and not any(_TARGET.match(t) for t in checks[index].equals)


def _mark_doubt(finding: Finding, evidence: MaterialEvidence) -> str:
    key = {Code.NOT_SEALED: "sealed", Code.NOT_SIGNED: "signed"}.get(finding.code)
    sets: tuple[MaterialSet, ...] = evidence.sets
    if finding.set_index is not None and finding.set_index < len(sets):
        sets = (sets[finding.set_index],)
    for one in sets:
        doubt = one.doubts.get(key) if key else one.doubts.get(finding.field) or one.doubts.get("parts")
        if doubt:
            return doubt
    return ""


def _counterpart_doubt(finding: Finding, *, case: CaseFacts, item: Item) -> str:
    """A mismatch judged against another material's doubtful reading is itself doubtful."""
    m = _CHECK.match(finding.rule)
    if m is None:
        return ""
    checks = item.material(m.group(1)).checks
    index = int(m.group(2))
    if index >= len(checks):
        return ""
    for target in checks[index].equals:
        t = _TARGET.match(target)
        other = case.materials.get(t.group(1)) if t else None
        if t is None or other is None:
            continue
        sets = other.sets
        if t.group(1) == finding.material and finding.set_index is not None:
            sets = sets[finding.set_index : finding.set_index + 1]  # the same person's or vehicle's set
        elif other.apart_doubt:
            return other.apart_doubt  # its people not told apart: whose name is compared is not sure
        for one in sets:
            value = one.fields.get(t.group(2))
            if value is not None and value.doubt:
                return value.doubt
    return ""
