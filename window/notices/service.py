"""Which notice a case gets, and what it says: official once the clerk has decided, a marked self-check
copy before; judged by the rule version the run was judged by."""

from __future__ import annotations

from sqlmodel import Session, select

from rules.calendar import add_working_days
from rules.codes import Code, Verdict
from rules.live import RuleLibrary
from rules.models import RuleVersion
from rules.spec import Item
from rules.verdict import Decision
from window import cases, settlements
from window.errors import StateConflict
from window.models import Case, Channel, Run
from window.notices.content import Notice, build_notice
from window.workdays import Counted

__all__ = ["compose"]


def compose(
    session: Session,
    *,
    case: Case,
    library: RuleLibrary,
    kind: Verdict | None,
    run: int | None,
    due: Counted | None = None,
) -> Notice:
    """The notice of run ``run`` (default: the decided run, else the latest finished one); ``kind``
    defaults to the clerk's decision on it, or the suggestion while there is none; ``due``: the case
    clock's 承诺办结日, printed instead of one counted from the item's 承诺工作日."""
    decided_runs = [d.run_id for d in cases.decisions_of(session, case_id=case.id)]
    chosen: Run | None
    if run:
        chosen = cases.run_of(session, case_id=case.id, number=run)
    elif decided_runs:  # the decided run, not a later 容缺 补交's pre-check
        chosen = session.get(Run, decided_runs[-1])
    else:
        chosen = cases.latest_done(session, case_id=case.id)
    if chosen is None or chosen.decision is None:
        raise StateConflict("本案还没有完成的预审，不能出具文书")
    # settled as the clerk settled its uncertain points: the confirmed ones are listed like findings
    decision = settlements.suggestion(chosen, settlements.rows_of(session, run_id=chosen.id)).decision
    decided = [d for d in cases.decisions_of(session, case_id=case.id) if d.run_id == chosen.id]
    final = decided[-1] if decided else None
    verdict = kind or Verdict(final.verdict if final else decision.verdict)
    item = _item(session, case=case, decision=decision, library=library)
    if verdict is Verdict.TOLERANCE and decision.tolerance_deadline is None:
        decision = _with_tolerance(decision, item)
    reason = final.reason if final else ""
    if (
        verdict is Verdict.REJECT
        and not reason
        and not any(f.code is Code.NOT_ELIGIBLE for f in decision.findings)
    ):
        raise StateConflict("没有不满足的受理条件，也没有收件人员写明的理由，不能出具不予受理决定书")
    return build_notice(
        kind=verdict,
        item=item,
        decision=decision,
        applicant=case.applicant_name,
        case_id=case.id,
        draft=final is None or case.channel == Channel.APPLICANT.value,
        reason=reason,
        refer_to=final.refer_to if final else "",
        due=due,
    )


def _item(session: Session, *, case: Case, decision: Decision, library: RuleLibrary) -> Item:
    """The item as the rule version the run was judged by (by its hash), else as in effect that day."""
    stmt = select(RuleVersion).where(
        RuleVersion.item_code == case.item, RuleVersion.rule_hash == decision.rule_hash
    )
    version = session.exec(stmt).first()
    if version is None:
        return library.loaded(case.item, decision.review_date).item
    siblings = library.items_on(decision.review_date)
    return library.context.parse(version.yaml_text, name=f"{case.item}.yaml", siblings=siblings).item


def _with_tolerance(decision: Decision, item: Item) -> Decision:
    """A 容缺 notice for a decision that was not one: the longest 补交 time of its missing tolerable
    materials."""
    days = [
        item.material(f.material).tolerance_days or 0
        for f in decision.findings
        if f.code is Code.MISSING and f.tolerable and f.material
    ]
    if not days:
        raise StateConflict("本案没有缺少的容缺材料，不能出具容缺受理通知书")
    update = {
        "tolerance_days": max(days),
        "tolerance_deadline": add_working_days(decision.review_date, max(days)),
    }
    return decision.model_copy(update=update)
