"""Which notice a case gets, and what it says: official once the clerk has decided (numbered when first
printed), a marked self-check copy before; judged by the rule version the run was judged by."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from rules import service as rule_service
from rules.calendar import add_working_days
from rules.codes import Code, Verdict
from rules.errors import NothingPublished
from rules.live import RuleLibrary
from rules.models import utcnow
from rules.spec import Item
from rules.verdict import Decision
from window import cases, counters, decisions, samples, settlements
from window.errors import StateConflict
from window.hall import Hall
from window.models import Case, Channel, ClerkDecision, IssuedNotice, Run
from window.notices.content import KINDS, Notice, SampleLink, build_notice
from window.workdays import Counted

# the rows a notice lists: the clerk's choice as planned, or as recorded (JSON)
Listing = list[decisions.Listed] | list[dict[str, Any]] | None

__all__ = ["compose", "decided", "notice_number", "noticed_run"]


def compose(
    session: Session,
    *,
    case: Case,
    library: RuleLibrary,
    hall: Hall,
    kind: Verdict | None,
    run: int | None,
    plan: decisions.Plan | None = None,
    due: Counted | None = None,
    sample_base: str | None = None,
) -> Notice:
    """The notice of run ``run`` (default: the decided run, else the latest finished one); ``kind``
    defaults to the clerk's decision on it, or the suggestion while there is none. ``plan``: the notice
    of a decision not yet recorded (the clerk's confirm step), as it will print; ``due``: the case
    clock's 承诺办结日, printed instead of one counted from the item's 承诺工作日. With ``sample_base``
    (the service's public address) a 补正 or 容缺 notice links the samples of the materials it asks for."""
    chosen = noticed_run(session, case=case, number=plan.run if plan is not None else run)
    if chosen is None or chosen.decision is None:
        raise StateConflict("本案还没有完成的预审，不能出具文书")
    # settled as the clerk settled its uncertain points: the confirmed ones are listed like findings
    decision = settlements.suggestion(chosen, settlements.rows_of(session, run_id=chosen.id)).decision
    final = decided(session, case=case, run=chosen)
    verdict, reason, refer_to, listed = _wording(
        plan=plan, final=final, kind=kind, suggested=decision.verdict
    )
    item = decisions.judged_item(session, case=case, decision=decision, library=library)
    decision = _as_stated(decision, item=item, run=chosen, verdict=verdict, reason=reason, listed=listed)
    draft = plan is not None or final is None or case.channel == Channel.APPLICANT.value
    notice = build_notice(
        kind=verdict.value,
        item=item,
        decision=decision,
        hall=hall,
        applicant=case.applicant_name,
        case_number=case.number or case.id[:8],
        number="" if draft else notice_number(session, case=case, run=chosen, kind=verdict.value, hall=hall),
        draft=draft,
        reason=reason,
        refer_to=refer_to,
        declared=case.declared,
        catalog=library.context.catalog,
        due=due,
    )
    if sample_base is not None and verdict in (Verdict.CORRECTION, Verdict.TOLERANCE):
        notice.samples = _sample_links(session, case=case, decision=decision, item=item, base=sample_base)
    return notice


def _wording(
    *, plan: decisions.Plan | None, final: ClerkDecision | None, kind: Verdict | None, suggested: Verdict
) -> tuple[Verdict, str, str, Listing]:
    """The verdict, reason, competent authority and listed rows the notice states: the plan's (not yet
    recorded), else the clerk's decision's (the listed rows only on a notice of the decided kind), else
    the suggestion's."""
    if plan is not None:
        return plan.verdict, plan.reason, plan.refer_to, plan.listed
    return (
        kind or Verdict(final.verdict if final else suggested),
        final.reason if final else "",
        final.refer_to if final else "",
        final.listed if final and (kind is None or kind.value == final.verdict) else None,
    )


def _as_stated(
    decision: Decision, *, item: Item, run: Run, verdict: Verdict, reason: str, listed: Listing
) -> Decision:
    """The decision as the notice states it: narrowed to the rows the clerk listed, with a 容缺 deadline
    when it is a 容缺 notice; a 不予受理 notice needs an unmet condition or the clerk's reason."""
    if listed is not None:
        rows = [r if isinstance(r, dict) else r.model_dump(mode="json") for r in listed]
        raw = Decision.model_validate(run.decision)
        decision = decisions.effective(decision, item=item, raw=raw, listed=rows)
    if verdict is Verdict.TOLERANCE and decision.tolerance_deadline is None:
        decision = _with_tolerance(decision, item)
    if (
        verdict is Verdict.REJECT
        and not reason
        and not any(f.code is Code.NOT_ELIGIBLE for f in decision.findings)
    ):
        raise StateConflict("没有不满足的受理条件，也没有收件人员写明的理由，不能出具不予受理决定书")
    return decision


def _sample_links(
    session: Session, *, case: Case, decision: Decision, item: Item, base: str
) -> list[SampleLink]:
    """The public sample pages of the materials the notice asks to correct or hand in."""
    wanted = list(dict.fromkeys(f.material for f in decision.findings if f.material))
    version = decisions.judged_version(session, case=case, decision=decision)
    if version is None:
        try:
            version = rule_service.in_effect(session, item=case.item, on=decision.review_date)
        except NothingPublished:
            return []
    have = samples.of_version(session, version=version)
    out = []
    for mid in wanted:
        if mid in have:
            name = item.material(mid).name
            out.append(SampleLink(material=f"{mid} {name}", url=f"{base.rstrip('/')}/s/{case.item}/{mid}"))
    return out


def notice_number(session: Session, *, case: Case, run: Run, kind: str, hall: Hall) -> str:
    """The number of the run's official notice of ``kind``: taken from the kind's counter of the year
    when first printed, the same on every later print."""
    cases.lock_case(session, case_id=case.id)  # two first prints at once: one number
    stmt = select(IssuedNotice).where(IssuedNotice.run_id == run.id, IssuedNotice.kind == kind)
    issued = session.exec(stmt).first()
    if issued is None:
        now = utcnow()
        year = hall.year_of(now)
        seq = counters.next_value(session, name=f"notice:{kind}:{year}")
        number = hall.notice_number(year=year, seq=seq, mark=KINDS[kind].mark)
        issued = IssuedNotice(case_id=case.id, run_id=run.id or 0, kind=kind, number=number, issued_at=now)
        session.add(issued)
        session.flush()
    return issued.number


def noticed_run(session: Session, *, case: Case, number: int | None) -> Run | None:
    """The run a notice is of: run ``number``; by default the decided run (not a later 容缺 补交's
    pre-check), else the latest finished one."""
    if number:
        return cases.run_of(session, case_id=case.id, number=number)
    decided_runs = [d.run_id for d in cases.decisions_of(session, case_id=case.id)]
    if decided_runs:
        return session.get(Run, decided_runs[-1])
    return cases.latest_done(session, case_id=case.id)


def decided(session: Session, *, case: Case, run: Run) -> ClerkDecision | None:
    """The clerk's decision in force on ``run`` (a correction replaces the one before it)."""
    rows = [d for d in cases.decisions_of(session, case_id=case.id) if d.run_id == run.id]
    return rows[-1] if rows else None


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
