"""The clerk's decision: checked before it is recorded, correctable until its notice is printed.

A decision is a verdict the notices can express: 补正 lists at least one defect, 容缺受理 at least one
missing 容缺 material, 不予受理 an unmet condition or the clerk's reason. The clerk may choose what the
notice lists (``Listed``) — pre-filled from the run's findings and confirmed uncertain points, for the
override made exactly when recognition was wrong. ``plan`` checks a decision without recording it (the
confirm step shows its notice); ``decide`` records it, or replaces the decision of the same run while its
notice has not been printed; every change is audited.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from core.errors import BadInput
from rules.calendar import add_working_days
from rules.codes import CODE_LABELS, Code, Verdict
from rules.live import RuleLibrary
from rules.models import RuleVersion, utcnow
from rules.spec import Item
from rules.verdict import Decision, Finding
from window import audit, cases, settlements
from window.errors import StateConflict
from window.masking import CaseMasker
from window.models import Case, CaseStatus, Channel, ClerkDecision, Run

__all__ = [
    "Listed",
    "Plan",
    "decide",
    "effective",
    "judged_item",
    "judged_version",
    "mark_printed",
    "plan",
    "proposed",
]

# what a notice can list: 补正 any defect but an unmet condition (that is 不予受理), 容缺 a missing material
_CORRECTABLE = frozenset(Code) - {Code.NOT_ELIGIBLE}


class Listed(BaseModel):
    """One row the clerk chose for the notice: a material (or condition) and what is wrong with it."""

    subject: str = Field(pattern=r"^[MC]\d{1,3}$", description="材料（M3）或受理条件（C2）")
    code: Code
    note: str = Field(default="", max_length=300, description="收件人员的说明（写入文书的具体说明）")


class Plan(BaseModel):
    """A decision as it would be recorded: checked, not stored."""

    run: int
    verdict: Verdict
    suggested: Verdict
    overridden: bool
    reason: str
    refer_to: str
    listed: list[Listed] | None  # None: what the run found (accept, reject, or the suggestion as it is)
    correcting: int | None = None  # the id of the decision it replaces


def judged_version(session: Session, *, case: Case, decision: Decision) -> RuleVersion | None:
    """The rule version the run was judged by (by its hash); None when it is not stored (a file's rules)."""
    stmt = select(RuleVersion).where(
        RuleVersion.item_code == case.item, RuleVersion.rule_hash == decision.rule_hash
    )
    return session.exec(stmt).first()


def judged_item(session: Session, *, case: Case, decision: Decision, library: RuleLibrary) -> Item:
    """The item as the rule version the run was judged by (by its hash), else as in effect that day."""
    version = judged_version(session, case=case, decision=decision)
    if version is None:
        return library.loaded(case.item, decision.review_date).item
    siblings = library.items_on(decision.review_date)
    return library.context.parse(version.yaml_text, name=f"{case.item}.yaml", siblings=siblings).item


def proposed(suggestion: settlements.Suggestion, run: Run, verdict: Verdict) -> list[Listed]:
    """What a notice of ``verdict`` would list from the run itself: for 补正 the findings and every
    uncertain point not dismissed, for 容缺 the missing 容缺 materials (the clerk's pre-filled choice)."""
    raw = Decision.model_validate(run.decision)
    dismissed = set(suggestion.dismissed)
    found = [
        *suggestion.decision.findings,
        *(g for f in raw.uncertain if f.key not in dismissed for g in f.confirmed()),
    ]
    if verdict is Verdict.TOLERANCE:
        found = [f for f in found if f.code is Code.MISSING and f.tolerable]
    elif verdict is Verdict.CORRECTION:
        found = [f for f in found if f.code in _CORRECTABLE]
    else:
        return []
    return [Listed(subject=s, code=Code(c)) for s, c in dict.fromkeys(f.key for f in found)]


def plan(
    session: Session,
    *,
    case: Case,
    library: RuleLibrary,
    verdict: Verdict,
    reason: str,
    refer_to: str,
    listed: list[Listed] | None,
) -> Plan:
    """The decision checked as ``decide`` would record it; refused (with the reason, in Chinese) when
    the case cannot be decided now or its notice could not say it."""
    if case.channel == Channel.APPLICANT.value:
        raise StateConflict("申请人自助预检的案件不作收件决定；请用预检码转为窗口案件后办理")
    run = cases.latest_done(session, case_id=case.id)
    if run is None or run.verdict is None:
        raise StateConflict("本案还没有完成的预审，不能作出收件决定")
    previous = [d for d in cases.decisions_of(session, case_id=case.id) if d.run_id == run.id]
    correcting = previous[-1] if previous else None
    if case.status == CaseStatus.DECIDED.value and correcting is None:
        raise StateConflict("本案已作出收件决定")
    if correcting is not None and correcting.printed_at is not None:
        raise StateConflict("本案的文书已经打印，收件决定不能再更改；如有错误，请按规定另行处理")
    if case.status not in (CaseStatus.OPEN.value, CaseStatus.DECIDED.value):
        raise StateConflict("案件材料已删除，不能作出收件决定")
    settled = settlements.ready_to_decide(run, settlements.rows_of(session, run_id=run.id))
    suggested = settled.decision.verdict
    overridden = verdict is not suggested
    if overridden and len(reason.strip()) < 4:
        raise BadInput("改变预审建议的结论时必须写明理由（至少 4 个字）")
    item = judged_item(session, case=case, decision=settled.decision, library=library)
    chosen = _checked(item, verdict, listed, settled, run)
    unmet = any(f.code is Code.NOT_ELIGIBLE for f in settled.decision.findings)
    if verdict is Verdict.REJECT and not reason.strip() and not unmet:
        raise BadInput("没有不满足的受理条件：作出不予受理决定须写明理由")
    return Plan(
        run=run.number,
        verdict=verdict,
        suggested=suggested,
        overridden=overridden,
        reason=reason.strip(),
        refer_to=refer_to.strip(),
        listed=chosen,
        correcting=correcting.id if correcting is not None else None,
    )


def _checked(
    item: Item, verdict: Verdict, listed: list[Listed] | None, settled: settlements.Suggestion, run: Run
) -> list[Listed] | None:
    """The rows the notice will list, checked against the item; None where the notice lists none."""
    if verdict not in (Verdict.CORRECTION, Verdict.TOLERANCE):
        return None
    rows = proposed(settled, run, verdict) if listed is None else _unique(listed)
    materials = {m.id: m for m in item.materials}
    for row in rows:
        material = materials.get(row.subject)
        if material is None:
            raise BadInput(f"{item.name}没有材料 {row.subject}，不能写入文书")
        if verdict is Verdict.TOLERANCE and not material.tolerance_days:
            raise BadInput(f"「{material.name}」不是可容缺的材料，不能列为容缺补交的材料")
        if verdict is Verdict.CORRECTION and row.code not in _CORRECTABLE:
            raise BadInput("不满足受理条件的情形不能补正：应作出不予受理决定")
    if verdict is Verdict.TOLERANCE:
        rows = [r.model_copy(update={"code": Code.MISSING}) for r in rows]
        if not rows:
            raise BadInput(
                "本案没有缺少的容缺材料，容缺受理通知书无法出具：请勾选申请人承诺补交的容缺材料，"
                "或改为其他结论"
            )
    elif not rows:
        raise BadInput("补正材料一次性告知书须列出需要补正的内容：请至少勾选或添加一项")
    return rows


def _unique(rows: list[Listed]) -> list[Listed]:
    return list({(r.subject, r.code): r for r in rows}.values())


def decide(
    session: Session, *, case: Case, chosen: Plan, user_id: int, actor: str, role: str
) -> ClerkDecision:
    """Record a decision ``plan`` made (the caller holds ``lock_case`` and planned in the same unit of
    work); a correction replaces the decision of the same run, both kept and audited."""
    run = cases.run_of(session, case_id=case.id, number=chosen.run)
    before: dict[str, Any] = {"suggested": chosen.suggested.value}
    if chosen.correcting is not None:
        old = session.get(ClerkDecision, chosen.correcting)
        if old is not None:
            before = {"verdict": old.verdict, "decision": old.id, "reason": old.reason, "listed": old.listed}
    row = ClerkDecision(
        case_id=case.id,
        run_id=run.id or 0,
        suggested=chosen.suggested.value,
        verdict=chosen.verdict.value,
        overridden=chosen.overridden,
        reason=chosen.reason,
        refer_to=chosen.refer_to,
        listed=None if chosen.listed is None else [r.model_dump(mode="json") for r in chosen.listed],
        decided_by=user_id,
    )
    session.add(row)
    case.status = CaseStatus.DECIDED.value
    session.add(case)
    session.flush()
    rows = settlements.rows_of(session, run_id=run.id)
    settled = settlements.suggestion(run, rows)
    after: dict[str, Any] = {
        "verdict": row.verdict,
        "suggested": row.suggested,
        "run": run.number,
        "reason": row.reason,
        "refer_to": row.refer_to,
        "rule_hash": run.rule_hash,
        "listed": row.listed,
    }
    if settled.points:  # what the clerk settled, with the verdict the findings alone gave
        after |= {
            "run_verdict": run.verdict,
            "confirmed": [" ".join(p) for p in settled.confirmed],
            "dismissed": [" ".join(p) for p in settled.dismissed],
        }
    action = "decision.correct" if chosen.correcting else "override" if row.overridden else "decision"
    audit.record(
        session,
        actor=actor,
        role=role,
        action=action,
        target=f"case:{case.id}",
        before=before,
        after=after,
        names=CaseMasker(declared=case.declared, applicant_name=case.applicant_name).names,
    )
    return row


def mark_printed(session: Session, *, case: Case, row: ClerkDecision, actor: str, role: str) -> None:
    """The official notice of ``row`` left the system: the decision is final from now on."""
    if row.printed_at is not None:
        return
    row.printed_at = utcnow()
    session.add(row)
    audit.record(
        session,
        actor=actor,
        role=role,
        action="notice.print",
        target=f"case:{case.id}",
        after={"decision": row.id, "verdict": row.verdict},
    )


def effective(decision: Decision, *, item: Item, raw: Decision, listed: list[dict[str, Any]]) -> Decision:
    """``decision`` (the settled suggestion) with the findings the clerk chose for the notice: a chosen
    row keeps the run's message and evidence where the run found it (``raw``: also its uncertain points),
    else it says what the clerk wrote; a 容缺 list gets its deadline from the chosen materials."""
    known: dict[tuple[str, str], list[Finding]] = {}
    for f in [*decision.findings, *(g for u in raw.uncertain for g in u.confirmed())]:
        if f not in known.setdefault(f.key, []):
            known[f.key].append(f)
    findings: list[Finding] = []
    for row in (Listed.model_validate(r) for r in listed):
        note = row.note.strip()
        found = known.get((row.subject, row.code.value))
        if found:  # the run's own rows (their basis and evidence), in the clerk's words where given
            findings += [f.model_copy(update={"message": note}) for f in found[:1]] if note else found
            continue
        material = item.material(row.subject) if row.subject.startswith("M") else None
        findings.append(
            Finding(
                code=row.code,
                material=row.subject if material else None,
                condition=None if material else row.subject,
                message=note or CODE_LABELS[row.code],
                tolerable=bool(material and material.tolerance_days),
            )
        )
    update: dict[str, Any] = {"findings": findings}
    days = [
        item.material(f.material).tolerance_days or 0
        for f in findings
        if f.code is Code.MISSING and f.tolerable and f.material
    ]
    if days:
        update |= {
            "tolerance_days": max(days),
            "tolerance_deadline": add_working_days(decision.review_date, max(days)),
        }
    return decision.model_copy(update=update)
